"""The upload queue: a few uploads at once, every change announced, nothing lost.

The queue owns one task per running job (``NamedTasks``) and a semaphore that lets at
most ``concurrency`` of them past the waiting state. Listeners get a job id on every
change and read the job back with ``job()``; they run on the event loop, so a Qt model
can update itself directly. Cancel and retry are plain calls, safe from a button's slot.
Closing the queue stops its tasks but leaves every unfinished job on disk, and
``resume()`` picks them up on the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voxdesk.domain import Call
from voxdesk.providers.protocols import SupportsUseCaseUpload
from voxdesk.services.calls import CallService
from voxdesk.services.tasks import NamedTasks
from voxdesk.services.uploads.checks import MAX_UPLOAD_BYTES, check_file, expand_paths
from voxdesk.services.uploads.flow import FlowTimings, UploadFlow
from voxdesk.services.uploads.jobs import UploadJob, UploadMetadata, UploadState
from voxdesk.services.uploads.progress import TransferMeter
from voxdesk.services.uploads.reconcile import can_reconcile
from voxdesk.services.uploads.store import UploadStore
from voxdesk.services.uploads.usecase_flow import UseCaseUploadFlow

log = logging.getLogger("voxdesk.uploads")

Listener = Callable[[str], None]
DEFAULT_CONCURRENCY = 2
#: Live progress is announced at most this often per job: a 512 KiB chunk on loopback
#: takes a millisecond, and a table repainting every millisecond starves the loop.
PROGRESS_INTERVAL = 0.1
INTERRUPTED = "voxdesk stopped while the call was being created; checking whether it was."


@dataclass(frozen=True)
class QueueTotals:
    """The overall figures a progress bar shows."""

    jobs: int
    finished: int
    succeeded: int
    #: Final without a call: failed, cancelled or refused.
    failed: int
    bytes_total: int
    bytes_sent: int

    @property
    def fraction(self) -> float:
        return self.bytes_sent / self.bytes_total if self.bytes_total else 1.0


def _resumed(job: UploadJob) -> UploadJob:
    """A job read back after a stop, put where it can safely go on from."""
    if job.state in (UploadState.CHECKING, UploadState.UPLOADING):
        # The PUT restarts from byte 0 with a fresh URL.
        return replace(job, state=UploadState.WAITING)
    if job.state is UploadState.CREATING:
        # The create may have left before the stop: find out, never just send it again.
        return replace(job, state=UploadState.OUTCOME_UNKNOWN, reason=INTERRUPTED)
    return job


def _call_date(metadata: UploadMetadata, mtime_ns: int) -> str:
    if metadata.date:
        return metadata.date
    return datetime.fromtimestamp(mtime_ns / 1e9, UTC).isoformat(timespec="seconds")


class _Control:
    """The flow's handle on one job of the queue (see ``flow.JobControl``)."""

    def __init__(self, queue: UploadQueue, job_id: str) -> None:
        self._queue = queue
        self._id = job_id
        self._meter: TransferMeter | None = None
        self._announced = 0.0

    @property
    def job(self) -> UploadJob:
        return self._queue._jobs[self._id]

    async def save(self, **changes: Any) -> UploadJob:
        if "state" in changes and changes["state"] is not UploadState.UPLOADING:
            changes.update(speed=None, seconds_left=None)
        job = self._queue._set(self._id, **changes)
        await self._queue._store.save(job)
        return job

    def observe(self, call: Call) -> None:
        self._queue._set(
            self._id,
            call_status=call.status.value,
            score=call.analysis.score if call.analysis else None,
        )

    def report(self, sent: int, total: int) -> None:
        if self._meter is None or sent < self._meter.sent:
            self._meter = TransferMeter(total)
        self._meter.add(sent)
        now = time.monotonic()
        if sent >= total or now - self._announced >= PROGRESS_INTERVAL:
            self._announced = now
            self._queue._set(
                self._id,
                bytes_sent=sent,
                speed=self._meter.speed,
                seconds_left=self._meter.seconds_left,
            )


