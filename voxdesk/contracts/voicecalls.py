"""The voice-bot platform's wire bodies (``shared/api-contracts/voice-calls.txt``).

Python names are snake_case; every field has the contract's camelCase alias, and
``dump`` serialises by alias, so ``VoiceCall(...).dump()`` is the JSON object exactly as
the contract shows it (times ISO-8601 UTC with ``Z``). Parsing accepts either spelling
and ignores fields it does not know, so a platform that adds fields still parses.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator

from voxdesk.contracts._base import CamelWire, utc_to_second

API_PREFIX = "/api/v1"
VOICE_CALLS_PATH = f"{API_PREFIX}/voice-calls"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
RECORDING_URL_TTL_SECONDS = 15 * 60


class Scope(StrEnum):
    """OAuth-style scopes the contract names per endpoint."""

    VOICE_READ = "voice:read"
    AUDIO_DOWNLOAD = "audio:download"


class CallDirection(StrEnum):
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"


class CallState(StrEnum):
    """How a call ended. Only a ``Completed`` call connected, so only it has audio."""

    COMPLETED = "Completed"
    BUSY = "Busy"
    NO_ANSWER = "NoAnswer"
    FAILED = "Failed"

    @property
    def connected(self) -> bool:
        return self is CallState.COMPLETED


class TurnRole(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"


class SurveyState(StrEnum):
    COMPLETED = "Completed"
    PARTIAL = "Partial"
    NOT_STARTED = "NotStarted"


class SurveyCompletionReason(StrEnum):
    ALL_ANSWERED = "AllAnswered"
    HANG_UP = "HangUp"
    TIMEOUT = "Timeout"


class TranscriptTurn(CamelWire):
    role: TurnRole
    text: str
    # Offset into the recording, "HH:MM:SS".
    timestamp: str = Field(pattern=r"^\d{2,}:[0-5]\d:[0-5]\d$")

    @property
    def offset_seconds(self) -> int:
        hours, minutes, seconds = (int(part) for part in self.timestamp.split(":"))
        return hours * 3600 + minutes * 60 + seconds

    @staticmethod
    def format_offset(seconds: float) -> str:
        whole = max(0, int(seconds))
        return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class SurveyResponse(CamelWire):
    question: str
    answer: str
    # Whole points on the wire ("score": 5); a fractional score stays fractional.
    score: int | float | None = None


class EpaResults(CamelWire):
    """The post-call survey (EPA, Encuesta Post-Atención)."""

    state: SurveyState
    completion_reason: SurveyCompletionReason
    total_questions: int = Field(ge=0)
    questions_answered: int = Field(ge=0)
    calculated_score: float | None = None
    responses: list[SurveyResponse] = Field(default_factory=list)


class VoiceCall(CamelWire):
    id: str
    campaign_id: str
    direction: CallDirection
    state: CallState
    start_time: datetime
    end_time: datetime | None = None
    duration_seconds: int = Field(ge=0)
    talk_time_seconds: int = Field(default=0, ge=0)
    outcome: str | None = None
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    # Present where the campaign has a post-call survey, null otherwise.
    epa_results: EpaResults | None = None
    created_at: datetime

    _times = field_validator("start_time", "end_time", "created_at")(utc_to_second)


class VoiceCallPage(CamelWire):
    """One page of ``GET /api/v1/voice-calls``; ``page`` counts from 1."""

    data: list[VoiceCall]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    total: int = Field(ge=0)


class RecordingUrl(CamelWire):
    recording_url: str
    expires_at: datetime

    _times = field_validator("expires_at")(utc_to_second)


class ErrorDetail(CamelWire):
    """What went wrong. ``parameter`` names a refused query parameter or body field;
    ``required_scope`` names the scope a token lacks (403)."""

    code: str
    message: str
    parameter: str | None = None
    required_scope: str | None = None


class ErrorBody(CamelWire):
    """Every refusal: ``{"error": {"code", "message", ...}}``, the same shape the local
    Voxxi routes use, so one client-side parser reads both."""

    error: ErrorDetail

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
