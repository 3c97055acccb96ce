"""The background job runner: every accepted call goes ingest → analyze → done.

Each step's outcome is persisted (``status`` and ``stage``) before the next begins,
so a server that is stopped or killed resumes every unfinished call from its stage
on the next start, and no call is left in ``processing``: any error ends the call in
``failed`` with the reason. Downloads run in their own tasks (``FETCHERS``), apart
from the analysis runners, so a slow download never holds a runner. CPU work runs in
a spawn-context process pool of ``workers`` processes, so the event loop (and so the
API) stays responsive; if a worker process dies, the pool is rebuilt and the call
tried once more. An error while recording an error (a full disk) never ends a runner:
the call is queued again after ``retry_delay`` seconds.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from voxdesk.server.core.fetch_guard import guarded_client, own_storage_client
from voxdesk.server.core.ingest import FetchLimits, IngestError, fetch_recording
from voxdesk.server.core.private_files import private_dir
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.core.worker_pool import AnalysisPool, WorkerCrashed
from voxdesk.server.platforms.voxxi import store as st
from voxdesk.server.scorecard import Scorecard

log = logging.getLogger(__name__)

WORKER_CRASHED = (
    "The analysis worker process stopped unexpectedly twice while analysing this "
    "recording; it may be damaged or too large to analyse."
)
DISK_FULL = "The server's disk is full; free some space and submit the call again."
#: Concurrent downloads; each is bounded by a minimum rate and a deadline.
FETCHERS = 4
RETRY_DELAY_SECONDS = 30.0

#: One step of a call (ingest or analyze), by call id.
Step = Callable[[str], Awaitable[None]]


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or (
            "disk is full" in str(exc)
        )
    return False


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
        fetch: FetchLimits,
        job: Callable[[str, Scorecard], dict[str, Any]] = analyze_call,
        retry_delay: float = RETRY_DELAY_SECONDS,
    ) -> None:
        self._store = store
        self._urls = urls
        self._scorecards = scorecards
        self._recordings = recordings_dir
        self._tmp = tmp_dir
        self._workers = max(1, workers)
        self._fetch = fetch
        self._retry_delay = retry_delay
        self._fetch_queue: asyncio.Queue[str] = asyncio.Queue()
        self._analyze_queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._retries: set[asyncio.Task[None]] = set()
        self._pool = AnalysisPool(self._workers, job)
        self._public_client: httpx.AsyncClient | None = None
        self._own_client: httpx.AsyncClient | None = None

    def recording_path(self, call_id: str) -> Path:
        return self._recordings / call_id

    async def start(self) -> None:
        """Start the runners and queue what a previous run left unfinished."""
        private_dir(self._recordings)
        self._pool.start()
        self._public_client = guarded_client(
            self._fetch.timeout(), allow_private=self._fetch.allow_private
        )
        self._own_client = own_storage_client(self._fetch.timeout())
        self._tasks = [
            *(
                asyncio.create_task(self._loop(self._fetch_queue, self._ingest), name=f"fetch-{n}")
                for n in range(FETCHERS)
            ),
            *(
                asyncio.create_task(
                    self._loop(self._analyze_queue, self._analyze), name=f"analyze-{n}"
                )
                for n in range(self._workers)
            ),
        ]
        unfinished = await asyncio.to_thread(self._store.unfinished_calls)
        if unfinished:
            log.info("Resuming %d unfinished call(s)", len(unfinished))
        for call_id in unfinished:
            self.submit(call_id)

    def submit(self, call_id: str) -> None:
        self._fetch_queue.put_nowait(call_id)

    async def stop(self) -> None:
        """Stop promptly; unfinished calls keep their stage and resume on the next start."""
        tasks = [*self._tasks, *self._retries]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks = []
        self._retries.clear()
        for client in (self._public_client, self._own_client):
            if client is not None:
                await client.aclose()
        await asyncio.to_thread(self._pool.stop)

    async def _loop(
        self, queue: asyncio.Queue[str], step: Callable[[str], Awaitable[None]]
    ) -> None:
        while True:
            call_id = await queue.get()
            try:
                await self._run_step(call_id, step)
            finally:
                queue.task_done()

    async def _run_step(self, call_id: str, step: Step) -> None:
        """One step of one call; nothing it raises, not even while recording a failure,
        ends the runner that called it."""
        try:
            await step(call_id)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_disk_full(exc):
                log.error("Call %s: the disk is full (%s)", call_id, exc)
                reason = DISK_FULL
            else:
                log.exception("Call %s failed unexpectedly", call_id)
                reason = (
                    f"The server hit an unexpected error while processing this call "
                    f"({type(exc).__name__}); the details are in its log."
                )
        try:
            await self._fail(call_id, reason)
        except Exception:
            log.exception(
                "Could not record that call %s failed; trying it again in %g s",
                call_id,
                self._retry_delay,
            )
            task = asyncio.create_task(self._retry_later(call_id), name=f"retry-{call_id}")
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry_later(self, call_id: str) -> None:
        await asyncio.sleep(self._retry_delay)
        self.submit(call_id)

    async def _update(self, call_id: str, **fields: Any) -> None:
        await asyncio.to_thread(self._store.update_call, call_id, **fields)

    async def _fail(self, call_id: str, reason: str) -> None:
        log.info("Call %s failed: %s", call_id, reason)
        await self._update(call_id, status=st.FAILED, error=reason)

    async def _ingest(self, call_id: str) -> None:
        call = await asyncio.to_thread(self._store.get_call, call_id)
        if call is None or call.status in (st.COMPLETED, st.FAILED):
            return
        await self._update(call_id, status=st.PROCESSING)
        recording = self.recording_path(call_id)
        if call.stage == st.STAGE_INGEST or not recording.is_file():
            try:
                await self._download(call.audio_url, recording, self._tmp / f"{call_id}.download")
            except IngestError as exc:
                await self._fail(call_id, str(exc))
                return
            await self._update(call_id, stage=st.STAGE_ANALYZE)
        self._analyze_queue.put_nowait(call_id)

    async def _download(self, audio_url: str, recording: Path, tmp: Path) -> None:
        public, own = self._public_client, self._own_client
        if public is None or own is None:
            raise RuntimeError("the pipeline is not running")
        own_url = self._urls.own_fetch_url(audio_url)
        if own_url is not None:
            await fetch_recording(own, own_url, recording, tmp, self._fetch)
        else:
            await fetch_recording(public, audio_url, recording, tmp, self._fetch)

    async def _analyze(self, call_id: str) -> None:
        call = await asyncio.to_thread(self._store.get_call, call_id)
        if call is None or call.status in (st.COMPLETED, st.FAILED):
            return
        scorecard = self._scorecards.get(call.category_id)
        if scorecard is None:
            await self._fail(
                call_id, f"The scorecard {call.category_id!r} is no longer loaded by the server."
            )
            return
        try:
            result = await self._pool.run(self.recording_path(call_id), scorecard)
        except WorkerCrashed:
            result = {"error": WORKER_CRASHED}
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
