"""VOIX: a phone system's calls, sent in two beats under a callId the sender chooses
(``shared/api-contracts/voix-ingest.txt``; wire bodies in ``voxdesk.contracts.voix``).

What it really can do: ``submit_event`` (the contract's ``POST /submit``) and
``get_call``, which reads the lifecycle extension ``GET /calls/{callId}`` that the
voxdesk local server offers (the contract points to lifecycle documentation it does not
include, so on another VOIX it may answer 404). Every body is checked against the
contract's strict rules before anything is sent, and refused in plain words
(``RefusedBeforeSending``). ``POST /submit`` is sent as idempotent: the callId is the
contract's idempotency key, so a finishing beat whose answer was lost is sent again
and VOIX answers the same job.
"""

from __future__ import annotations

import json
from datetime import UTC
from enum import StrEnum
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as WireError

from voxdesk.contracts import voix as wire
from voxdesk.domain import (
    Analysis,
    Call,
    CallStatus,
    Direction,
    IngestEvent,
    Member,
    Recording,
    Speaker,
    TranscriptTurn,
)
from voxdesk.domain.phone import parse_e164
from voxdesk.providers.base import CreatedCall, Provider
from voxdesk.providers.errors import MalformedResponse, ValidationError
from voxdesk.providers.settings import ConnectionSettings, TokenSettings
from voxdesk.providers.signed_urls import url_expiry

_STATUSES = {
    wire.CallStatus.RECEIVED: CallStatus.PENDING,
    wire.CallStatus.TRANSCRIBING: CallStatus.PROCESSING,
    wire.CallStatus.COMPLETED: CallStatus.COMPLETED,
    wire.CallStatus.FAILED: CallStatus.FAILED,
}


class KeyKind(StrEnum):
    WORKSPACE = "workspace"
    TEAM = "team"


class RefusedBeforeSending(ValidationError):
    """The submission breaks the contract; nothing was sent."""

    request_sent = False

    def __init__(self, problems: list[wire.Problem]) -> None:
        super().__init__(
            "Not sent to VOIX: " + " ".join(str(problem) for problem in problems), status=None
        )
        self.problems = problems


