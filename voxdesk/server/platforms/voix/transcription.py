"""A VOIX job: fetch the recording, transcribe and analyse it, infer what was not sent.

The recording is fetched exactly as Voxxi's pipeline fetches ``audio_url``
(``server.ingest.fetch_recording``): the server's own signed storage URLs through the
unguarded own-storage client, anything else through the public-only guarded client
(unless ``--allow-private-fetch``), with the same size cap, minimum rate and deadline.
The analysis runs in its own one-process pool (spawned on the first job) with the
engine the Voxxi pipeline uses. Jobs run one at a time from a queue; the runner task is
owned here and cancelled by ``stop``. A job left ``transcribing`` by a stopped server is
queued again at the next start.

A fetched recording is kept in the server's signed storage under ``voix/{jobId}``, so
the lifecycle extension can hand out a playable URL for it (``recording_key``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.core.ingest import FetchLimits, IngestError
from voxdesk.server.core.private_files import make_private_dirs
from voxdesk.server.core.recording_fetcher import RecordingFetcher
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.core.worker_pool import WorkerCrashed, WorkerPool
from voxdesk.server.scorecard import Scorecard

log = logging.getLogger(__name__)

#: The scorecard VOIX analyses with: senders cannot choose one (the contract's "what you
#: cannot set"). The first loaded scorecard when it is absent.
SCORECARD_ID = "support-qa"

#: ``(call id, job id, outcome)``: outcome is ``{"error"}`` or the analysis dict.
JobDone = Callable[[str, str, dict[str, Any]], Awaitable[None]]


def recording_key(job_id: str) -> str:
    """Where a job's fetched recording is kept in the server's storage."""
    return f"voix/{job_id}"


def pick_scorecard(scorecards: dict[str, Scorecard]) -> Scorecard | None:
    if SCORECARD_ID in scorecards:
        return scorecards[SCORECARD_ID]
    return next(iter(sorted(scorecards.items())), (None, None))[1]


def transcript_turns(analysis: dict[str, Any]) -> list[TranscriptTurn]:
    return [TranscriptTurn.model_validate(turn) for turn in analysis.get("transcript") or []]


class Transcriber:
    def __init__(
        self,
        urls: StorageUrls,
        scorecard: Scorecard | None,
        fetch: FetchLimits,
        storage: Storage,
        on_done: JobDone,
        earlier_recordings_dir: Path | None = None,
    ) -> None:
        self._scorecard = scorecard
        self._fetcher = RecordingFetcher(urls, fetch)
        self._storage = storage
        self._earlier_recordings = earlier_recordings_dir
        self._on_done = on_done
        self._queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
        self._pool = WorkerPool(1)
        self._runner: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._move_earlier_recordings()
        self._pool.start()
        self._fetcher.open()
        self._runner = asyncio.create_task(self._run(), name="voix-transcriber")

    def _move_earlier_recordings(self) -> None:
        """Recordings an earlier version kept outside storage move into it (same
        filesystem: a rename), so their calls become playable; partial downloads go."""
        earlier = self._earlier_recordings
        if earlier is None or not earlier.is_dir():
            return
        for path in earlier.iterdir():
            if not path.is_file():
                continue
            if path.suffix:  # "{jobId}.download": a fetch a stopped server left behind
                path.unlink(missing_ok=True)
                continue
            target = self._storage.path_for(recording_key(path.name))
            make_private_dirs(target.parent)
            os.replace(path, target)

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        await self._fetcher.aclose()
        await asyncio.to_thread(self._pool.stop)

    def submit(self, call_id: str, job_id: str, recording_url: str) -> None:
        self._queue.put_nowait((call_id, job_id, recording_url))

    async def _run(self) -> None:
        while True:
            call_id, job_id, url = await self._queue.get()
            try:
                outcome = await self._job(job_id, url)
            except Exception as exc:  # one job's surprise must not end the runner
                log.exception("VOIX job %s failed unexpectedly", job_id)
                outcome = {
                    "error": f"The server hit an unexpected error ({type(exc).__name__}); "
                    "the details are in its log."
                }
            try:
                await self._on_done(call_id, job_id, outcome)
            except Exception:
                log.exception("Could not record the end of VOIX job %s", job_id)

    async def _job(self, job_id: str, url: str) -> dict[str, Any]:
        if self._scorecard is None:
            return {"error": "The server has no scorecard loaded to analyse calls with."}
        recording = self._storage.path_for(recording_key(job_id))
        make_private_dirs(recording.parent)
        try:
            await self._fetcher.fetch(url, recording, self._storage.temp_path())
        except IngestError as exc:
            return {"error": str(exc)}
        try:
            result = await self._pool.run(analyze_call, recording, self._scorecard)
        except WorkerCrashed:
            return {"error": "The analysis worker stopped unexpectedly on this recording."}
        if "error" in result:
            return {"error": result["error"]}
        return result["analysis"] or {"duration": result["duration"]}
