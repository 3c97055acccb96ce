"""The pipeline survives analysis workers that die: the pool is rebuilt, the call is
tried once more, and a call is never left in ``processing``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.pipeline import WORKER_CRASHED
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.voxxi.calls import NewCall, create_call
from voxdesk.server.platforms.voxxi.pipeline import Pipeline
from voxdesk.server.platforms.voxxi.store import Store
from voxdesk.server.scorecard import Scorecard, load_scorecards

pytestmark = pytest.mark.timeout(120)


def crash_always(path: str, scorecard: Scorecard) -> dict[str, Any]:
    """Runs in the worker: note the attempt, then die like a segfaulting decoder."""
    with (Path(path).parent / "attempts").open("a") as attempts:
        attempts.write("x")
    os._exit(1)


def crash_once(path: str, scorecard: Scorecard) -> dict[str, Any]:
    marker = Path(path).parent / "crashed-once"
    if not marker.exists():
        marker.touch()
        os._exit(1)
    return {"duration": 1.25, "analysis": None}


async def run_call(tmp_path: Path, audio_url: str, job) -> tuple[Any, Path]:
    store = Store(tmp_path / "db.sqlite3")
    urls = StorageUrls(
        UrlSigner(b"k" * 32), "http://127.0.0.1:9", upload_ttl=60, public_ttl=60, playback_ttl=None
    )
    recordings = tmp_path / "recordings"
    pipeline = Pipeline(
        store,
        urls,
        load_scorecards(),
        recordings_dir=recordings,
        tmp_dir=tmp_path,
        workers=1,
        fetch=FetchLimits(max_bytes=10_000_000, timeout_seconds=10, allow_private=True),
        job=job,
    )
    await pipeline.start()
    try:
        new = NewCall("crash.test@acme.test", "support-qa", audio_url, {}, None)
        call_id = await create_call(store, pipeline, new)
        for _ in range(600):
            call = await asyncio.to_thread(store.get_call, call_id)
            if call.status in ("completed", "failed"):
                return call, recordings
            await asyncio.sleep(0.1)
        raise AssertionError(f"call still {call.status}")
    finally:
        await pipeline.stop()
        store.close()


async def test_a_worker_that_always_dies_fails_the_call_after_one_retry(
    tmp_path, file_server, tone
):
    base, root = file_server
    (root / "crash.wav").write_bytes(tone)
    call, recordings = await run_call(tmp_path, f"{base}/crash.wav", crash_always)
    assert call.status == "failed"
    assert call.error == WORKER_CRASHED
    assert (recordings / "attempts").read_text() == "xx"


async def test_a_worker_that_dies_once_is_retried(tmp_path, file_server, tone):
    base, root = file_server
    (root / "flaky.wav").write_bytes(tone)
    call, _ = await run_call(tmp_path, f"{base}/flaky.wav", crash_once)
    assert call.status == "completed", call.error
    assert call.duration == 1.25
