"""Every refusal on the voice-bot paths is JSON, including routes that do not exist and
methods a route does not take."""

from __future__ import annotations

import contextlib
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS
from tests.support.local_server import LocalServer
from voxdesk.server.core.store import CoreCall, CoreStore
from voxdesk.server.platforms.voicecalls.platform import CORE_DB_FILE
from voxdesk.server.platforms.voicecalls.views import PLATFORM


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/voice-call", 404),
        ("GET", f"{CALLS}/vc_aa7deee1ad/transcript", 404),
        ("DELETE", f"{CALLS}/vc_aa7deee1ad", 405),
        ("PUT", CALLS, 405),
        ("POST", "/recordings/voice-calls/vc_aa7deee1ad.ogg", 405),
        ("GET", "/recordings/voice-calls/vc_aa7deee1ad.ogg", 403),
        ("GET", "/recordings/voice-calls/", 404),
    ],
)
def test_refusals_are_json(api: httpx.Client, method: str, path: str, status: int) -> None:
    response = api.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] and error["message"]


def test_a_huge_json_body_is_refused_before_it_is_read(api: httpx.Client) -> None:
    response = api.post(
        CALLS, content=b"{" + b" " * 200_000 + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_chunked_5_mb_body_is_413_before_the_rest_is_sent(
    vc_server: LocalServer,
) -> None:
    """A chunked body declares no length, so only counting while reading stops it: the
    413 must come back while the client has sent 1 MiB of its 5 MB and waits, not once
    the server has read it all."""
    url = urlsplit(vc_server.base_url)
    chunk = b" " * (64 * 1024)
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {CALLS} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Authorization: {vc_server.auth['Authorization']}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )
        sock.sendall(b"1\r\n{\r\n")
        while sent < 1024 * 1024:  # of 5 MB; the terminating chunk is never sent
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        answer = b""
        with contextlib.suppress(TimeoutError):
            while not answer.endswith(b"}") and (received := sock.recv(65536)):
                answer += received
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large", answer[:200]
    assert b'"payload_too_large"' in answer
    assert sent < 5 * 1024 * 1024


def _local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


def test_a_row_the_platform_cannot_render_is_a_json_500_and_the_connection_survives(
    vc_server: LocalServer, api: httpx.Client
) -> None:
    """A stored call with a state outside the contract (written behind the server's back)
    fails inside the view: the client gets a JSON 500, not a traceback, and its
    keep-alive connection is not reset."""
    store = CoreStore(vc_server.data_dir / CORE_DB_FILE)
    try:
        store.insert_calls(
            [
                CoreCall(
                    platform=PLATFORM,
                    platform_id="vc_broken",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    started_at=datetime(2026, 1, 1, tzinfo=UTC),
                    direction="Outbound",
                    disposition="Exploded",
                    group_id="camp_broken",
                )
            ]
        )
    finally:
        store.close()
    response = api.get(f"{CALLS}/vc_broken")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "Traceback" not in response.text
    following = api.get(f"{CALLS}/vc_aa7deee1ad")
    assert following.status_code == 200
    assert _local_port(following) == _local_port(response), "the connection was reset"
    assert "vc_broken" in vc_server.stderr_text()
