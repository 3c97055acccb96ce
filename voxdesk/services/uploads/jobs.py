"""One queued file and the states it moves through.

A job is a frozen value: the queue replaces it on every change and hands listeners the
new one, so the UI and the CLI read plain Python state and never share a mutable object
with a running upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

#: The udf every created call carries, so a call whose creation answer was lost can be
#: found again instead of being created twice.
MARKER_UDF = "voxdeskUploadId"


class UploadState(StrEnum):
    WAITING = "waiting"
    CHECKING = "checking"
    UPLOADING = "uploading"
    CREATING = "creating"
    OUTCOME_UNKNOWN = "outcome_unknown"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUSED = "refused"

    @property
    def is_final(self) -> bool:
        """Nothing more will happen to the job unless the user retries it."""
        return self in FINAL_STATES

    @property
    def label(self) -> str:
        return _LABELS[self]


FINAL_STATES = frozenset(
    {UploadState.DONE, UploadState.FAILED, UploadState.CANCELLED, UploadState.REFUSED}
)
#: Before the create request: stopping now cannot leave a call behind on the platform.
CANCELLABLE_STATES = frozenset({UploadState.WAITING, UploadState.CHECKING, UploadState.UPLOADING})
RETRYABLE_STATES = frozenset(
    {UploadState.FAILED, UploadState.CANCELLED, UploadState.OUTCOME_UNKNOWN}
)
_LABELS = {
    UploadState.WAITING: "Waiting",
    UploadState.CHECKING: "Checking",
    UploadState.UPLOADING: "Uploading",
    UploadState.CREATING: "Creating call",
    UploadState.OUTCOME_UNKNOWN: "Outcome unknown",
    UploadState.PROCESSING: "Analysing",
    UploadState.DONE: "Done",
    UploadState.FAILED: "Failed",
    UploadState.CANCELLED: "Cancelled",
    UploadState.REFUSED: "Refused",
}


@dataclass(frozen=True)
class UploadMetadata:
    """What a batch of recordings is filed under. ``date`` of ``None`` means each file's
    own modification time, which is when the recording was made more often than not."""

    member_id: str
    category_id: str
    date: str | None = None
    udfs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadJob:
    """One file's way to a completed call. The fields after ``create_attempts`` are live
    figures (the running transfer, the call as the platform last reported it) and are not
    persisted (``upload_link`` and ``link_recording_id`` are)."""

    id: str
    seq: int
    connection: str
    path: Path
    member_id: str
    category_id: str
    call_date: str | None
    udfs: dict[str, Any]
    state: UploadState
    reason: str | None = None
    size: int = 0
    mtime_ns: int = 0
    fingerprint: str | None = None
    content_type: str | None = None
    public_url: str | None = None
    call_id: str | None = None
    create_attempts: int = 0
    #: A Vozzo upload link (signed PUT URL) and the recording it makes, kept until the
    #: PUT is settled (see ``usecase_flow``).
    upload_link: str | None = None
    link_recording_id: str | None = None
    bytes_sent: int = 0
    speed: float | None = None
    seconds_left: float | None = None
    #: The call's status on the platform (``pending`` … ``completed``) and its score.
    call_status: str | None = None
    score: float | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def progress(self) -> float:
        """0–1 of the bytes of this file on the platform (complete once uploaded)."""
        if self.public_url is not None or self.call_id is not None:
            return 1.0
        if self.state is UploadState.UPLOADING and self.size:
            return min(1.0, self.bytes_sent / self.size)
        return 0.0

    @property
    def can_cancel(self) -> bool:
        return self.state in CANCELLABLE_STATES

    @property
    def can_retry(self) -> bool:
        return self.state in RETRYABLE_STATES

    def create_udfs(self) -> dict[str, Any]:
        """The udfs sent with the create: the user's, plus this job's marker."""
        return {**self.udfs, MARKER_UDF: self.id}
