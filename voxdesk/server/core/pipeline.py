"""The background job runner: every accepted job goes fetch → analyse → done.

Platform-neutral: a platform hands it a ``PipelineJobs`` — its own persisted jobs
(Voxxi's calls today) — and the pipeline only fetches recordings and runs analyses.
Each step's outcome is persisted by the platform before the next begins, so a server
that is stopped or killed resumes every unfinished job from its stage on the next
start, and no job is left in progress: any error ends it as failed with the reason.
Downloads run in their own tasks (``FETCHERS``), apart from the analysis runners, so a
slow download never holds a runner. CPU work runs in a spawn-context process pool of
``workers`` processes, so the event loop (and so the API) stays responsive; if a worker
process dies, the pool is rebuilt and the job tried once more. An error while recording
an error (a full disk) never ends a runner: the job is queued again after
``retry_delay`` seconds.

Results are cached (``core.result_cache``) under the recording's hash, the job's recipe
and the engine version: a job whose recording and recipe were analysed before by the
same engine (or whose result ships with the demo library) completes without running the
engine; ``cached_result`` lets a platform look one up before it even queues a job.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from voxdesk.server.analysis.version import EngineVersionError, engine_version
from voxdesk.server.core.ingest import FetchLimits, IngestError
from voxdesk.server.core.private_files import private_dir
from voxdesk.server.core.recording_fetcher import RecordingFetcher
from voxdesk.server.core.result_cache import CacheKey, ResultCache, file_sha256
from voxdesk.server.core.sqlite import DamagedDatabase
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.core.worker_pool import WorkerCrashed, WorkerPool

log = logging.getLogger(__name__)

WORKER_CRASHED = (
    "The analysis worker process stopped unexpectedly twice while analysing this "
    "recording; it may be damaged or too large to analyse."
)
DISK_FULL = "The server's disk is full; free some space and submit the call again."
#: Concurrent downloads; each is bounded by a minimum rate and a deadline.
FETCHERS = 4
RETRY_DELAY_SECONDS = 30.0

#: One step of a job (fetch or analyse), by job id.
Step = Callable[[str], Awaitable[None]]


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or (
            "disk is full" in str(exc)
        )
    return False


@dataclass(frozen=True)
class FetchOrder:
    """Where a job's recording comes from; ``fetched``: an earlier run got past fetching."""

    audio_url: str
    fetched: bool


@dataclass(frozen=True)
class AnalysisOrder:
    """What to run in a worker: ``job(recording_path, *args)``, a picklable top-level
    function returning ``{"error": reason}`` or the result the platform records.
    ``recipe`` names what the job computes beyond the recording (the job and its
    scorecard's key) for the result cache; ``None``: not cached."""

    job: Callable[..., dict[str, Any]]
    args: tuple[Any, ...] = ()
    recipe: str | None = None


class JobRefused(Exception):
    """A job that cannot go on (its scorecard is gone…); the message is the reason."""


class PipelineJobs(Protocol):
    """A platform's persisted jobs, as the pipeline drives them.

    Methods are synchronous (the pipeline calls them in a thread) and persist what they
    change before returning. ``start_fetch`` and ``start_analysis`` answer ``None`` for a
    job that is unknown or already finished (it was queued twice), so it is skipped.
    """

    def unfinished(self) -> list[str]:
        """Jobs a previous run accepted but did not finish, oldest first."""
        ...

    def start_fetch(self, job_id: str) -> FetchOrder | None:
        """Mark the job in progress; where to fetch its recording from."""
        ...

    def mark_fetched(self, job_id: str) -> None: ...

    def start_analysis(self, job_id: str) -> AnalysisOrder | None:
        """What to run on the fetched recording; raises ``JobRefused`` if nothing can."""
        ...

    def record_result(self, job_id: str, result: dict[str, Any]) -> None: ...

    def record_failure(self, job_id: str, reason: str) -> None: ...