class UploadQueue:
    def __init__(
        self,
        service: CallService,
        store: UploadStore,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_bytes: int = MAX_UPLOAD_BYTES,
        follow: bool = True,
        timings: FlowTimings | None = None,
    ) -> None:
        self.connection = service.connection
        self.max_bytes = max_bytes
        self._provider = service.provider
        self._store = store
        flow_type = (
            UseCaseUploadFlow if isinstance(service.provider, SupportsUseCaseUpload) else UploadFlow
        )
        self._flow = flow_type(service, max_bytes=max_bytes, follow=follow, timings=timings)
        self._slots = asyncio.Semaphore(concurrency)
        self._jobs: dict[str, UploadJob] = {}
        self._listeners: list[Listener] = []
        self._tasks = NamedTasks()
        self._writes: set[asyncio.Task[None]] = set()
        self._settled = asyncio.Event()
        self._stopping: list[asyncio.Task[Any]] = []

    # --- reading -----------------------------------------------------------------------

    def jobs(self) -> list[UploadJob]:
        """Every job in the queue, in the order it was queued."""
        return sorted(self._jobs.values(), key=lambda job: job.seq)

    def job(self, job_id: str) -> UploadJob | None:
        return self._jobs.get(job_id)

    def running(self, job_id: str) -> bool:
        """Whether the job is being worked on (or waiting for a slot) right now."""
        return self._tasks.running(job_id)

    def totals(self) -> QueueTotals:
        counted = [j for j in self._jobs.values() if j.state is not UploadState.REFUSED]
        return QueueTotals(
            jobs=len(self._jobs),
            finished=sum(1 for j in self._jobs.values() if j.state.is_final),
            succeeded=sum(1 for j in counted if j.state is UploadState.DONE),
            failed=sum(
                1
                for j in self._jobs.values()
                if j.state.is_final and j.state is not UploadState.DONE
            ),
            bytes_total=sum(j.size for j in counted if j.state is not UploadState.CANCELLED),
            bytes_sent=sum(
                round(j.progress * j.size) for j in counted if j.state is not UploadState.CANCELLED
            ),
        )

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(job_id)`` on every change and when a job's task stops (a job
        missing from ``job()`` was removed); returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # --- adding and resuming -----------------------------------------------------------

    async def resume(self) -> list[str]:
        """Load this connection's unfinished jobs from disk and run them again."""
        started = []
        for job in await self._store.unfinished(self.connection):
            if job.id not in self._jobs:
                self._adopt(_resumed(job))
                started.append(job.id)
        return started

    async def add(
        self, paths: Iterable[Path], metadata: UploadMetadata, *, again: bool = False
    ) -> list[str]:
        """Queue files (folders recursively). Each is checked first; a refused file is
        listed with its reason. A file already queued and unfinished is resumed, not
        queued twice — unless ``again`` and its call was already made, when it is
        uploaded anew. Returns the job ids, in order."""
        ids: list[str] = []
        for path in await asyncio.to_thread(expand_paths, paths):
            check = await asyncio.to_thread(check_file, path, self.max_bytes)
            if check.ok:
                existing = await self._store.find_unfinished(
                    self.connection, path, check.size, check.mtime_ns, metadata.category_id
                )
                if existing is not None and again and existing.call_id is not None:
                    existing = None  # its call is made: asked to, upload the file anew
                if existing is not None:
                    if existing.id not in self._jobs:
                        self._adopt(_resumed(existing))
                    ids.append(existing.id)
                    continue
            job = await self._store.add(
                UploadJob(
                    id=uuid.uuid4().hex,
                    seq=0,
                    connection=self.connection,
                    path=path,
                    member_id=metadata.member_id,
                    category_id=metadata.category_id,
                    call_date=_call_date(metadata, check.mtime_ns),
                    udfs=dict(metadata.udfs),
                    state=UploadState.WAITING if check.ok else UploadState.REFUSED,
                    reason=check.reason,
                    size=check.size,
                    mtime_ns=check.mtime_ns,
                    fingerprint=check.fingerprint,
                    content_type=check.content_type,
                )
            )
            self._adopt(job)
            ids.append(job.id)
        return ids

    def _adopt(self, job: UploadJob) -> None:
        self._jobs[job.id] = job
        self._announce(job.id)
        if not job.state.is_final:
            self._start(job.id)

    # --- cancel, retry, clear ----------------------------------------------------------

    def cancel(self, job_id: str) -> bool:
        """Stop a job that has not yet asked for its call; ``False`` if it is too late
        (or already over)."""
        job = self._jobs.get(job_id)
        if job is None or not job.can_cancel:
            return False
        self._tasks.cancel(job_id)
        self._write(self._set(job_id, state=UploadState.CANCELLED, reason="Cancelled.", speed=None))
        return True

    def cancel_all(self) -> int:
        return sum(self.cancel(job.id) for job in self.jobs())

    def retry(self, job_id: str) -> bool:
        """Run a failed, cancelled or unsettled job again from where it can safely go on."""
        job = self._jobs.get(job_id)
        if job is None or not job.can_retry or self._tasks.running(job_id):
            return False
        if job.state is UploadState.OUTCOME_UNKNOWN:
            # Where the platform cannot be searched, Retry is the user's word that the
            # call does not exist; elsewhere the search runs again.
            state = (
                UploadState.OUTCOME_UNKNOWN
                if can_reconcile(self._provider)
                else UploadState.CREATING
            )
        elif job.public_url is not None:
            state = UploadState.CREATING
        else:
            state = UploadState.WAITING
        self._set(job_id, state=state, reason=None, create_attempts=0, bytes_sent=0)
        self._start(job_id)
        return True

    def retry_all(self) -> int:
        return sum(self.retry(job.id) for job in self.jobs())

    def clear_finished(self) -> int:
        """Forget every final job (done, failed, cancelled, refused), here and on disk."""
        gone = [job.id for job in self.jobs() if job.state.is_final]
        for job_id in gone:
            del self._jobs[job_id]
            self._announce(job_id)
        if gone:
            self._track(self._store.remove(gone))
        return len(gone)

    # --- waiting and closing -----------------------------------------------------------

    async def wait(self, job_ids: Iterable[str] | None = None) -> list[UploadJob]:
        """Until none of the jobs (default: all) is running; returns them."""
        ids = list(self._jobs) if job_ids is None else list(job_ids)
        while any(self.running(job_id) for job_id in ids):
            self._settled.clear()
            await self._settled.wait()
        return [self._jobs[job_id] for job_id in ids if job_id in self._jobs]

    def stop(self) -> None:
        """Stop every job where it is, at once: called before the queue's provider is
        closed (a connection switch), so no job reads the closed client as a failure.
        ``close()`` then waits for the tasks and the disk writes."""
        self._stopping = self._tasks.cancel_all()

    async def close(self) -> None:
        """Stop every job where it is (they resume on the next start) and finish writing."""
        await asyncio.gather(*self._stopping, return_exceptions=True)
        await self._tasks.close()
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    # --- internals ---------------------------------------------------------------------

    def _start(self, job_id: str) -> None:
        task = self._tasks.start(job_id, self._run(job_id))
        task.add_done_callback(lambda _: self._stopped(job_id))

    def _stopped(self, job_id: str) -> None:
        """A job's task ended: wake ``wait()`` and tell listeners (it may be settled)."""
        self._settled.set()
        if job_id in self._jobs:
            self._announce(job_id)

    async def _run(self, job_id: str) -> None:
        control = _Control(self, job_id)
        await self._store.save(control.job)
        async with self._slots:
            await self._flow.run(control)

    def _set(self, job_id: str, **changes: Any) -> UploadJob:
        job = replace(self._jobs[job_id], **changes)
        self._jobs[job_id] = job
        self._announce(job_id)
        return job

    def _announce(self, job_id: str) -> None:
        for listener in list(self._listeners):
            try:
                listener(job_id)
            except Exception:
                log.exception("an upload listener failed")

    def _write(self, job: UploadJob) -> None:
        self._track(self._store.save(job))

    def _track(self, write: Any) -> None:
        """Run a disk write the caller cannot await; ``close()`` waits for it."""
        task = asyncio.get_running_loop().create_task(write)
        self._writes.add(task)
        task.add_done_callback(self._written)

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("saving the upload queue failed", exc_info=task.exception())
