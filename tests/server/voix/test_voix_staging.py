"""Recordings staged on the local server for VOIX to fetch are removed by a rule, never
before VOIX could fetch them: once this server's VOIX fetched one (it keeps its own copy
under ``voix/{jobId}``, which still plays) and the job ended, or once its URL expired.
Against the real server, staged through the client's own stager."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import httpx

from tests.server.voix.conftest import DEMO_CALLS, recordings, voix_server, workspace
from tests.server.voix.voix_support import TEAM_KEY, WORKSPACE_KEY, bearer, beat, wait_final
from tests.support.local_server import LocalServer
from voxdesk.providers.http import HttpClient
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.server.platforms.voix.staging import EXPIRY_MARGIN_SECONDS
from voxdesk.services.factory import make_provider
from voxdesk.services.voix_call_log import LogRow, send_call_log, stage_on_local_server
from voxdesk.services.voix_outbox import Sent, VoixOutbox

__all__ = ["recordings", "voix_server", "workspace"]

RECORDING = "support-01-modem-reset.ogg"


def _stage(server: LocalServer, path: Path) -> str:
    """What ``voxdesk voix send`` and the desk do with a recording file."""

    async def run() -> str:
        storage = LocalProvider(HttpClient(server.base_url, WORKSPACE_KEY))
        try:
            return await stage_on_local_server(storage)(path)
        finally:
            await storage.aclose()

    return asyncio.run(run())


def _staged_files(server: LocalServer) -> set[str]:
    root = server.data_dir / "storage" / "staged"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def _put(http: httpx.Client, upload_url: str, path: Path) -> None:
    data = path.read_bytes()
    answer = http.put(
        upload_url,
        content=data,
        headers={"Content-Type": "audio/ogg", "Content-Length": str(len(data))},
    )
    assert answer.status_code == 200, answer.text


def test_a_staged_recording_goes_once_voix_fetched_it_and_the_call_still_plays(
    voix_server: LocalServer, workspace: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "fetched-then-removed.ogg"
    shutil.copy(DEMO_CALLS / RECORDING, path)
    url = _stage(voix_server, path)
    assert "/storage/staged/" in url
    assert workspace.get(url).status_code == 200  # there, for VOIX to fetch
    assert path.name in _staged_files(voix_server)

    body = beat(recordingUrl=url, startTime="2026-07-03T09:00:00Z")
    with httpx.Client(base_url=voix_server.base_url, headers=bearer(TEAM_KEY), timeout=30) as team:
        assert team.post("/submit", json=body).status_code == 202
        record = wait_final(team, body["callId"])
    assert record["status"] == "completed", record["error"]

    assert path.name not in _staged_files(voix_server)
    gone = workspace.get(url)
    assert gone.status_code == 404, gone.text  # its URL still valid: the object is gone
    assert workspace.get(record["recording"]).status_code == 200  # VOIX's own copy plays


def test_a_staged_recording_goes_once_its_url_expired_and_not_before(
    voix_server: LocalServer, workspace: httpx.Client, tmp_path: Path
) -> None:
    """Nothing fetches these: the one whose URL expired goes at the next sweep (each
    staging request sweeps); the one still fetchable stays."""
    short = tmp_path / "expires-soon.ogg"
    kept = tmp_path / "still-fetchable.ogg"
    for path in (short, kept):
        shutil.copy(DEMO_CALLS / RECORDING, path)
    soon = workspace.post(
        "/staging", json={"filename": short.name, "contentType": "audio/ogg", "expiresIn": 1}
    )
    assert soon.status_code == 201, soon.text
    _put(workspace, soon.json()["uploadUrl"], short)
    kept_url = _stage(voix_server, kept)
    assert {short.name, kept.name} <= _staged_files(voix_server)

    time.sleep(1 + EXPIRY_MARGIN_SECONDS + 1)
    assert workspace.get(soon.json()["recordingUrl"]).status_code == 403  # expired: unfetchable
    sweep = workspace.post("/staging", json={"filename": "x.ogg", "contentType": "audio/ogg"})
    assert sweep.status_code == 201

    assert short.name not in _staged_files(voix_server)
    assert kept.name in _staged_files(voix_server)
    assert workspace.get(kept_url).status_code == 200


def test_staging_needs_a_key_and_says_what_is_wrong(workspace: httpx.Client) -> None:
    unauthorised = httpx.post(
        f"{workspace.base_url}/staging", json={"filename": "a.ogg", "contentType": "audio/ogg"}
    )
    assert unauthorised.status_code == 401
    wrong = workspace.post(
        "/staging",
        json={"filename": "", "contentType": "text/plain", "expiresIn": 0, "bucket": "x"},
    )
    assert wrong.status_code == 400
    for field in ("bucket", "filename", "contentType", "expiresIn"):
        assert field in wrong.text


def test_a_rerun_stages_afresh_when_the_first_runs_url_expired_before_voix_took_it(
    voix_server: LocalServer, workspace: httpx.Client, tmp_path: Path
) -> None:
    """A first run staged the file but its finishing beat never reached VOIX (the outbox
    holds the URL, unanswered); by the re-run that URL has expired. The re-run must not
    hand VOIX a dead URL for a file that is fine: it stages the file again and VOIX
    fetches and completes it."""
    path = tmp_path / "first-run-never-reached-voix.ogg"
    shutil.copy(DEMO_CALLS / RECORDING, path)
    first = workspace.post(
        "/staging", json={"filename": path.name, "contentType": "audio/ogg", "expiresIn": 1}
    )
    assert first.status_code == 201, first.text
    _put(workspace, first.json()["uploadUrl"], path)
    row = LogRow(2, "first-run", beat(startTime="2026-07-04T09:00:00Z"), None, path)
    row.fields.pop("callId")
    outbox = VoixOutbox(tmp_path / "outbox.sqlite3")

    async def first_run() -> None:
        await outbox.open()
        await outbox.prepare("conn", row.key, row.fields, first.json()["recordingUrl"], str(path))

    async def rerun() -> list:
        storage = LocalProvider(HttpClient(voix_server.base_url, WORKSPACE_KEY))
        voix = make_provider("voix", voix_server.base_url, TEAM_KEY, {"key_kind": "team"})
        try:
            return await send_call_log(
                outbox, voix, "conn", [row], stage=stage_on_local_server(storage)
            )
        finally:
            await storage.aclose()
            await voix.aclose()
            await outbox.close()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(first_run())
        time.sleep(1 + EXPIRY_MARGIN_SECONDS + 1)
        (report,) = loop.run_until_complete(rerun())
    finally:
        loop.close()
    assert report.outcome == Sent.SENT, report.reason
    assert report.call.recording_url != first.json()["recordingUrl"]
    with httpx.Client(base_url=voix_server.base_url, headers=bearer(TEAM_KEY), timeout=30) as team:
        record = wait_final(team, report.call_id)
    assert record["status"] == "completed", record["error"]
