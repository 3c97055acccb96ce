"""Provider-neutral models of what a reviewer works with.

Every platform's wire format is mapped onto these in ``voxdesk.providers``; the
services, the CLI and the UI only ever see these. No I/O and no Qt here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class CallStatus(StrEnum):
    """Where a call is in its platform's pipeline, reduced to what a reviewer acts on."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (CallStatus.COMPLETED, CallStatus.FAILED)


class CriterionResult(StrEnum):
    YES = "Yes"
    NO = "No"
    NOT_APPLICABLE = "N/A"
    UNKNOWN = "?"

    @classmethod
    def parse(cls, raw: str | None) -> CriterionResult:
        """Platforms spell results loosely ("yes", "NA", "n/a", "Pass"); unknown stays visible."""
        text = (raw or "").strip().lower()
        if text in {"yes", "y", "pass", "passed", "true", "met"}:
            return cls.YES
        if text in {"no", "n", "fail", "failed", "false", "not met"}:
            return cls.NO
        if text in {"n/a", "na", "not applicable", "none", "-"}:
            return cls.NOT_APPLICABLE
        return cls.UNKNOWN


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "speaker"

    @classmethod
    def parse(cls, raw: str | None) -> Speaker:
        text = (raw or "").strip().lower()
        if text in {"agent", "bot", "assistant", "rep"}:
            return cls.AGENT
        if text in {"customer", "caller", "user", "client"}:
            return cls.CUSTOMER
        return cls.UNKNOWN


class Member(_Model):
    """An agent who handles calls."""

    id: str
    email: str | None = None
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.id


class Category(_Model):
    """A call category: the scorecard a call is analysed against."""

    id: str
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Criterion(_Model):
    id: str
    question: str
    result: CriterionResult
    rationale: str = ""
    auto_fail: bool = False


class Section(_Model):
    id: str
    name: str
    score: float | None = None
    total_score: float | None = None
    criteria: tuple[Criterion, ...] = ()


class Extraction(_Model):
    """A fact spoken in the call (a phone number, an amount…), with where it was said."""

    kind: str
    value: str
    text: str | None = None
    time: float | None = None


class SurveyResponse(_Model):
    question: str
    answer: str | None = None
    score: float | None = None


class SurveyResult(_Model):
    """A post-call survey (the voice-bot platform's EPA results)."""

    state: str | None = None
    completion_reason: str | None = None
    total_questions: int | None = None
    questions_answered: int | None = None
    score: float | None = None
    responses: tuple[SurveyResponse, ...] = ()


class Analysis(_Model):
    """The AI's verdict on a call."""

    score: float | None = None
    outcome_label: str | None = None
    outcome_rationale: str | None = None
    observations: tuple[str, ...] = ()
    areas_for_improvement: tuple[str, ...] = ()
    extractions: tuple[Extraction, ...] = ()
    sections: tuple[Section, ...] = ()
    survey: SurveyResult | None = None


class TranscriptWord(_Model):
    """One recognised word and when it was said (seconds from the call's start)."""

    text: str
    start: float
    end: float


class TranscriptTurn(_Model):
    speaker: Speaker
    start: float
    end: float
    text: str
    #: Word timings where the platform gives them; empty otherwise.
    words: tuple[TranscriptWord, ...] = ()


class Recording(_Model):
    """Where a call's audio can be fetched; ``expires_at`` is set for signed URLs."""

    url: str
    expires_at: datetime | None = None


class Call(_Model):
    """One call as a reviewer sees it, from any platform."""

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


class NewCall(_Model):
    """What a reviewer submits to have a recording analysed."""

    member_id: str
    category_id: str
    audio_url: str
    udfs: dict[str, Any] = Field(default_factory=dict)
    date: str | None = None


class UploadTarget(_Model):
    """A presigned destination for one recording."""

    key: str
    upload_url: str
    public_url: str
    content_type: str
    expires_at: datetime | None = None
