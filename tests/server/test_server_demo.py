"""Seeding the demo library: files and URLs from a manifest become ordinary calls,
members are registered up front, a data directory is seeded only once, and calls whose
results ship with the library are complete from the start."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.support.audio import make_wav
from tests.support.inprocess_server import serve_in_thread
from voxdesk.server import app as app_module
from voxdesk.server.analysis.version import engine_version
from voxdesk.server.config import ServerConfig
from voxdesk.server.core.result_cache import file_sha256, write_shipped
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.platforms.voxxi import demo
from voxdesk.server.platforms.voxxi.pipeline import recipe
from voxdesk.server.scorecard import load_scorecards

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


def test_demo_calls_with_shipped_results_are_complete_before_the_first_request(
    tmp_path, monkeypatch
):
    """Issue 15 point 4: a demo call whose result ships with the library (same bytes,
    scorecard and engine version) is recorded with it at seeding, so the first listing
    already shows it analysed; the others go through the pipeline as before."""
    library = tmp_path / "demo"
    make_wav(library / "calls" / "shipped.wav", seconds=1.0)
    make_wav(library / "calls" / "not-shipped.wav", seconds=1.5)
    (library / "calls" / "damaged.ogg").write_bytes(b"OggS" + bytes(200))
    manifest = [
        {"file": f"calls/{name}", "memberId": "priya.sharma@acme.test",
         "categoryId": "support-qa", "date": f"2026-01-1{day}"}
        for day, name in enumerate(["shipped.wav", "not-shipped.wav", "damaged.ogg"])
    ]  # fmt: skip
    (library / "manifest.json").write_text(json.dumps(manifest))
    card = load_scorecards()["support-qa"]
    shipped_results = {
        name: analyze_call(str(library / "calls" / name), card)
        for name in ("shipped.wav", "damaged.ogg")
    }
    shipped = tmp_path / "analysis-cache.json.gz"
    write_shipped(
        shipped,
        engine_version(),
        [
            (file_sha256(library / "calls" / name), recipe(analyze_call, card), result)
            for name, result in shipped_results.items()
        ],
    )
    monkeypatch.setattr(demo, "manifest_path", lambda: library / "manifest.json")
    monkeypatch.setattr(app_module, "shipped_cache_path", lambda: shipped)
    config = ServerConfig(data_dir=tmp_path / "data", token=TOKEN, workers=1)

    with serve_in_thread(config) as base_url:
        first = httpx.get(f"{base_url}/api/external/v1/calls", headers=AUTH).json()["data"]
        calls = wait_until_done(base_url, expected=3)

    by_file = {c["metadata"]["audioUrl"].split("?")[0].rsplit("/", 1)[1]: c for c in first}
    assert by_file["shipped.wav"]["status"] == "completed"
    assert (
        by_file["shipped.wav"]["metadata"]["duration"] == shipped_results["shipped.wav"]["duration"]
    )
    assert by_file["damaged.ogg"]["status"] == "failed"
    assert by_file["damaged.ogg"]["error"] == shipped_results["damaged.ogg"]["error"]
    assert by_file["not-shipped.wav"]["status"] in ("pending", "processing")
    assert {c["status"] for c in calls} == {"completed", "failed"}