class Pipeline:
    def __init__(
        self,
        jobs: PipelineJobs,
        urls: StorageUrls,
        *,
        recordings_dir: Path,
        tmp_dir: Path,
        workers: int,
        fetch: FetchLimits,
        retry_delay: float = RETRY_DELAY_SECONDS,
        cache_db: Path | None = None,
        shipped_cache: Path | None = None,
    ) -> None:
        self._jobs = jobs
        self._cache_db = cache_db
        self._shipped_cache = shipped_cache
        self._cache: ResultCache | None = None
        self._engine: str | None = None
        self._recordings = recordings_dir
        self._tmp = tmp_dir
        self._workers = max(1, workers)
        self._fetcher = RecordingFetcher(urls, fetch)
        self._retry_delay = retry_delay
        self._fetch_queue: asyncio.Queue[str] = asyncio.Queue()
        self._analyze_queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._retries: set[asyncio.Task[None]] = set()
        self._pool = WorkerPool(self._workers)

    def recording_path(self, job_id: str) -> Path:
        return self._recordings / job_id

    async def start(self) -> None:
        """Start the runners and queue what a previous run left unfinished."""
        private_dir(self._recordings)
        await asyncio.to_thread(self._open_cache)
        self._pool.start()
        self._fetcher.open()
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
        unfinished = await asyncio.to_thread(self._jobs.unfinished)
        if unfinished:
            log.info("Resuming %d unfinished job(s)", len(unfinished))
        for job_id in unfinished:
            self.submit(job_id)

    def submit(self, job_id: str) -> None:
        self._fetch_queue.put_nowait(job_id)

    async def stop(self) -> None:
        """Stop promptly; unfinished jobs keep their stage and resume on the next start."""
        tasks = [*self._tasks, *self._retries]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks = []
        self._retries.clear()
        await self._fetcher.aclose()
        await asyncio.to_thread(self._pool.stop)
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def _open_cache(self) -> None:
        if self._cache_db is None:
            return
        try:
            self._engine = engine_version()
            self._cache = ResultCache(self._cache_db, self._shipped_cache)
        except (EngineVersionError, DamagedDatabase) as exc:
            log.warning("Analysis results will not be cached: %s", exc)

    def _lookup(
        self, recording: Path, recipe: str | None
    ) -> tuple[CacheKey | None, dict[str, Any] | None]:
        """The cache key of ``recipe`` on ``recording`` (``None``: not cached) and the
        result cached under it. A cache that cannot be read is a miss, not a failure."""
        cache = self._cache
        if cache is None or self._engine is None or recipe is None:
            return None, None
        key = CacheKey(file_sha256(recording), recipe, self._engine)
        try:
            return key, cache.get(key)
        except (sqlite3.Error, ValueError) as exc:
            log.warning("The result cache could not be read: %s", exc)
            return key, None

    def _remember(self, key: CacheKey, result: dict[str, Any]) -> None:
        """Cache a result; the call is already recorded, so a failure here only costs
        the next identical analysis its shortcut."""
        cache = self._cache
        if cache is None:
            return
        try:
            cache.put(key, result)
        except (sqlite3.Error, OSError) as exc:
            log.warning("A result could not be cached: %s", exc)

    async def cached_result(self, recording: Path, recipe: str) -> dict[str, Any] | None:
        """The cached result of ``recipe`` on ``recording`` by this engine, if any."""
        _, result = await asyncio.to_thread(self._lookup, recording, recipe)
        return result

    async def _loop(
        self, queue: asyncio.Queue[str], step: Callable[[str], Awaitable[None]]
    ) -> None:
        while True:
            job_id = await queue.get()
            try:
                await self._run_step(job_id, step)
            finally:
                queue.task_done()

    async def _run_step(self, job_id: str, step: Step) -> None:
        """One step of one call; nothing it raises, not even while recording a failure,
        ends the runner that called it."""
        try:
            await step(job_id)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_disk_full(exc):
                log.error("Call %s: the disk is full (%s)", job_id, exc)
                reason = DISK_FULL
            else:
                log.exception("Call %s failed unexpectedly", job_id)
                reason = (
                    f"The server hit an unexpected error while processing this call "
                    f"({type(exc).__name__}); the details are in its log."
                )
        try:
            await self._fail(job_id, reason)
        except Exception:
            log.exception(
                "Could not record that call %s failed; trying it again in %g s",
                job_id,
                self._retry_delay,
            )
            task = asyncio.create_task(self._retry_later(job_id), name=f"retry-{job_id}")
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry_later(self, job_id: str) -> None:
        await asyncio.sleep(self._retry_delay)
        self.submit(job_id)

    async def _fail(self, job_id: str, reason: str) -> None:
        log.info("Call %s failed: %s", job_id, reason)
        await asyncio.to_thread(self._jobs.record_failure, job_id, reason)

    async def _ingest(self, job_id: str) -> None:
        order = await asyncio.to_thread(self._jobs.start_fetch, job_id)
        if order is None:
            return
        recording = self.recording_path(job_id)
        if not order.fetched or not recording.is_file():
            try:
                await self._fetcher.fetch(
                    order.audio_url, recording, self._tmp / f"{job_id}.download"
                )
            except IngestError as exc:
                await self._fail(job_id, str(exc))
                return
            await asyncio.to_thread(self._jobs.mark_fetched, job_id)
        self._analyze_queue.put_nowait(job_id)

    async def _analyze(self, job_id: str) -> None:
        try:
            order = await asyncio.to_thread(self._jobs.start_analysis, job_id)
        except JobRefused as exc:
            await self._fail(job_id, str(exc))
            return
        if order is None:
            return
        recording = self.recording_path(job_id)
        key, result = await asyncio.to_thread(self._lookup, recording, order.recipe)
        if result is not None:
            log.info("Call %s: result from the cache", job_id)
        else:
            try:
                result = await self._pool.run(order.job, str(recording), *order.args)
            except WorkerCrashed:
                await self._fail(job_id, WORKER_CRASHED)
                return
            # The job's own answers, failures included (a recording that does not
            # decode), follow from its inputs; a crashed worker says nothing about them.
            if key is not None:
                await asyncio.to_thread(self._remember, key, result)
        if "error" in result:
            await self._fail(job_id, result["error"])
            return
        await asyncio.to_thread(self._jobs.record_result, job_id, result)
        log.info("Call %s completed", job_id)
