"""One call as a reviewer sees it, from any platform, and how to name it again later.

``Call`` started as Voxxi's analysed recording; the facts the other platforms add (who
called whom, when, how the call went, which campaign / use case / team it belongs to,
whether a person or a bot spoke) are optional fields, so Voxxi code that never sets
them keeps working.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote, unquote

from pydantic import Field, field_validator

from voxdesk.domain.analysis import Analysis, CallStatus
from voxdesk.domain.grouping import Grouping
from voxdesk.domain.models import DomainModel
from voxdesk.domain.phone import PhoneNumber
from voxdesk.domain.transcript import TranscriptTurn

_PLATFORM = re.compile(r"^[a-z][a-z0-9_-]*$")


def _squash(raw: str) -> str:
    """``"NoAnswer"``, ``"no_answer"`` and ``"no-answer"`` all become ``"noanswer"``."""
    return re.sub(r"[^a-z0-9]", "", raw.lower())


class CallRef(DomainModel):
    """Everything a platform needs to find one call again, as one stable string.

    Most platforms name a call by one id (``vc_abc123``, a VOIX UUID the client chose);
    a Vozzo recording needs its organisation, use case and recording ids. ``encode``
    gives ``"<platform>:<part>/<part>…"`` with each part percent-encoded, so a
    single-part ``key`` is the platform's own id unchanged and ``decode`` inverts it.
    """

    platform: str
    parts: tuple[str, ...]

    @field_validator("platform")
    @classmethod
    def _platform_is_a_name(cls, value: str) -> str:
        if not _PLATFORM.match(value):
            raise ValueError(f"{value!r} is not a platform name (lower-case letters, digits)")
        return value

    @field_validator("parts")
    @classmethod
    def _parts_are_present(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or any(not part for part in value):
            raise ValueError("a call reference needs at least one part and no empty part")
        return value

    @property
    def key(self) -> str:
        """The reference within its platform: what ``Call.id`` holds."""
        return "/".join(quote(part, safe="") for part in self.parts)

    def encode(self) -> str:
        return f"{self.platform}:{self.key}"

    @classmethod
    def from_key(cls, platform: str, key: str) -> CallRef:
        return cls(platform=platform, parts=tuple(unquote(part) for part in key.split("/")))

    @classmethod
    def decode(cls, text: str) -> CallRef:
        platform, colon, key = text.partition(":")
        if not colon:
            raise ValueError(f"{text!r} is not a call reference (<platform>:<id>)")
        return cls.from_key(platform, key)


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"

    @classmethod
    def parse(cls, raw: str | None) -> Direction | None:
        return {"inbound": cls.INBOUND, "outbound": cls.OUTBOUND}.get(_squash(raw or ""))


class Disposition(StrEnum):
    """How the call itself went (telephony), apart from how far its analysis got."""

    QUEUED = "queued"
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self not in (Disposition.QUEUED, Disposition.RINGING, Disposition.IN_PROGRESS)

    @classmethod
    def parse(cls, raw: str | None) -> Disposition | None:
        """Any platform's spelling (``NoAnswer``, ``no_answer``, ``in-progress``), or
        ``None`` for a state voxdesk does not know."""
        return {_squash(d.value): d for d in cls}.get(_squash(raw or ""))


class AgentKind(StrEnum):
    """Who spoke for the business: a person or a voice bot."""

    PERSON = "person"
    BOT = "bot"


class Member(DomainModel):
    """An agent who handles calls."""

    id: str
    email: str | None = None
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.id


class Recording(DomainModel):
    """Where a call's audio can be fetched; ``expires_at`` is set for signed URLs."""

    url: str
    expires_at: datetime | None = None


class Call(DomainModel):
    """One call as a reviewer sees it, from any platform.

    ``id`` is the ``CallRef.key`` the provider's ``get_call`` accepts. ``status`` is the
    analysis status; ``disposition`` how the call went. ``duration`` is the recording's
    length, ``talk_time`` the time the parties actually spoke."""

    id: str
    status: CallStatus
    error: str | None = None
    member_id: str | None = None
    category_id: str | None = None
    date: datetime | None = None
    duration: float | None = None
    summary: str | None = None
    recording: Recording | None = None
    udfs: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    analysis: Analysis | None = None
    transcript: tuple[TranscriptTurn, ...] | None = None
    #: The transcript as one block of text, where that is all the platform gives.
    transcript_text: str | None = None
    direction: Direction | None = None
    from_number: PhoneNumber | None = None
    to_number: PhoneNumber | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    talk_time: float | None = None
    disposition: Disposition | None = None
    grouping: Grouping | None = None
    agent_kind: AgentKind | None = None
