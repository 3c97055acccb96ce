"""VOIX's wire bodies (``shared/api-contracts/voix-ingest.txt``), for the server and the
provider alike.

The submit body is strict: exactly the nine fields, no others, each of one JSON type.
``check_submission`` applies those rules to a decoded JSON object and returns every
problem in plain words (``field: what is wrong``), so the server's 400 and the client's
refusal before sending say the same thing. ``SubmitBody`` is the checked body.

The lifecycle (``GET /calls/{callId}``, ``GET /calls``) is a local extension: the
contract points to documentation the seeds do not include.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

SUBMIT_PATH = "/submit"
CALLS_PATH = "/calls"
MAX_BODY_BYTES = 64 * 1024

FIELDS = (
    "callId",
    "recordingUrl",
    "from",
    "to",
    "startTime",
    "outgoing",
    "duration",
    "teamId",
    "userId",
)
REQUIRED = ("callId", "from", "to", "startTime")
UUID_FIELDS = ("callId", "teamId", "userId")
TEXT_FIELDS = ("from", "to")
EXAMPLE_UUID = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"


class SubmitStatus(StrEnum):
    RECEIVED = "received"
    TRANSCRIBING = "transcribing"


class CallStatus(StrEnum):
    """A call's place in the lifecycle: the status of its latest job, or ``received``."""

    RECEIVED = "received"
    TRANSCRIBING = "transcribing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (CallStatus.COMPLETED, CallStatus.FAILED)


class Problem(BaseModel):
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def parse_start_time(value: str) -> datetime | None:
    """An ISO 8601 date *and* time (``2026-06-16T09:05:35.000Z``); no offset is UTC."""
    if "T" not in value.upper():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _field_problem(name: str, value: Any) -> str | None:
    """What is wrong with one known field's value, or ``None``."""
    if name in UUID_FIELDS:
        if not is_uuid(value):
            return f"must be a UUID like {EXAMPLE_UUID}, got {value!r}."
    elif name in TEXT_FIELDS:
        if not isinstance(value, str) or not value.strip():
            return f"must be a non-empty string (a phone number), got {value!r}."
    elif name == "startTime":
        if not isinstance(value, str) or parse_start_time(value) is None:
            return (
                "must be an ISO 8601 date and time such as 2026-06-16T09:05:35.000Z, "
                f"got {value!r}."
            )
    elif name == "outgoing":
        if not isinstance(value, bool):
            return f"must be true or false (a JSON boolean), got {value!r}."
    elif name == "duration":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number of seconds (a JSON integer), got {value!r}."
        if value < 0:
            return f"must be 0 or more seconds, got {value}."
    elif name == "recordingUrl" and (not isinstance(value, str) or not is_http_url(value)):
        return f"must be an http or https URL, got {value!r}."
    return None


def check_submission(body: Any) -> list[Problem]:
    """Every way ``body`` (decoded JSON) breaks the contract; empty when it is valid."""
    if not isinstance(body, dict):
        return [Problem(field=None, message="the body must be a JSON object.")]
    problems = [
        Problem(
            field=name,
            message="is not a VOIX field; the body may hold only " + ", ".join(FIELDS) + ".",
        )
        for name in body
        if name not in FIELDS
    ]
    problems += [Problem(field=n, message="is required.") for n in REQUIRED if n not in body]
    for name in FIELDS:
        if name in body and (problem := _field_problem(name, body[name])) is not None:
            problems.append(Problem(field=name, message=problem))
    return problems


class SubmitBody(BaseModel):
    """A submit body that passed ``check_submission`` (build it with ``from_json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    call_id: str = Field(alias="callId")
    from_number: str = Field(alias="from")
    to_number: str = Field(alias="to")
    start_time: str = Field(alias="startTime")
    recording_url: str | None = Field(default=None, alias="recordingUrl")
    outgoing: bool | None = None
    duration: int | None = None
    team_id: str | None = Field(default=None, alias="teamId")
    user_id: str | None = Field(default=None, alias="userId")

    @classmethod
    def from_json(cls, body: Any) -> SubmitBody:
        """The body, or ``InvalidSubmission`` listing every problem."""
        problems = check_submission(body)
        if problems:
            raise InvalidSubmission(problems)
        return cls.model_validate(body)

    @property
    def started_at(self) -> datetime:
        moment = parse_start_time(self.start_time)
        assert moment is not None  # checked by from_json
        return moment

    def dump(self) -> dict[str, Any]:
        """The JSON body to send: only the fields that are set."""
        return self.model_dump(by_alias=True, exclude_none=True)


class InvalidSubmission(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(str(p) for p in problems))
        self.problems = problems


class SubmitAnswer(BaseModel):
    """``202``: ``received`` for a beat without a recording, ``transcribing`` (with the
    job) for one with it."""

    model_config = ConfigDict(populate_by_name=True)

    status: SubmitStatus
    call_id: str = Field(alias="callId")
    job_id: str | None = Field(default=None, alias="jobId")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ErrorDetail(BaseModel):
    code: str
    message: str
    problems: list[Problem] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every refusal: ``{"error": {"code", "message", "problems": [{field, message}]}}``."""

    error: ErrorDetail

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Job(BaseModel):
    """One transcription of one recording URL."""

    model_config = ConfigDict(populate_by_name=True)

    job_id: str = Field(alias="jobId")
    recording_url: str = Field(alias="recordingUrl")
    status: CallStatus
    created_at: datetime = Field(alias="createdAt")
    finished_at: datetime | None = Field(default=None, alias="finishedAt")
    error: str | None = None


class CallRecord(BaseModel):
    """``GET /calls/{callId}`` (local extension): the call as last submitted, its jobs
    and what the latest job found. ``outgoing`` and ``userId`` are as sent, else as
    inferred (``outgoingInferred``/``userInferred`` say which)."""

    model_config = ConfigDict(populate_by_name=True)

    call_id: str = Field(alias="callId")
    status: CallStatus
    from_number: str | None = Field(default=None, alias="from")
    to_number: str | None = Field(default=None, alias="to")
    start_time: datetime | None = Field(default=None, alias="startTime")
    outgoing: bool | None = None
    outgoing_inferred: bool = Field(default=False, alias="outgoingInferred")
    duration: int | None = None
    team_id: str | None = Field(default=None, alias="teamId")
    user_id: str | None = Field(default=None, alias="userId")
    user_inferred: bool = Field(default=False, alias="userInferred")
    job_id: str | None = Field(default=None, alias="jobId")
    jobs: list[Job] = Field(default_factory=list)
    transcript: list[dict[str, Any]] | None = None
    analysis: dict[str, Any] | None = None
    error: str | None = None
    #: Local extension: a signed URL of the recording the findings came from (the
    #: latest job's, once completed), freshly signed on each read; playable with Range.
    recording: str | None = None

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class CallList(BaseModel):
    calls: list[CallRecord]

    def dump(self) -> dict[str, Any]:
        return {"calls": [call.dump() for call in self.calls]}
