"""A killed server loses nothing: the organization stays the same, a recording killed
mid-processing resumes from its state (each state once in its history), and an upload
link issued before the kill still takes its PUT."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server.vozzo.vz_support import (
    LEAD_CONFIG,
    PREFIX,
    create_usecase,
    details,
    direct_upload,
    put_upload,
    upload_link,
    wait_final,
)
from tests.support.local_server import LocalServer


def test_kill_then_restart_resumes(tmp_path: Path, spoken_call: Path, tone: bytes) -> None:
    server = LocalServer(tmp_path / "data", extra_args=["--no-demo", "--workers", "1"])
    with server:
        api = httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30)
        org = api.get(f"{PREFIX}/organization").json()
        usecase = create_usecase(api, org, analysis_config=LEAD_CONFIG)
        link = upload_link(api, org, len(tone), {"usecase_uuid": usecase["usecase_uuid"]}).json()
        uploaded = direct_upload(api, org, spoken_call.read_bytes(), usecase["usecase_uuid"])
        # Transcription needs a worker process started and seconds of decoding.
        assert details(api, uploaded["recording_uuid"])["state"] == "INITIATED"
        server.restart(kill=True)

        api = httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30)
        assert api.get(f"{PREFIX}/organization").json() == org
        done = wait_final(api, uploaded["recording_uuid"])
        assert done["state"] == "ANALYSIS_COMPLETED", done
        states = [h["state"] for h in done["history"]]
        assert states == ["INITIATED", "TRANSCRIPTION_COMPLETED", "ANALYSIS_COMPLETED"]

        # The link's URL names the old port; its path and signature hold on the new one.
        old = httpx.URL(link["upload_url"])
        url = str(httpx.URL(server.base_url).copy_with(path=old.path, query=old.query))
        assert put_upload(url, tone).status_code == 200
        assert wait_final(api, link["recording_uuid"])["state"] == "ANALYSIS_COMPLETED"
        api.close()
