"""A VOIX call as one core-store row, and how a submission changes it.

Core columns: callId → platform_id, from/to → from_number/to_number, startTime →
started_at, direction (``Outbound``/``Inbound``, as sent or inferred) → direction,
duration → duration_seconds, teamId → group_id, userId (sent or inferred) → agent_id,
the latest job's transcript → transcript. Everything else — what was sent versus
inferred, the status, every job, the analysis, the error — is in ``extra``.

Submissions with the same callId are one record: each field a submission carries
replaces the stored one (the latest values win); a field it omits keeps its stored
value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from voxdesk.contracts.voix import CallRecord, CallStatus, Job, SubmitBody
from voxdesk.server.core.store import CoreCall

PLATFORM = "voix"


def _direction(outgoing: bool | None) -> str | None:
    return None if outgoing is None else ("Outbound" if outgoing else "Inbound")


@dataclass(frozen=True)
class VoixCall:
    call_id: str
    created_at: datetime
    from_number: str
    to_number: str
    started_at: datetime
    team_id: str | None = None
    outgoing_sent: bool | None = None
    outgoing_inferred: bool | None = None
    user_sent: str | None = None
    user_inferred: str | None = None
    duration: int | None = None
    jobs: tuple[dict[str, Any], ...] = ()
    transcript: list[dict[str, Any]] | None = None
    analysis: dict[str, Any] | None = None

    # what the record says

    @property
    def outgoing(self) -> bool | None:
        return self.outgoing_sent if self.outgoing_sent is not None else self.outgoing_inferred

    @property
    def user_id(self) -> str | None:
        return self.user_sent or self.user_inferred

    @property
    def latest_job(self) -> dict[str, Any] | None:
        return self.jobs[-1] if self.jobs else None

    @property
    def status(self) -> CallStatus:
        job = self.latest_job
        return CallStatus.RECEIVED if job is None else CallStatus(job["status"])

    # changes

    def merged(self, body: SubmitBody, team_id: str | None) -> VoixCall:
        """This record with a later submission's values applied."""
        sent = body.model_fields_set
        return replace(
            self,
            from_number=body.from_number,
            to_number=body.to_number,
            started_at=body.started_at,
            team_id=team_id if team_id is not None else self.team_id,
            outgoing_sent=body.outgoing if "outgoing" in sent else self.outgoing_sent,
            user_sent=body.user_id if "user_id" in sent else self.user_sent,
            duration=body.duration if "duration" in sent else self.duration,
        )

    @classmethod
    def first(cls, body: SubmitBody, team_id: str | None) -> VoixCall:
        return cls(
            call_id=body.call_id,
            created_at=datetime.now(UTC),
            from_number=body.from_number,
            to_number=body.to_number,
            started_at=body.started_at,
            team_id=team_id,
            outgoing_sent=body.outgoing,
            user_sent=body.user_id,
            duration=body.duration,
        )

    def with_new_job(self, recording_url: str) -> VoixCall:
        job = {
            "jobId": str(uuid.uuid4()),
            "recordingUrl": recording_url,
            "status": CallStatus.TRANSCRIBING.value,
            "createdAt": datetime.now(UTC).isoformat(),
            "finishedAt": None,
            "error": None,
        }
        return replace(self, jobs=(*self.jobs, job))

    def with_job_finished(self, job_id: str, error: str | None) -> VoixCall:
        status = CallStatus.FAILED if error else CallStatus.COMPLETED
        done = datetime.now(UTC).isoformat()
        jobs = tuple(
            {**job, "status": status.value, "finishedAt": done, "error": error}
            if job["jobId"] == job_id
            else job
            for job in self.jobs
        )
        return replace(self, jobs=jobs)

    def with_findings(
        self,
        transcript: list[dict[str, Any]],
        analysis: dict[str, Any],
        *,
        outgoing: bool | None,
        user_id: str | None,
        measured_seconds: float | None,
    ) -> VoixCall:
        """The latest job's results; ``duration`` is measured only when none was sent."""
        duration = self.duration
        if duration is None and measured_seconds is not None:
            duration = round(measured_seconds)
        return replace(
            self,
            transcript=transcript,
            analysis=analysis,
            outgoing_inferred=outgoing,
            user_inferred=user_id,
            duration=duration,
        )

    # storage

    def core(self) -> CoreCall:
        return CoreCall(
            platform=PLATFORM,
            platform_id=self.call_id,
            created_at=self.created_at,
            direction=_direction(self.outgoing),
            from_number=self.from_number,
            to_number=self.to_number,
            started_at=self.started_at,
            duration_seconds=self.duration,
            group_id=self.team_id,
            agent_id=self.user_id,
            transcript=self.transcript,
            extra={
                "startTime": self.started_at.isoformat(),
                "outgoingSent": self.outgoing_sent,
                "outgoingInferred": self.outgoing_inferred,
                "userSent": self.user_sent,
                "userInferred": self.user_inferred,
                "jobs": list(self.jobs),
                "analysis": self.analysis,
            },
        )

    @classmethod
    def from_core(cls, row: CoreCall) -> VoixCall:
        extra = row.extra or {}
        return cls(
            call_id=row.platform_id,
            created_at=row.created_at,
            from_number=row.from_number or "",
            to_number=row.to_number or "",
            # The column keeps whole seconds; extra keeps the time exactly as sent.
            started_at=datetime.fromisoformat(extra["startTime"]),
            team_id=row.group_id,
            outgoing_sent=extra.get("outgoingSent"),
            outgoing_inferred=extra.get("outgoingInferred"),
            user_sent=extra.get("userSent"),
            user_inferred=extra.get("userInferred"),
            duration=None if row.duration_seconds is None else int(row.duration_seconds),
            jobs=tuple(extra.get("jobs") or ()),
            transcript=row.transcript,
            analysis=extra.get("analysis"),
        )

    def record(self, recording_url: str | None = None) -> CallRecord:
        """The lifecycle body (``GET /calls/{callId}``), with a playable URL of the
        recording when the server holds one."""
        latest = self.latest_job
        return CallRecord(
            call_id=self.call_id,
            status=self.status,
            from_number=self.from_number,
            to_number=self.to_number,
            start_time=self.started_at.astimezone(UTC),
            outgoing=self.outgoing,
            outgoing_inferred=self.outgoing_sent is None and self.outgoing_inferred is not None,
            duration=self.duration,
            team_id=self.team_id,
            user_id=self.user_id,
            user_inferred=self.user_sent is None and self.user_inferred is not None,
            job_id=None if latest is None else latest["jobId"],
            jobs=[Job.model_validate(job) for job in self.jobs],
            transcript=self.transcript,
            analysis=self.analysis,
            error=None if latest is None else latest["error"],
            recording=recording_url,
        )
