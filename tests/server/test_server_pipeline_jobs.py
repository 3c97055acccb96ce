"""The core pipeline is platform-neutral: any ``PipelineJobs`` — here a platform that
keeps its jobs in a dict, as Voxpria or VOIX would keep them in their own tables — gets
fetch → analyse, failures recorded with their reason, and a resume that does not fetch
a recording again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.pipeline import AnalysisOrder, FetchOrder, Pipeline, PipelineJobs
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.urls import StorageUrls

pytestmark = pytest.mark.timeout(120)


def measure(path: str, label: str) -> dict[str, Any]:
    """Runs in a worker process: what a platform's analysis returns, kept simple."""
    return {"label": label, "size": Path(path).stat().st_size}


class DictJobs:
    """A platform's jobs in memory; each job: url, stage (fetch/analyse), state, outcome."""

    def __init__(self, jobs: dict[str, dict[str, Any]]) -> None:
        self.jobs = jobs

    def unfinished(self) -> list[str]:
        return [job_id for job_id, job in self.jobs.items() if job["state"] == "open"]

    def start_fetch(self, job_id: str) -> FetchOrder | None:
        job = self.jobs.get(job_id)
        if job is None or job["state"] != "open":
            return None
        return FetchOrder(job["url"], fetched=job["stage"] == "analyse")

    def mark_fetched(self, job_id: str) -> None:
        self.jobs[job_id]["stage"] = "analyse"

    def start_analysis(self, job_id: str) -> AnalysisOrder | None:
        return AnalysisOrder(measure, (f"job {job_id}",))

    def record_result(self, job_id: str, result: dict[str, Any]) -> None:
        self.jobs[job_id].update(state="done", outcome=result)

    def record_failure(self, job_id: str, reason: str) -> None:
        self.jobs[job_id].update(state="failed", outcome=reason)


async def run_jobs(tmp_path: Path, jobs: DictJobs) -> None:
    platform_jobs: PipelineJobs = jobs  # a Protocol: the shape is what counts, not a base
    urls = StorageUrls(
        UrlSigner(b"k" * 32), "http://127.0.0.1:9", upload_ttl=60, public_ttl=60, playback_ttl=None
    )
    pipeline = Pipeline(
        platform_jobs,
        urls,
        recordings_dir=tmp_path / "recordings",
        tmp_dir=tmp_path,
        workers=1,
        fetch=FetchLimits(max_bytes=10_000_000, timeout_seconds=10, allow_private=True),
    )
    await pipeline.start()  # queues what ``unfinished`` lists
    try:
        for _ in range(600):
            if not jobs.unfinished():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"jobs still open: {jobs.unfinished()}")
    finally:
        await pipeline.stop()


async def test_any_platforms_jobs_are_fetched_analysed_and_failed_with_a_reason(
    tmp_path, file_server, tone
):
    base, root = file_server
    (root / "job.wav").write_bytes(tone)
    jobs = DictJobs(
        {
            "a": {"url": f"{base}/job.wav", "stage": "fetch", "state": "open"},
            "b": {"url": f"{base}/missing.wav", "stage": "fetch", "state": "open"},
        }
    )
    await run_jobs(tmp_path, jobs)
    assert jobs.jobs["a"]["state"] == "done"
    assert jobs.jobs["a"]["outcome"] == {"label": "job a", "size": len(tone)}
    assert jobs.jobs["b"]["state"] == "failed"
    assert "404" in jobs.jobs["b"]["outcome"]


async def test_a_job_past_its_fetch_resumes_without_fetching_again(tmp_path, file_server, tone):
    """As after a SIGKILL between the download and the analysis: the recording is on
    disk and the URL no longer answers, yet the job completes."""
    base, _ = file_server
    recordings = tmp_path / "recordings"
    recordings.mkdir(mode=0o700)
    (recordings / "c").write_bytes(tone)
    jobs = DictJobs({"c": {"url": f"{base}/gone.wav", "stage": "analyse", "state": "open"}})
    await run_jobs(tmp_path, jobs)
    assert jobs.jobs["c"]["state"] == "done", jobs.jobs["c"]["outcome"]
    assert jobs.jobs["c"]["outcome"]["size"] == len(tone)
