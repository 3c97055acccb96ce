"""Faults a runner and the worker pool must survive: a full disk (while downloading,
and while recording that a call failed), and a server that is SIGKILLed; and stopping
the pool stops only its own processes."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.support.local_server import LocalServer, create_call_from_wav, wait_for_call
from voxdesk.server.core import ingest
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.pipeline import DISK_FULL
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.voxxi.calls import NewCall, create_call
from voxdesk.server.platforms.voxxi.pipeline import Pipeline
from voxdesk.server.platforms.voxxi.store import CallRecord, Store
from voxdesk.server.scorecard import Scorecard, load_scorecards

pytestmark = pytest.mark.timeout(120)


def quick_job(path: str, scorecard: Scorecard) -> dict[str, Any]:
    return {"duration": 1.0, "analysis": None}


class FullDiskStore(Store):
    """SQLite's "disk is full" for the first writes about one call: the fault cannot be
    made real without a full filesystem."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.full_for: str | None = None
        self.failures = 0

    def update_call(self, call_id: str, **fields: Any) -> None:
        if call_id == self.full_for and self.failures > 0:
            self.failures -= 1
            raise sqlite3.OperationalError("database or disk is full")
        super().update_call(call_id, **fields)


def pipeline_for(store: Store, tmp_path: Path) -> Pipeline:
    urls = StorageUrls(
        UrlSigner(b"k" * 32), "http://127.0.0.1:9", upload_ttl=60, public_ttl=60, playback_ttl=None
    )
    return Pipeline(
        store,
        urls,
        load_scorecards(),
        recordings_dir=tmp_path / "recordings",
        tmp_dir=tmp_path,
        workers=1,  # one runner: if it died, nothing else would ever be analysed
        fetch=FetchLimits(max_bytes=10_000_000, timeout_seconds=10, allow_private=True),
        job=quick_job,
        retry_delay=0.5,
    )


async def submit(store: Store, pipeline: Pipeline, audio_url: str) -> str:
    new = NewCall("disk.test@acme.test", "support-qa", audio_url, {}, None)
    return await create_call(store, pipeline, new)


async def settled(store: Store, call_id: str, timeout: float = 60) -> CallRecord:
    deadline = time.monotonic() + timeout
    while True:
        call = await asyncio.to_thread(store.get_call, call_id)
        if call.status in ("completed", "failed"):
            return call
        assert time.monotonic() < deadline, f"call {call_id} still {call.status}"
        await asyncio.sleep(0.1)


async def test_a_full_disk_while_recording_a_failure_does_not_end_the_runner(
    tmp_path, file_server, tone
):
    base, root = file_server
    (root / "disk.wav").write_bytes(tone)
    store = FullDiskStore(tmp_path / "db.sqlite3")
    pipeline = pipeline_for(store, tmp_path)
    await pipeline.start()
    try:
        # Both the "processing" write and the "failed" write hit the full disk.
        store.full_for = await submit(store, pipeline, f"{base}/disk.wav")
        store.failures = 2
        other = await submit(store, pipeline, f"{base}/disk.wav")
        assert (await settled(store, other)).status == "completed"
        # Once space is back, the first call is taken up again rather than left behind.
        first = await settled(store, store.full_for)
        assert first.status == "completed", first.error
        assert store.failures == 0
    finally:
        await pipeline.stop()
        store.close()


class _FullDiskFile:
    def __init__(self, path: Path) -> None:
        path.touch()

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, chunk: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


async def test_a_full_disk_while_downloading_fails_the_call_with_that_reason(
    tmp_path, file_server, tone, monkeypatch
):
    base, root = file_server
    (root / "big.wav").write_bytes(tone)
    monkeypatch.setattr(ingest, "open_private", _FullDiskFile)
    store = Store(tmp_path / "db.sqlite3")
    pipeline = pipeline_for(store, tmp_path)
    await pipeline.start()
    try:
        call = await settled(store, await submit(store, pipeline, f"{base}/big.wav"))
        assert (call.status, call.error) == ("failed", DISK_FULL)
        # The runner is still there for the next call once the disk has room.
        monkeypatch.undo()
        call = await settled(store, await submit(store, pipeline, f"{base}/big.wav"))
        assert call.status == "completed", call.error
    finally:
        await pipeline.stop()
        store.close()
    assert not any(tmp_path.glob("*.download"))


async def test_stopping_the_pool_leaves_other_processes_alone(tmp_path, file_server, tone):
    base, root = file_server
    (root / "own.wav").write_bytes(tone)
    bystander = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(60,))
    bystander.start()
    before = {child.pid for child in psutil.Process().children()}
    store = Store(tmp_path / "db.sqlite3")
    pipeline = pipeline_for(store, tmp_path)
    await pipeline.start()
    try:
        call = await settled(store, await submit(store, pipeline, f"{base}/own.wav"))
        assert call.status == "completed", call.error
        workers = [c for c in psutil.Process().children() if c.pid not in before]
        assert workers, "the pool started no worker"
    finally:
        await pipeline.stop()
        store.close()
    try:
        assert bystander.is_alive()
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    finally:
        bystander.terminate()
        bystander.join()


def test_workers_exit_when_the_server_is_killed(tmp_path, tone):
    server = LocalServer(tmp_path / "data", extra_args=["--no-demo", "--workers", "2"]).start()
    children: list[psutil.Process] = []
    try:
        call_id = create_call_from_wav(server, tone)
        assert wait_for_call(server, call_id)["status"] == "completed"
        assert server.process is not None
        children = psutil.Process(server.process.pid).children(recursive=True)
        assert children, "the server started no analysis worker"
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        started = time.monotonic()
        _, alive = psutil.wait_procs(children, timeout=15)
        print(f"workers gone {time.monotonic() - started:.2f} s after SIGKILL")
        assert alive == []
    finally:
        server.kill()
        for child in children:  # only if the test failed
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
