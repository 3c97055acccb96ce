"""Uploads into a Vozzo use case keep the queue's promise — exactly one recording per
file — when the answer to the upload-link request is lost and when ``voxdesk upload``
is killed mid-PUT and run again (both at once, against the real local server)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

import httpx

from tests.support.audio import make_wav
from tests.support.vozzo_server import auth, organization, recordings
from tests.uploads.conftest import until
from tests.uploads.faulty_proxy import (
    SWALLOW_RESPONSE,
    THROTTLE,
    UPLOAD_LINK_SUFFIX,
    Fault,
    FaultyProxy,
)
from voxdesk.contracts import vozzo as wire
from voxdesk.providers.vozzo import VozzoProvider
from voxdesk.providers.vozzo_mapping import UPLOAD_MARKER
from voxdesk.services.uploads.jobs import UploadMetadata, UploadState

#: Where Vozzo's upload links PUT (``/v1alpha/callintel/uploads/{recording_uuid}``).
PUT_PATH = f"{wire.API_PREFIX}/uploads/"


def _usecase(server) -> str:
    org = organization(server)
    response = httpx.post(
        server.base_url + wire.USECASE_PATH,
        json={"org_uuid": org["org_uuid"], "usecase_name": "Fault test"},
        headers=auth(server),
    )
    response.raise_for_status()
    return response.json()["usecase_uuid"]


def _link_path(server) -> str:
    client = organization(server)["client_name"]
    return f"{wire.API_PREFIX}/{client}/{wire.DEFAULT_PROFILE}{UPLOAD_LINK_SUFFIX}"


def _by_file(server, usecase: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for recording in recordings(server, usecase):
        found.setdefault(recording["file_name"], []).append(recording)
    return found


async def test_a_lost_link_answer_is_found_by_its_marker_not_made_twice(
    server, make_queue, tmp_path
) -> None:
    usecase = _usecase(server)
    path = make_wav(tmp_path / "lost.wav", 1.0)
    proxy = await FaultyProxy(
        server.port, [Fault("POST", _link_path(server), SWALLOW_RESPONSE)]
    ).start()
    try:
        queue = await make_queue(proxy.base_url, provider_type=VozzoProvider, follow=False)
        [job_id] = await queue.add([path], UploadMetadata(member_id="", category_id=usecase))
        [job] = await queue.wait([job_id])
    finally:
        await proxy.stop()
    assert job.state is UploadState.PROCESSING, job.reason
    assert proxy.count("POST", _link_path(server)) == 2  # the lost one, then one more
    [recording] = _by_file(server, usecase)["lost.wav"]
    assert recording["metadata"][UPLOAD_MARKER] == job_id
    assert job.call_id is not None and job.call_id.endswith(recording["recording_uuid"])


def _env(base_url: str, token: str, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VOXDESK_BASE_URL": base_url,
        "VOXDESK_TOKEN": token,
        "VOXDESK_HOME": str(home),
    }


def _argv(usecase: str, *paths: Path) -> list[str]:
    return [
        sys.executable, "-m", "voxdesk", "upload", *map(str, paths),
        "--platform", "vozzo", "--usecase", usecase, "--json",
    ]  # fmt: skip


async def test_lost_link_answer_and_killed_mid_put_make_one_recording_per_file(
    server, tmp_path
) -> None:
    usecase = _usecase(server)
    files = [make_wav(tmp_path / f"call{n}.wav", 3.0, tone_hz=400 + 50 * n) for n in range(2)]
    home = tmp_path / "home"
    link = _link_path(server)
    proxy = await FaultyProxy(
        server.port,
        [
            Fault("POST", link, SWALLOW_RESPONSE),
            Fault("PUT", PUT_PATH, THROTTLE, times=10, bytes_per_second=30_000),
        ],
    ).start()
    try:
        env = _env(proxy.base_url, server.token, home)
        process = await asyncio.create_subprocess_exec(
            *_argv(usecase, *files),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        # One link answer lost and asked again; then both PUTs under way, far from done.
        await until(lambda: sum(1 for p in proxy.body_bytes if p.startswith(PUT_PATH)) == 2, 60)
        process.send_signal(signal.SIGKILL)
        await process.communicate()
        assert process.returncode == -signal.SIGKILL
        assert proxy.count("POST", link) == 3
        assert recordings(server, usecase) == []  # no PUT finished: no recording yet

        db = sqlite3.connect(home / "data" / "uploads.sqlite3")
        queued = dict(db.execute("SELECT job_id, state FROM upload_jobs").fetchall())
        db.close()
        assert sorted(queued.values()) == ["uploading", "uploading"]

        proxy.faults.clear()
        rerun = await asyncio.create_subprocess_exec(
            *_argv(usecase, *files),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(rerun.communicate(), timeout=90)
    finally:
        await proxy.stop()
    assert rerun.returncode == 0, (out.decode(), err.decode())
    lines = [json.loads(line) for line in out.decode().splitlines()]
    assert {line["uploadId"] for line in lines} == set(queued)  # resumed, not queued again
    stored = _by_file(server, usecase)
    assert sorted(stored) == ["call0.wav", "call1.wav"]
    for line in lines:
        [recording] = stored[Path(line["file"]).name]  # exactly one per file
        assert recording["metadata"][UPLOAD_MARKER] == line["uploadId"]
        assert line["callId"].endswith(recording["recording_uuid"])
