"""What a presigned PUT may store: bytes of the format the URL was signed for, long
enough to be audio, once; and an unsigned PUT is answered before its body is read."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.server.storage_support import presign, stored_files
from tests.support.audio import wav_bytes
from tests.support.local_server import wait_for_call

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("audio/ogg", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64),  # MP3
        ("audio/mpeg", wav_bytes(0.2)),  # a WAV
        ("audio/wav", b"OggS\x00\x02" + b"\x00" * 200),  # an Ogg
        ("audio/ogg", b"OggS\x00"),  # too short to be anything
        ("audio/wav", b"RIFF\x24\x00\x00\x00WAVEfmt "),  # a header with nothing after
    ],
)
def test_bytes_that_are_not_the_signed_format_are_refused(client, server, content_type, body):
    before = stored_files(server)
    urls = presign(client, server, content_type, filename="call.bin")
    response = httpx.put(urls["presignedUrl"], content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415, response.text
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert stored_files(server) == before


def test_a_presigned_put_is_single_use(client, server, tone):
    urls = presign(client, server, filename="call.bin")
    first = httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    assert first.status_code == 200, first.text
    created = client.post(
        server.api("/calls"),
        json={"memberId": "qa.lead@acme.test", "categoryId": "support-qa",
              "audio_url": urls["publicUrl"]},
    )  # fmt: skip
    call = wait_for_call(server, created.json()["data"]["callId"])
    assert call["status"] == "completed", call["error"]

    other = wav_bytes(1.0, tone_hz=880)
    again = httpx.put(urls["presignedUrl"], content=other, headers={"Content-Type": "audio/wav"})
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "already_uploaded"
    assert httpx.get(urls["publicUrl"]).content == tone


@pytest.mark.parametrize("query", [b"", b"?expires=9999999999&signature=" + b"0" * 64])
def test_an_unsigned_put_is_refused_before_its_body_is_read(server, query):
    """Headers announcing 50 MB, then nothing: the answer must not wait for the body."""
    parts = urlsplit(server.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            b"PUT /storage/uploads/abc/call.wav" + query + b" HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: audio/wav\r\nContent-Length: 50000000\r\n\r\n"
        )
        started = time.monotonic()
        sock.settimeout(5)
        head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 403 "), head[:200]
    assert time.monotonic() - started < 5
