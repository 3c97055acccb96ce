"""Which URLs the server fetches a call's audio from (SSRF): without
``--allow-private-fetch`` nothing on this computer or a private network is reached,
whatever spelling the URL uses, on every redirect hop; refused and unreachable targets
get one message, so a caller learns nothing about which ports are open; the server's
own signed storage URLs keep working."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from tests.support.local_server import LocalServer, wait_for_call
from voxdesk.server.core.fetch_guard import guarded_client, is_public
from voxdesk.server.core.ingest import PRIVATE_HINT, FetchLimits, IngestError, fetch_recording

pytestmark = pytest.mark.timeout(120)


class _Recorder(BaseHTTPRequestHandler):
    """Serves ``body`` at any path and notes every request it gets, with its headers."""

    body = b""
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def recorder(tone: bytes) -> Iterator[int]:
    """The port of a loopback service that answers every GET with a good recording."""
    _Recorder.body = tone
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server with the default policy (no ``--allow-private-fetch``)."""
    with LocalServer(tmp_path_factory.mktemp("guarded") / "data", extra_args=["--no-demo"]) as s:
        yield s


def create(server: LocalServer, audio_url: str) -> str:
    response = httpx.post(
        server.api("/calls"),
        headers=server.auth,
        json={"memberId": "qa.lead@acme.test", "categoryId": "support-qa", "audio_url": audio_url},
    )
    assert response.status_code == 202, response.text  # accepted; refused when fetched
    return response.json()["data"]["callId"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable(host: str) -> str:
    return f"The recording could not be fetched: could not connect to {host}{PRIVATE_HINT}."


@pytest.mark.parametrize(
    ("template", "host"),
    [
        ("http://127.0.0.1:{port}/a.wav", "127.0.0.1"),
        ("http://localhost:{port}/a.wav", "localhost"),
        ("http://0.0.0.0:{port}/a.wav", "0.0.0.0"),
        ("http://2130706433:{port}/a.wav", "2130706433"),  # 127.0.0.1 in decimal
        ("http://127.1:{port}/a.wav", "127.1"),
        ("http://[::ffff:127.0.0.1]:{port}/a.wav", "::ffff:127.0.0.1"),
    ],
)
def test_loopback_in_any_spelling_is_never_fetched(guarded, recorder, template, host):
    _Recorder.seen.clear()
    data = wait_for_call(guarded, create(guarded, template.format(port=recorder)))
    assert data["status"] == "failed"
    assert data["error"] == unreachable(host)
    assert _Recorder.seen == []


def test_an_open_and_a_closed_port_answer_alike(guarded, recorder):
    """The error must not be a port scanner."""
    open_call = create(guarded, f"http://127.0.0.1:{recorder}/a.wav")
    closed_call = create(guarded, f"http://127.0.0.1:{closed_port()}/a.wav")
    errors = {wait_for_call(guarded, c)["error"] for c in (open_call, closed_call)}
    assert errors == {unreachable("127.0.0.1")}


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.1.2.3/a.wav",
        "http://192.168.1.1/a.wav",
        "http://224.0.0.1/a.wav",
        "http://[fe80::1]/a.wav",
    ],
)
def test_private_link_local_and_multicast_addresses_are_refused(guarded, url):
    data = wait_for_call(guarded, create(guarded, url), timeout=30)
    assert data["status"] == "failed"
    host = httpx.URL(url).host
    assert data["error"] == unreachable(host)


def test_a_url_with_credentials_is_never_fetched(guarded, recorder):
    _Recorder.seen.clear()
    data = wait_for_call(guarded, create(guarded, f"http://user:pw@127.0.0.1:{recorder}/a.wav"))
    assert data["status"] == "failed"
    assert "user name or password" in data["error"]
    assert _Recorder.seen == []


def test_the_servers_own_storage_urls_still_work(guarded, tone):
    urls = httpx.post(
        guarded.api("/calls/presigned-url"),
        headers=guarded.auth,
        json={"filename": "call.wav", "contentType": "audio/wav"},
    ).json()["data"]
    put = httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    assert put.status_code == 200, put.text
    data = wait_for_call(guarded, create(guarded, urls["publicUrl"]))
    assert data["status"] == "completed", data["error"]


def test_allow_private_fetch_reaches_a_recording_on_this_computer(tmp_path, recorder):
    args = ["--no-demo", "--allow-private-fetch"]
    with LocalServer(tmp_path / "data", extra_args=args) as server:
        data = wait_for_call(server, create(server, f"http://127.0.0.1:{recorder}/a.wav"))
    assert data["status"] == "completed", data["error"]


# The guard itself, with one loopback address (127.0.0.2) standing in for "public".


def only_127_0_0_2(address: str) -> bool:
    return address == "127.0.0.2"


class _Redirect(BaseHTTPRequestHandler):
    location = ""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.2", 0), _Redirect)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


async def guarded_fetch(url: str, tmp_path: Path) -> None:
    limits = FetchLimits(max_bytes=10_000_000, timeout_seconds=5)
    async with guarded_client(
        limits.timeout(), allow_private=False, is_allowed=only_127_0_0_2
    ) as c:
        await fetch_recording(c, url, tmp_path / "rec", tmp_path / "rec.part", limits)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/a.wav",
        "http://localhost:{port}/a.wav",
        "http://user:pw@127.0.0.2:{port}/a.wav",
        "file:///etc/passwd",
    ],
)
async def test_every_redirect_hop_is_checked(tmp_path, redirector, recorder, target):
    _Recorder.seen.clear()
    _Redirect.location = target.format(port=recorder)
    with pytest.raises(IngestError):
        await guarded_fetch(f"http://127.0.0.2:{redirector}/start.wav", tmp_path)
    assert _Recorder.seen == []
    assert not (tmp_path / "rec").exists()


async def test_a_name_resolving_to_any_private_address_is_refused(tmp_path, monkeypatch, recorder):
    """A DNS answer mixing an allowed and a private address (how rebinding starts) is
    refused as a whole; the connection only ever goes to an address that was checked."""

    def resolve(host, port, *args, **kwargs):
        assert host == "rebind.test"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    _Recorder.seen.clear()
    with pytest.raises(IngestError, match=r"could not connect to rebind\.test"):
        await guarded_fetch(f"http://rebind.test:{recorder}/a.wav", tmp_path)
    assert _Recorder.seen == []


def test_public_addresses():
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1::1")
    for address in ("127.0.0.1", "0.0.0.0", "10.0.0.1", "172.16.0.1", "192.168.0.1",
                    "169.254.169.254", "100.64.0.1", "224.0.0.1", "::1", "::",
                    "fe80::1%eth0", "fc00::1", "::ffff:127.0.0.1", "ff02::1"):  # fmt: skip
        assert not is_public(address), address
