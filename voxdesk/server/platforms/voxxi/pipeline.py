"""Voxxi's calls as the core pipeline's jobs: a call's ``status`` and ``stage`` in
Voxxi's store are the job's progress, and its analysis is the worker's result.

``Pipeline`` is the core pipeline over Voxxi's store, built with the arguments the app
(and the tests) give it: the store, the storage URLs and the loaded scorecards. A call's
recipe for the result cache is the job and its scorecard's key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from voxdesk.server.analysis.version import scorecard_key
from voxdesk.server.core import pipeline as core
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.platforms.voxxi import store as st
from voxdesk.server.scorecard import Scorecard

#: What runs in a worker: ``job(recording_path, scorecard)``.
AnalysisJob = Callable[[str, Scorecard], dict[str, Any]]


def recipe(job: AnalysisJob, scorecard: Scorecard) -> str:
    """What ``job`` computes from a recording, for the result cache."""
    return f"{job.__module__}.{job.__qualname__} {scorecard_key(scorecard)}"


class VoxxiJobs:
    """``core.PipelineJobs`` over Voxxi's store."""

    def __init__(self, store: st.Store, scorecards: dict[str, Scorecard], job: AnalysisJob) -> None:
        self._store = store
        self._scorecards = scorecards
        self._job = job

    def _unfinished_call(self, call_id: str) -> st.CallRecord | None:
        call = self._store.get_call(call_id)
        if call is None or call.status in (st.COMPLETED, st.FAILED):
            return None
        return call

    def unfinished(self) -> list[str]:
        return self._store.unfinished_calls()

    def start_fetch(self, job_id: str) -> core.FetchOrder | None:
        call = self._unfinished_call(job_id)
        if call is None:
            return None
        self._store.update_call(job_id, status=st.PROCESSING)
        return core.FetchOrder(call.audio_url, fetched=call.stage != st.STAGE_INGEST)

    def mark_fetched(self, job_id: str) -> None:
        self._store.update_call(job_id, stage=st.STAGE_ANALYZE)

    def start_analysis(self, job_id: str) -> core.AnalysisOrder | None:
        call = self._unfinished_call(job_id)
        if call is None:
            return None
        scorecard = self._scorecards.get(call.category_id)
        if scorecard is None:
            raise core.JobRefused(
                f"The scorecard {call.category_id!r} is no longer loaded by the server."
            )
        return core.AnalysisOrder(self._job, (scorecard,), recipe(self._job, scorecard))

    def record_result(self, job_id: str, result: dict[str, Any]) -> None:
        self._store.update_call(
            job_id,
            status=st.COMPLETED,
            stage=st.STAGE_DONE,
            duration=result["duration"],
            analysis=result["analysis"],
            error=None,
        )

    def record_failure(self, job_id: str, reason: str) -> None:
        self._store.update_call(job_id, status=st.FAILED, error=reason)


class Pipeline(core.Pipeline):
    """The core pipeline running Voxxi's calls."""

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
        job: AnalysisJob = analyze_call,
        retry_delay: float = core.RETRY_DELAY_SECONDS,
        cache_db: Path | None = None,
        shipped_cache: Path | None = None,
    ) -> None:
        self._job = job
        super().__init__(
            VoxxiJobs(store, scorecards, job),
            urls,
            recordings_dir=recordings_dir,
            tmp_dir=tmp_dir,
            workers=workers,
            fetch=fetch,
            retry_delay=retry_delay,
            cache_db=cache_db,
            shipped_cache=shipped_cache,
        )

    def recipe(self, scorecard: Scorecard) -> str:
        return recipe(self._job, scorecard)