class TeamMember(BaseModel):
    """One member of the connection's team, kept in the desk: VOIX has no endpoint that
    lists them (the local server reads its own ``voix-members.json``), yet a call's
    ``userId`` must be one of them and the list shows their names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str
    name: str

    @field_validator("user_id")
    @classmethod
    def _user_is_a_uuid(cls, value: str) -> str:
        if not wire.is_uuid(value.strip()):
            raise ValueError(f"the user id {value!r} is not a UUID")
        return value.strip().lower()

    @field_validator("name")
    @classmethod
    def _has_a_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a team member needs a name")
        return value.strip()


class VoixSettings(TokenSettings):
    """An API key, workspace-wide (every call names its team) or scoped to one team;
    the team's members; and where recordings are staged for VOIX to fetch them."""

    key_kind: KeyKind = Field(
        default=KeyKind.TEAM,
        title="Key kind",
        description="team: the key belongs to one team; workspace: every call names its team.",
    )
    team_id: str | None = Field(
        default=None,
        title="Team id",
        description="The team's UUID; required with a workspace-wide key.",
    )

    members: tuple[TeamMember, ...] = Field(
        default=(),
        title="Team members",
        description="The team's user ids and names, for the agent field and the list's "
        "Agent column (VOIX has no endpoint listing them).",
    )
    stage_on: str | None = Field(
        default=None,
        title="Stage recordings on",
        description="The name of a voxdesk local server connection whose storage VOIX can "
        "fetch from. Empty: the VOIX server's own storage, when it is a voxdesk local server.",
    )

    @field_validator("members", mode="before")
    @classmethod
    def _members_from_json(cls, value: Any) -> Any:
        """The command line gives the list as JSON text."""
        return json.loads(value) if isinstance(value, str) and value.strip() else value or ()

    @field_validator("stage_on")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() if value is not None and value.strip() else None

    @field_validator("team_id")
    @classmethod
    def _team_is_a_uuid(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not wire.is_uuid(value.strip()):
            raise ValueError(f"{value!r} is not a UUID")
        return value.strip().lower()

    @model_validator(mode="after")
    def _workspace_needs_a_team(self) -> VoixSettings:
        if self.key_kind is KeyKind.WORKSPACE and self.team_id is None:
            raise ValueError("a workspace-wide key needs the team id the calls belong to")
        return self


def event_body(event: IngestEvent, settings: VoixSettings | None) -> dict[str, Any]:
    """The submit body for one beat (decoded JSON, not yet checked)."""
    body: dict[str, Any] = {
        "callId": event.call_id,
        "from": event.from_number,
        "to": event.to_number,
        "startTime": event.started_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    if event.direction is not None:
        body["outgoing"] = event.direction is Direction.OUTBOUND
    if event.duration is not None:
        body["duration"] = (
            int(event.duration) if float(event.duration).is_integer() else event.duration
        )
    if event.recording_url is not None:
        body["recordingUrl"] = event.recording_url
    team = event.team_id or (settings.team_id if settings is not None else None)
    if team is not None and (settings is None or settings.key_kind is KeyKind.WORKSPACE):
        body["teamId"] = team
    if event.user_id is not None:
        body["userId"] = event.user_id
    return body


def checked_body(body: dict[str, Any], settings: VoixSettings | None) -> wire.SubmitBody:
    """The body as the contract allows it, or ``RefusedBeforeSending``."""
    workspace = settings is not None and settings.key_kind is KeyKind.WORKSPACE
    if workspace and "teamId" not in body and settings is not None and settings.team_id:
        body = {**body, "teamId": settings.team_id}  # the connection's team, as in event_body
    problems = wire.check_submission(body)
    if workspace and "teamId" not in body:
        problems.append(
            wire.Problem(field="teamId", message="is required with a workspace-wide key.")
        )
    if problems:
        raise RefusedBeforeSending(problems)
    return wire.SubmitBody.model_validate(body)


def _phone(value: str | None) -> str | None:
    """An E.164 number for the domain; other strings (an extension) are kept in udfs."""
    try:
        return None if value is None else parse_e164(value)
    except ValueError:
        return None


def map_record(record: wire.CallRecord) -> Call:
    direction = None
    if record.outgoing is not None:
        direction = Direction.OUTBOUND if record.outgoing else Direction.INBOUND
    turns = tuple(
        TranscriptTurn(
            speaker=Speaker.parse(turn.get("speaker")),
            start=float(turn["start"]),
            end=None if turn.get("end") is None else float(turn["end"]),
            text=str(turn.get("text") or ""),
        )
        for turn in record.transcript or []
    )
    found = record.analysis or {}
    analysis = None
    if found:
        analysis = Analysis(
            score=found.get("score"),
            outcome_label=found.get("outcomeLabel"),
            outcome_rationale=found.get("outcomeRationale"),
            observations=tuple(found.get("callObservations") or ()),
            areas_for_improvement=tuple(found.get("areasForImprovement") or ()),
        )
    udfs = {
        "from": record.from_number,
        "to": record.to_number,
        "teamId": record.team_id,
        "jobId": record.job_id,
        "outgoingInferred": record.outgoing_inferred,
        "userInferred": record.user_inferred,
    }
    return Call(
        id=record.call_id,
        status=_STATUSES[record.status],
        error=record.error,
        member_id=record.user_id,
        date=record.start_time,
        started_at=record.start_time,
        duration=None if record.duration is None else float(record.duration),
        summary=found.get("summary"),
        udfs={k: v for k, v in udfs.items() if v is not None},
        analysis=analysis,
        transcript=turns or None,
        direction=direction,
        from_number=_phone(record.from_number),
        to_number=_phone(record.to_number),
        recording=(
            None
            if record.recording is None
            else Recording(url=record.recording, expires_at=url_expiry(record.recording))
        ),
    )


class VoixProvider(Provider):
    platform = "voix"
    settings_model: ClassVar[type[ConnectionSettings]] = VoixSettings

    @property
    def voix_settings(self) -> VoixSettings | None:
        return self.settings if isinstance(self.settings, VoixSettings) else None

    async def submit(self, body: dict[str, Any]) -> wire.SubmitAnswer:
        """Send one beat's body as is, after checking it (``RefusedBeforeSending``)."""
        checked = checked_body(body, self.voix_settings)
        answer = await self.http.request_json(
            "POST", wire.SUBMIT_PATH, json=checked.dump(), idempotent=True
        )
        try:
            return wire.SubmitAnswer.model_validate(answer)
        except WireError as exc:
            raise MalformedResponse(f"VOIX answered a submission unexpectedly: {exc}") from None

    async def submit_event(self, event: IngestEvent) -> CreatedCall:
        answer = await self.submit(event_body(event, self.voix_settings))
        status = (
            CallStatus.PROCESSING
            if answer.status is wire.SubmitStatus.TRANSCRIBING
            else CallStatus.PENDING
        )
        return CreatedCall(call_id=answer.call_id, status=status)

    async def list_members(self) -> list[Member]:
        """The team's members as kept in the connection's settings (see ``TeamMember``)."""
        settings = self.voix_settings
        members = settings.members if settings is not None else ()
        return [Member(id=member.user_id, name=member.name) for member in members]

    async def recording_url(self, call_id: str) -> Recording | None:
        # Each read of a call's lifecycle signs its recording URL afresh.
        return (await self.get_call(call_id)).recording

    async def get_call(self, call_id: str) -> Call:
        body = await self.http.request_json("GET", f"{wire.CALLS_PATH}/{quote(call_id, safe='')}")
        try:
            return map_record(wire.CallRecord.model_validate(body))
        except WireError as exc:
            raise MalformedResponse(f"VOIX answered a call lookup unexpectedly: {exc}") from None
