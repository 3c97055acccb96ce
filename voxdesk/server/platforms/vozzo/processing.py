"""A stored recording's way to ANALYSIS_COMPLETED, in two persisted steps.

1. Transcription runs on core's ``Pipeline`` (fetch from our own storage URL, then
   ``jobs.transcribe_recording`` in its worker process): ``TranscriptionJobs`` is the
   pipeline's view of Vozzo's INITIATED recordings and records TRANSCRIPTION_COMPLETED
   or FAILED with the pipeline's reason.
2. ``UsecaseAnalyser`` answers the use case's questions and picks its bucket in its own
   one-process pool (``jobs.analyse_transcript``), with the use case as it is then, and
   records ANALYSIS_COMPLETED or FAILED.

Each step's outcome is stored before the next begins, so a stopped server resumes every
recording from its state: INITIATED ones are transcribed again, TRANSCRIPTION_COMPLETED
ones analysed. The copy the pipeline fetched is deleted once transcribed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voxdesk.contracts.vozzo import RecordingState
from voxdesk.server.core.pipeline import AnalysisOrder, FetchOrder
from voxdesk.server.core.urls import INGEST_URL_TTL_SECONDS, StorageUrls
from voxdesk.server.core.worker_pool import WorkerCrashed, WorkerPool
from voxdesk.server.platforms.vozzo.jobs import analyse_transcript, transcribe_recording
from voxdesk.server.platforms.vozzo.recordings import RecordingStore
from voxdesk.server.platforms.vozzo.usecases import UsecaseStore

log = logging.getLogger(__name__)

ANALYSER_CRASHED = "The analysis worker process stopped unexpectedly on this recording."


class TranscriptionJobs:
    """``core.pipeline.PipelineJobs`` over Vozzo's recordings; ``transcribed`` is called
    (from the pipeline's thread) with each recording that reached
    TRANSCRIPTION_COMPLETED."""

    def __init__(
        self,
        recordings: RecordingStore,
        urls: StorageUrls,
        fetched_dir: Path,
        transcribed: Callable[[str], None],
    ) -> None:
        self._recordings = recordings
        self._urls = urls
        self._fetched_dir = fetched_dir
        self._transcribed = transcribed

    def _initiated(self, recording_uuid: str) -> str | None:
        stored = self._recordings.get(recording_uuid)
        if stored is None or stored.state is not RecordingState.INITIATED:
            return None
        return stored.storage_key

    def unfinished(self) -> list[str]:
        return self._recordings.in_state(RecordingState.INITIATED)

    def start_fetch(self, job_id: str) -> FetchOrder | None:
        key = self._initiated(job_id)
        if key is None:
            return None
        return FetchOrder(self._urls.download_url(key, INGEST_URL_TTL_SECONDS), fetched=False)

    def mark_fetched(self, job_id: str) -> None:
        """Nothing to persist: a restarted transcription fetches from storage again."""

    def start_analysis(self, job_id: str) -> AnalysisOrder | None:
        if self._initiated(job_id) is None:
            return None
        return AnalysisOrder(transcribe_recording)

    def record_result(self, job_id: str, result: dict[str, Any]) -> None:
        changed = self._recordings.record_transcript(
            job_id, result["duration"], result["transcript"]
        )
        self._drop_copy(job_id)
        if changed:
            self._transcribed(job_id)

    def record_failure(self, job_id: str, reason: str) -> None:
        self._recordings.record_failure(job_id, reason)
        self._drop_copy(job_id)

    def _drop_copy(self, job_id: str) -> None:
        (self._fetched_dir / job_id).unlink(missing_ok=True)


class UsecaseAnalyser:
    """Analyses transcribed recordings one at a time; its runner task is owned here and
    cancelled by ``stop``."""

    def __init__(self, recordings: RecordingStore, usecases: UsecaseStore) -> None:
        self._recordings = recordings
        self._usecases = usecases
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._pool = WorkerPool(1)
        self._runner: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._pool.start()
        self._runner = asyncio.create_task(self._run(), name="vozzo-analyser")
        waiting = await asyncio.to_thread(
            self._recordings.in_state, RecordingState.TRANSCRIPTION_COMPLETED
        )
        for recording_uuid in waiting:
            self._queue.put_nowait(recording_uuid)

    def submit_threadsafe(self, recording_uuid: str) -> None:
        """Queue a recording from any thread (the pipeline records in a thread)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, recording_uuid)

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        await asyncio.to_thread(self._pool.stop)

    async def _run(self) -> None:
        while True:
            recording_uuid = await self._queue.get()
            try:
                await self._analyse(recording_uuid)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one recording's surprise must not end the runner
                log.exception("Vozzo recording %s: analysis failed unexpectedly", recording_uuid)
                reason = (
                    f"The server hit an unexpected error while analysing this recording "
                    f"({type(exc).__name__}); the details are in its log."
                )
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(self._recordings.record_failure, recording_uuid, reason)

    async def _analyse(self, recording_uuid: str) -> None:
        stored = await asyncio.to_thread(self._recordings.get, recording_uuid)
        if stored is None or stored.state is not RecordingState.TRANSCRIPTION_COMPLETED:
            return
        transcript, _ = await asyncio.to_thread(self._recordings.results, recording_uuid)
        config: dict[str, Any] = {}
        if stored.usecase_uuid is not None:
            usecase = await asyncio.to_thread(self._usecases.get, stored.usecase_uuid)
            if usecase is None:
                await asyncio.to_thread(
                    self._recordings.record_failure,
                    recording_uuid,
                    f"The use case {stored.usecase_uuid} was deleted before this recording "
                    "was analysed.",
                )
                return
            config = usecase.analysis_config.dump()
        try:
            result = await self._pool.run(
                analyse_transcript, transcript or [], stored.duration_seconds or 0.0, config
            )
        except WorkerCrashed:
            result = {"error": ANALYSER_CRASHED}
        if "error" in result:
            await asyncio.to_thread(
                self._recordings.record_failure, recording_uuid, result["error"]
            )
            return
        await asyncio.to_thread(
            self._recordings.record_analysis,
            recording_uuid,
            result["analytics"],
            result["bucket"],
            [tuple(pair) for pair in result["answers"]],
        )
        log.info("Vozzo recording %s analysed", recording_uuid)
