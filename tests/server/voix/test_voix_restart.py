"""A job cut off by a server that was killed mid-download is taken up again at the next
start, under the same jobId, and completes; nothing is transcribed twice."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.server.voix.conftest import RecordingServer
from tests.server.voix.voix_support import (
    MEMBERS,
    SERVER_ARGS,
    TEAM_KEY,
    WORKSPACE_KEY,
    bearer,
    beat,
    wait_final,
)
from tests.support.local_server import LocalServer


def test_a_job_cut_off_by_a_killed_server_resumes(
    tmp_path: Path, recordings: RecordingServer
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "voix-members.json").write_text(json.dumps(MEMBERS), "utf-8")
    args = ["--no-demo", "--allow-private-fetch", "--workers", "1", *SERVER_ARGS]
    name = "sales-01-good-sale.ogg"
    body = beat(recordingUrl=recordings.url(name) + "?slow-restart")
    with LocalServer(data, token=WORKSPACE_KEY, extra_args=args) as server:
        with httpx.Client(base_url=server.base_url, headers=bearer(TEAM_KEY), timeout=30) as http:
            job_id = http.post("/submit", json=body).json()["jobId"]
            deadline = time.monotonic() + 30
            while recordings.fetches[f"/{name}"] == 0:  # the download has begun
                assert time.monotonic() < deadline
                time.sleep(0.05)
        server.restart(kill=True)
        with httpx.Client(base_url=server.base_url, headers=bearer(TEAM_KEY), timeout=30) as http:
            record = wait_final(http, body["callId"])
            assert record["status"] == "completed", record["error"]
            assert [job["jobId"] for job in record["jobs"]] == [job_id]
            assert http.post("/submit", json=body).json()["jobId"] == job_id
    assert recordings.fetches[f"/{name}"] == 2  # the cut-off download, then the resumed one
