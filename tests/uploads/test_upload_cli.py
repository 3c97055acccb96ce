"""``voxdesk upload`` as a user runs it, including being killed mid-upload and run again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

from tests.support.audio import make_wav
from tests.uploads.conftest import file_sha256, marked_calls, stored_sha256, until
from tests.uploads.faulty_proxy import STORAGE_PATH, THROTTLE, Fault, FaultyProxy


def _env(base_url: str, token: str, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VOXDESK_BASE_URL": base_url,
        "VOXDESK_TOKEN": token,
        "VOXDESK_HOME": str(home),
    }


def _argv(*paths: Path, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable, "-m", "voxdesk", "upload", *map(str, paths),
        "--member", "dana@acme.example", "--category", "support-qa",
        "--udf", "ticket=T-9", "--wait", "--json", *extra,
    ]  # fmt: skip


async def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_upload_prints_one_json_line_per_file(server, tmp_path) -> None:
    good = make_wav(tmp_path / "in" / "good.wav", 1.0)
    fake = tmp_path / "in" / "fake.wav"
    fake.write_text("not audio")
    env = _env(server.base_url, server.token, tmp_path / "home")
    code, out, err = await _run(_argv(tmp_path / "in"), env)
    assert code == 1, err  # one file was refused
    lines = {Path(line["file"]).name: line for line in map(json.loads, out.splitlines())}
    assert lines["good.wav"]["state"] == "done" and lines["good.wav"]["callId"]
    assert lines["good.wav"]["error"] is None
    assert lines["fake.wav"]["state"] == "refused" and lines["fake.wav"]["callId"] is None
    assert "not a recording" in lines["fake.wav"]["error"]
    assert server.token not in out + err
    assert (tmp_path / "home" / "data" / "uploads.sqlite3").exists()

    # The same file once more (already uploaded: --again says to upload it anyway).
    code, out, err = await _run(_argv(good, extra=("--udf", "queue=billing", "--again")), env)
    assert code == 0, err
    [line] = map(json.loads, out.splitlines())
    assert line["state"] == "done"
    [call] = marked_calls(server, line["uploadId"])
    assert call["metadata"]["udfs"]["queue"] == "billing"


async def test_killed_mid_upload_and_run_again_makes_one_call_per_file(server, tmp_path) -> None:
    files = [make_wav(tmp_path / f"rec{n}.wav", 3.0, tone_hz=400 + 50 * n) for n in range(2)]
    home = tmp_path / "home"
    proxy = await FaultyProxy(
        server.port, [Fault("PUT", STORAGE_PATH, THROTTLE, times=10, bytes_per_second=30_000)]
    ).start()
    try:
        env = _env(proxy.base_url, server.token, home)
        process = await asyncio.create_subprocess_exec(
            *_argv(*files), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        # Both PUTs under way (two at once), well short of their 192 KB.
        await until(lambda: sum(1 for p in proxy.body_bytes if p.startswith(STORAGE_PATH)) == 2, 30)
        process.send_signal(signal.SIGKILL)
        await process.communicate()
        assert process.returncode == -signal.SIGKILL

        db = sqlite3.connect(home / "data" / "uploads.sqlite3")
        queued = dict(db.execute("SELECT job_id, state FROM upload_jobs").fetchall())
        db.close()
        assert sorted(queued.values()) == ["uploading", "uploading"]
        for job_id in queued:
            assert marked_calls(server, job_id) == []

        proxy.faults.clear()
        code, out, err = await _run(_argv(*files), env)
    finally:
        await proxy.stop()
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert {line["uploadId"] for line in lines} == set(queued)  # resumed, not queued again
    for line in lines:
        assert line["state"] == "done", line
        [call] = marked_calls(server, line["uploadId"])
        assert call["callId"] == line["callId"] and call["status"] == "completed"
        assert stored_sha256(call["metadata"]["audioUrl"]) == file_sha256(Path(line["file"]))
    db = sqlite3.connect(home / "data" / "uploads.sqlite3")
    rows = db.execute("SELECT job_id, state, call_id FROM upload_jobs").fetchall()
    db.close()
    assert sorted(rows) == sorted((line["uploadId"], "done", line["callId"]) for line in lines)
