"""The background job runner: every accepted call goes ingest → analyze → done.

Each step's outcome is persisted (``status`` and ``stage``) before the next begins,
so a server that is stopped or killed resumes every unfinished call from its stage
on the next start, and no call is left in ``processing``: any error ends the call in
``failed`` with the reason. CPU work runs in a spawn-context process pool of
``workers`` processes, so the event loop (and so the API) stays responsive; if a
worker process dies, the pool is rebuilt and the call tried once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import httpx

from voxdesk.server import store as st
from voxdesk.server.ingest import IngestError, fetch_recording, make_client
from voxdesk.server.scorecard import Scorecard
from voxdesk.server.urls import StorageUrls
from voxdesk.server.worker import analyze_call, init_worker

log = logging.getLogger(__name__)

WORKER_CRASHED = (
    "The analysis worker process stopped unexpectedly twice while analysing this "
    "recording; it may be damaged or too large to analyse."
)


class Pipeline:
    def __init__(
        self,
        store: st.Store,
        urls: StorageUrls,
        scorecards: dict[str, Scorecard],
        *,
        recordings_dir: Path,
        tmp_dir: Path,
        workers: int,
        max_bytes: int,
        fetch_timeout: float,
        job: Callable[[str, Scorecard], dict[str, Any]] = analyze_call,
    ) -> None:
        self._store = store
        self._urls = urls
        self._scorecards = scorecards
        self._recordings = recordings_dir
        self._tmp = tmp_dir
        self._workers = max(1, workers)
        self._max_bytes = max_bytes
        self._fetch_timeout = fetch_timeout
        self._job = job
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._pool: ProcessPoolExecutor | None = None
        self._client: httpx.AsyncClient | None = None

    def recording_path(self, call_id: str) -> Path:
        return self._recordings / call_id

    async def start(self) -> None:
        """Start the runners and queue what a previous run left unfinished."""
        self._recordings.mkdir(parents=True, exist_ok=True)
        self._pool = self._new_pool()
        self._client = make_client(self._fetch_timeout)
        self._tasks = [
            asyncio.create_task(self._run(), name=f"pipeline-{n}") for n in range(self._workers)
        ]
        unfinished = await asyncio.to_thread(self._store.unfinished_calls)
        if unfinished:
            log.info("Resuming %d unfinished call(s)", len(unfinished))
        for call_id in unfinished:
            self.submit(call_id)

    def submit(self, call_id: str) -> None:
        self._queue.put_nowait(call_id)

    async def stop(self) -> None:
        """Stop promptly; unfinished calls keep their stage and resume on the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        # A worker busy with a long analysis would otherwise outlive the server.
        for child in multiprocessing.active_children():
            child.terminate()
            child.join(timeout=5)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
        )

    async def _run(self) -> None:
        while True:
            call_id = await self._queue.get()
            try:
                await self._process(call_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("Call %s failed unexpectedly", call_id)
                await self._fail(
                    call_id,
                    f"The server hit an unexpected error while processing this call "
                    f"({type(exc).__name__}); the details are in its log.",
                )
            finally:
                self._queue.task_done()

    async def _update(self, call_id: str, **fields: Any) -> None:
        await asyncio.to_thread(self._store.update_call, call_id, **fields)

    async def _fail(self, call_id: str, reason: str) -> None:
        log.info("Call %s failed: %s", call_id, reason)
        await self._update(call_id, status=st.FAILED, error=reason)

    async def _process(self, call_id: str) -> None:
        call = await asyncio.to_thread(self._store.get_call, call_id)
        if call is None or call.status in (st.COMPLETED, st.FAILED):
            return
        await self._update(call_id, status=st.PROCESSING)
        recording = self.recording_path(call_id)
        if call.stage == st.STAGE_INGEST or not recording.is_file():
            try:
                await fetch_recording(
                    self._require_client(),
                    self._urls.fetch_url(call.audio_url),
                    recording,
                    self._tmp / f"{call_id}.download",
                    max_bytes=self._max_bytes,
                    deadline_seconds=self._fetch_timeout * 10,
                )
            except IngestError as exc:
                await self._fail(call_id, str(exc))
                return
            await self._update(call_id, stage=st.STAGE_ANALYZE)
        scorecard = self._scorecards.get(call.category_id)
        if scorecard is None:
            await self._fail(
                call_id, f"The scorecard {call.category_id!r} is no longer loaded by the server."
            )
            return
        result = await self._analyze(recording, scorecard)
        if "error" in result:
            await self._fail(call_id, result["error"])
            return
        await self._update(
            call_id,
            status=st.COMPLETED,
            stage=st.STAGE_DONE,
            duration=result["duration"],
            analysis=result["analysis"],
            error=None,
        )
        log.info("Call %s completed", call_id)

    def _require_client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the pipeline is not running")
        return self._client

    async def _analyze(self, recording: Path, scorecard: Scorecard) -> dict[str, Any]:
        for attempt in (1, 2):
            pool = self._pool
            if pool is None:
                raise RuntimeError("the pipeline is not running")
            try:
                future = pool.submit(self._job, str(recording), scorecard)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                log.warning("An analysis worker died (attempt %d); restarting the pool", attempt)
                if self._pool is pool:
                    with contextlib.suppress(Exception):
                        pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
        return {"error": WORKER_CRASHED}
