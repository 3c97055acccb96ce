"""What voxdesk sends to a platform: a recording to analyse, a call to place, a call
event from a phone system."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field, field_validator, model_validator

from voxdesk.domain.calls import Direction
from voxdesk.domain.grouping import Grouping, GroupingKind
from voxdesk.domain.models import DomainModel
from voxdesk.domain.phone import PhoneNumber


class RecordingSubmission(DomainModel):
    """A recording to analyse, reachable at ``audio_url``, filed under ``grouping`` (a
    Voxxi category, a Vozzo use case) and attributed to ``member_id`` where known."""

    audio_url: str
    grouping: Grouping | None = None
    member_id: str | None = None
    #: The call's date as the reviewer typed it; each platform has its own rules.
    date: str | None = None
    udfs: dict[str, Any] = Field(default_factory=dict)


class NewCall(RecordingSubmission):
    """Voxxi's submission: the agent and the category are required."""

    member_id: str
    category_id: str

    @model_validator(mode="before")
    @classmethod
    def _category_is_the_grouping(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("category_id") and not data.get("grouping"):
            category = Grouping(kind=GroupingKind.CATEGORY, id=data["category_id"])
            return {**data, "grouping": category}
        return data


class OutboundCallRequest(DomainModel):
    """Ask a platform's bot (``agent_id``) to call ``to_number`` (Voxpria)."""

    agent_id: str
    to_number: PhoneNumber
    from_number: PhoneNumber | None = None
    #: Values the bot's script fills in ("customerName").
    variables: dict[str, str] = Field(default_factory=dict)
    grouping: Grouping | None = None


class IngestEvent(DomainModel):
    """One beat of a phone system's call (VOIX): the start without a recording, the end
    with one. The same ``call_id`` (a UUID the sender chose) ties the beats together."""

    call_id: str
    from_number: PhoneNumber
    to_number: PhoneNumber
    started_at: datetime
    direction: Direction | None = None
    duration: float | None = None
    recording_url: str | None = None
    team_id: str | None = None
    user_id: str | None = None

    @field_validator("call_id")
    @classmethod
    def _call_id_is_a_uuid(cls, value: str) -> str:
        try:
            return str(UUID(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID; VOIX call ids are UUIDs") from None

    @property
    def is_final(self) -> bool:
        """The finishing beat: its recording is what starts transcription."""
        return self.recording_url is not None


class UploadTarget(DomainModel):
    """A presigned destination for one recording."""

    key: str
    upload_url: str
    public_url: str
    content_type: str
    expires_at: datetime | None = None
