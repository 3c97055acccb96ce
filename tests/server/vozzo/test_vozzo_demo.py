"""The Vozzo demo library: seeded on a first start (use cases, and recordings that are
processed in the background like uploads), once; nothing with ``--no-demo``."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.server.vozzo.vz_support import COUNTS, PREFIX, RECORDINGS, wait_final
from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig
from voxdesk.server.platforms.voicecalls import demo as voicecalls_demo
from voxdesk.server.platforms.voxxi import demo as voxxi_demo
from voxdesk.server.platforms.vozzo.demo import manifest_path

TOKEN = "vozzo-demo-token"

MAX_LIBRARY_BYTES = 512 * 1024


def _usecases(api: httpx.Client) -> list[dict]:
    org = api.get(f"{PREFIX}/organization").json()
    return api.get(f"{PREFIX}/org-usecases/{org['org_uuid']}", params={"limit": 100}).json()[
        "usecases"
    ]


def test_the_shipped_library_is_small() -> None:
    folder = manifest_path().parent
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert total <= MAX_LIBRARY_BYTES, total


def test_a_first_start_seeds_the_demo_once(tmp_path: Path, monkeypatch) -> None:
    # Only Vozzo's demo: the other platforms' libraries would compete for the CPU.
    missing = tmp_path / "no-such-manifest.json"
    monkeypatch.setattr(voxxi_demo, "manifest_path", lambda: missing)
    monkeypatch.setattr(voicecalls_demo, "manifest_path", lambda: missing)
    auth = {"Authorization": TOKEN}
    plain = ServerConfig(data_dir=tmp_path / "plain", token=TOKEN, demo=False, workers=1)
    with serve_in_thread(plain) as base_url, httpx.Client(base_url=base_url, headers=auth) as api:
        assert _usecases(api) == []

    config = ServerConfig(data_dir=tmp_path / "demo", token=TOKEN, workers=1)
    with serve_in_thread(config) as base_url:
        api = httpx.Client(base_url=base_url, headers=auth, timeout=30)
        usecases = _usecases(api)
        assert {u["usecase_name"] for u in usecases} == {"Loan leads", "Support line"}
        recordings = []
        for usecase in usecases:
            assert usecase["analysis_config"]["analysis_questions"]
            assert len(usecase["analysis_config"]["analysis_buckets"]) == 3
            listed = api.post(RECORDINGS, json={"usecase_uuid": usecase["usecase_uuid"]}).json()
            assert listed["total"] >= 2
            recordings += listed["recordings"]
        started = time.monotonic()
        finals = [wait_final(api, r["recording_uuid"], timeout=300) for r in recordings]
        assert {f["state"] for f in finals} == {"ANALYSIS_COMPLETED"}, finals
        print(f"demo processed in {time.monotonic() - started:.1f} s after start")
        for usecase in usecases:
            counts = api.post(COUNTS, json={"usecase_uuid": usecase["usecase_uuid"]}).json()
            assert counts["completion_percentage"] == 100.0
        audio = httpx.get(
            api.post(
                f"{PREFIX}/org-usecases/recording/get-audio-presigned-url",
                json={"s3_key": recordings[0]["s3_key"]},
            ).json()["url"]
        )
        assert audio.content.startswith(b"OggS")
        api.close()

    # A second start on the same data dir seeds nothing more.
    with serve_in_thread(config) as base_url, httpx.Client(base_url=base_url, headers=auth) as api:
        assert len(_usecases(api)) == 2
