"""Upload figures in plain words, shared by the queue panel and ``voxdesk upload``."""

from __future__ import annotations

from voxdesk.services.formatting import format_duration
from voxdesk.services.uploads.jobs import UploadJob, UploadState
from voxdesk.services.uploads.queue import QueueTotals

KB = 1000


def format_bytes(size: float) -> str:
    for unit in ("bytes", "kB", "MB"):
        if size < KB:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= KB
    return f"{size:.2f} GB"


def format_speed(speed: float | None) -> str:
    return "–" if not speed else f"{format_bytes(speed)}/s"


def format_time_left(seconds: float | None) -> str:
    return "–" if seconds is None else format_duration(seconds)


def state_text(job: UploadJob) -> str:
    """The state as the user reads it, with the percentage while uploading."""
    if job.state is UploadState.UPLOADING:
        return f"{job.state.label} {job.progress:.0%}"
    return job.state.label


def progress_line(totals: QueueTotals, jobs: list[UploadJob], settled: int, width: int = 24) -> str:
    """One line for a terminal: a bar, files settled, percentage, speed, time left."""
    filled = round(totals.fraction * width)
    speed = sum(j.speed or 0.0 for j in jobs if j.state is UploadState.UPLOADING)
    remaining = totals.bytes_total - totals.bytes_sent
    left = remaining / speed if speed else None
    return (
        f"[{'#' * filled}{'-' * (width - filled)}] {settled}/{totals.jobs} files "
        f"{totals.fraction:.0%}  {format_speed(speed)}  {format_time_left(left)} left"
    )
