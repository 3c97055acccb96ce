"""Ingest: every call's audio_url is fetched, size-capped and decoded, and a recording
that cannot be fetched or decoded ends the call in ``failed`` with a plain reason."""

from __future__ import annotations

import os
import socket

import pytest

from tests.support.audio import make_wav
from tests.support.local_server import wait_for_call

pytestmark = pytest.mark.timeout(120)


def create(client, server, audio_url: str) -> str:
    response = client.post(
        server.api("/calls"),
        json={"memberId": "qa.lead@acme.test", "categoryId": "support-qa", "audio_url": audio_url},
    )
    assert response.status_code == 202, response.text
    return response.json()["data"]["callId"]


def test_a_404_fails_the_call_with_the_reason(client, server, file_server):
    data = wait_for_call(server, create(client, server, f"{file_server[0]}/gone.wav"))
    assert data["status"] == "failed"
    assert data["error"] == "The recording could not be fetched: the server answered 404 Not Found."
    assert data["analysis"]["sections"] == [] and data["analysis"]["score"] is None


def test_an_unreachable_host_fails_the_call(client, server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = wait_for_call(server, create(client, server, f"http://127.0.0.1:{port}/a.wav"))
    assert data["status"] == "failed"
    assert data["error"] == "The recording could not be fetched: could not connect to 127.0.0.1."


def test_a_recording_over_the_cap_fails_the_call(client, server, file_server, upload_cap):
    base, root = file_server
    make_wav(root / "long.wav", seconds=6)  # 384 044 bytes
    assert (root / "long.wav").stat().st_size > upload_cap
    data = wait_for_call(server, create(client, server, f"{base}/long.wav"))
    assert data["status"] == "failed"
    assert data["error"].startswith("The recording could not be fetched: it is larger than")


@pytest.mark.parametrize(
    "content",
    [os.urandom(4096), b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 8, b"<html>Not found</html>"],
)
def test_undecodable_audio_fails_the_call(client, server, file_server, content):
    base, root = file_server
    name = f"broken-{content[:4].hex()}.wav"
    (root / name).write_bytes(content)
    data = wait_for_call(server, create(client, server, f"{base}/{name}"))
    assert data["status"] == "failed"
    assert "could not be decoded" in data["error"], data["error"]


@pytest.mark.parametrize(("seconds", "rate", "channels"), [(3.0, 8000, 1), (1.5, 16000, 2)])
def test_a_good_recording_completes_with_its_duration(
    client, server, file_server, seconds, rate, channels
):
    base, root = file_server
    name = f"good-{rate}-{channels}.wav"
    make_wav(root / name, seconds=seconds, sample_rate=rate, channels=channels, tone_hz=300)
    call_id = create(client, server, f"{base}/{name}")
    data = wait_for_call(server, call_id)
    assert data["status"] == "completed", data["error"]
    assert data["metadata"]["duration"] == pytest.approx(seconds, abs=0.1)
    assert (server.data_dir / "recordings" / call_id).read_bytes() == (root / name).read_bytes()
