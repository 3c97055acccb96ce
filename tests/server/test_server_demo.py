"""Seeding the demo library: files and URLs from a manifest become ordinary calls,
members are registered up front, and a data directory is seeded only once."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.support.audio import make_wav
from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig
from voxdesk.server.platforms.voxxi import demo

pytestmark = pytest.mark.timeout(120)
TOKEN = "demo-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def wait_until_done(base_url: str, expected: int) -> list[dict]:
    deadline = time.monotonic() + 60
    while True:
        body = httpx.get(f"{base_url}/api/external/v1/calls", headers=AUTH).json()
        done = [c for c in body["data"] if c["status"] in ("completed", "failed")]
        if body["total"] == expected and len(done) == expected:
            return body["data"]
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def test_demo_library_is_seeded_once(tmp_path, monkeypatch, file_server, tone):
    library = tmp_path / "demo"
    make_wav(library / "calls" / "welcome.wav", seconds=1.0)
    base, root = file_server
    (root / "remote-demo.wav").write_bytes(tone)
    manifest = [
        {
            "file": "calls/welcome.wav",
            "memberId": "priya.sharma@acme.test",
            "categoryId": "support-qa",
            "date": "2026-01-15",
            "udfs": {"demo": True},
        },
        {
            "audio_url": f"{base}/remote-demo.wav",
            "memberId": "sam.lee@acme.test",
            "categoryId": "support-qa",
            "date": "16/01/2026 10:30",
        },
    ]
    (library / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(demo, "manifest_path", lambda: library / "manifest.json")
    # The remote demo recording is served from another loopback port.
    config = ServerConfig(
        data_dir=tmp_path / "data", token=TOKEN, workers=1, allow_private_fetch=True
    )

    with serve_in_thread(config) as base_url:
        members = httpx.get(f"{base_url}/api/external/v1/members", headers=AUTH).json()["data"]
        assert {m["email"] for m in members} == {"priya.sharma@acme.test", "sam.lee@acme.test"}
        assert {m["name"] for m in members} == {"Priya Sharma", "Sam Lee"}
        calls = wait_until_done(base_url, expected=2)
    by_date = {c["metadata"]["createdAt"]: c for c in calls}
    local = by_date["2026-01-15T03:30:00Z"]
    remote = by_date["2026-01-16T05:00:00Z"]
    assert local["status"] == remote["status"] == "completed"
    assert local["metadata"]["udfs"] == {"demo": True}
    assert local["metadata"]["audioUrl"].startswith(f"{base_url}/storage/demo/calls/welcome.wav?")
    assert local["metadata"]["duration"] == pytest.approx(1.0, abs=0.1)
    assert remote["metadata"]["audioUrl"] == f"{base}/remote-demo.wav"
    assert (config.data_dir / "storage" / "demo" / "calls" / "welcome.wav").is_file()

    with serve_in_thread(config) as base_url:
        again = httpx.get(f"{base_url}/api/external/v1/calls", headers=AUTH).json()
        assert again["total"] == 2
        # The stored demo URL is rebased onto the new port and still plays.
        audio = next(c for c in again["data"] if c["memberId"] == local["memberId"])
        played = httpx.get(audio["metadata"]["audioUrl"])
        assert played.status_code == 200
        assert played.content == (library / "calls" / "welcome.wav").read_bytes()


def test_no_demo_and_missing_manifest_seed_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "manifest_path", lambda: tmp_path / "absent" / "manifest.json")
    for seeded in (True, False):
        config = ServerConfig(data_dir=tmp_path / f"data-{seeded}", token=TOKEN, demo=seeded)
        with serve_in_thread(config) as base_url:
            body = httpx.get(f"{base_url}/api/external/v1/calls", headers=AUTH).json()
        assert body["total"] == 0
