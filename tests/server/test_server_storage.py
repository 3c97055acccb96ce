"""Signed storage: upload round trip, ranges, and every refusal leaving nothing on disk."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.server.storage_support import presign, stored_files
from tests.support.audio import wav_bytes
from tests.support.local_server import LocalServer, wait_for_call
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.credentials import load_or_create_signing_key

pytestmark = pytest.mark.timeout(120)


def error_code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()["error"]["code"]


def test_upload_round_trip_with_ranges(client, server, tone):
    urls = presign(client, server)
    put = httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    assert put.status_code == 200, put.text
    assert (server.data_dir / "storage" / urls["key"]).read_bytes() == tone

    whole = httpx.get(urls["publicUrl"])  # no Authorization header: a media player's view
    assert whole.status_code == 200
    assert whole.content == tone
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["accept-ranges"] == "bytes"

    size = len(tone)
    for header, first, last in (
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, size - 1),
        ("bytes=-16", size - 16, size - 1),
        ("bytes=10-999999999", 10, size - 1),
    ):
        part = httpx.get(urls["publicUrl"], headers={"Range": header})
        assert part.status_code == 206, header
        assert part.content == tone[first : last + 1]
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"

    beyond = httpx.get(urls["publicUrl"], headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert error_code(beyond) == "range_not_satisfiable"
    assert beyond.headers["content-range"] == f"bytes */{size}"

    head = httpx.head(urls["publicUrl"])
    assert head.status_code == 200
    assert head.headers["content-length"] == str(size)
    assert head.content == b""


def test_unsigned_or_edited_download_is_403(client, server, tone):
    urls = presign(client, server)
    httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    bare = urls["publicUrl"].split("?")[0]
    assert httpx.get(bare).status_code == 403
    upload_url_for_get = httpx.get(urls["presignedUrl"])
    assert error_code(upload_url_for_get) == "signature_invalid"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url[:-4] + ("0000" if not url.endswith("0000") else "1111"),
        lambda url: url.replace("expires=", "expires=9"),
        lambda url: url.replace("call.wav", "other.wav"),
    ],
)
def test_tampered_upload_url_is_refused(client, server, tone, tamper):
    urls = presign(client, server)
    before = stored_files(server)
    response = httpx.put(tamper(urls["presignedUrl"]), content=tone,
                         headers={"Content-Type": "audio/wav"})  # fmt: skip
    assert response.status_code == 403
    assert error_code(response) == "signature_invalid"
    assert stored_files(server) == before


def test_expired_upload_url_is_refused(server, tone):
    signer = UrlSigner(load_or_create_signing_key(server.data_dir))
    key = "uploads/expired/call.wav"
    expires = int(time.time()) - 5
    signature = signer.sign("PUT", key, "audio/wav", expires)
    url = f"{server.base_url}/storage/{key}?expires={expires}&signature={signature}"
    before = stored_files(server)
    response = httpx.put(url, content=tone, headers={"Content-Type": "audio/wav"})
    assert response.status_code == 403
    assert error_code(response) == "signature_expired"
    assert stored_files(server) == before


def test_wrong_content_type_is_refused(client, server, tone):
    urls = presign(client, server)
    before = stored_files(server)
    response = httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/mpeg"})
    assert response.status_code == 403
    assert "Content-Type" in response.json()["error"]["message"]
    assert stored_files(server) == before


def test_upload_without_content_length_is_411(client, server, tone):
    urls = presign(client, server)
    before = stored_files(server)
    response = httpx.put(
        urls["presignedUrl"], content=iter([tone]), headers={"Content-Type": "audio/wav"}
    )
    assert response.status_code == 411
    assert error_code(response) == "length_required"
    assert stored_files(server) == before


def test_upload_over_the_cap_is_413_and_not_stored(client, server, upload_cap):
    urls = presign(client, server)
    too_big = wav_bytes(5.0)  # 64 000 bytes a second: 320 044 bytes
    assert len(too_big) > upload_cap
    before = stored_files(server)
    response = httpx.put(urls["presignedUrl"], content=too_big,
                         headers={"Content-Type": "audio/wav"})  # fmt: skip
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert stored_files(server) == before


def test_non_audio_bytes_are_415_and_not_stored(client, server):
    urls = presign(client, server)
    before = stored_files(server)
    body = b"<html><body>definitely not a recording</body></html>" * 20
    response = httpx.put(urls["presignedUrl"], content=body, headers={"Content-Type": "audio/wav"})
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"
    assert stored_files(server) == before


def raw_request(server: LocalServer, method: str, target: bytes, body: bytes = b"") -> bytes:
    """Send a request line exactly as written (clients normalise ``..`` away)."""
    host, port = urlsplit(server.base_url).hostname, urlsplit(server.base_url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            method.encode() + b" " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + b"Content-Type: audio/wav\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body
        )  # fmt: skip
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "target",
    [
        b"/storage/../api-token",
        b"/storage/uploads/../../signing.key",
        b"/storage/%2e%2e/signing.key",
        b"/storage/%2E%2E%2Fsigning.key",
        b"/storage/uploads/..%2f..%2fsigning.key",
        b"/storage/..%5csigning.key",
        b"/storage/a%00b.wav",
        b"/storage//etc/passwd",
        b"/storage/%2fetc%2fpasswd",
        b"/storage/.hidden",
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_path_tricks_are_refused(server, tone, target, method):
    before = stored_files(server)
    query = b"?expires=9999999999&signature=" + b"0" * 64
    answer = raw_request(server, method, target + query, tone if method == "PUT" else b"")
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 404), answer[:200]
    assert b'"error"' in answer
    secret = (server.data_dir / "signing.key").read_bytes().strip()
    assert secret not in answer and server.token.encode() not in answer
    assert stored_files(server) == before


def test_playback_urls_are_short_lived(client, server, tone, playback_ttl):
    urls = presign(client, server)
    httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    call = client.post(
        server.api("/calls"),
        json={"memberId": "qa.lead@acme.test", "categoryId": "support-qa",
              "audio_url": urls["publicUrl"]},
    ).json()["data"]  # fmt: skip
    data = wait_for_call(server, call["callId"])
    assert data["status"] == "completed", data["error"]
    playback = data["metadata"]["audioUrl"]
    assert playback != urls["publicUrl"]
    assert playback.startswith(f"{server.base_url}/storage/{urls['key']}?expires=")
    expires = int(playback.split("expires=")[1].split("&")[0])
    assert expires <= time.time() + playback_ttl + 1
    # Read again just before fetching: on a loaded machine the first URL may already have
    # outlived its short life while the analysis was being waited for.
    playback = client.get(server.api(f"/calls/{call['callId']}/analysis")).json()["data"][
        "metadata"
    ]["audioUrl"]
    assert httpx.get(playback).content == tone
    time.sleep(playback_ttl + 1.2)
    expired = httpx.get(playback)
    assert expired.status_code == 403
    assert error_code(expired) == "signature_expired"
    assert httpx.get(urls["publicUrl"]).status_code == 200
