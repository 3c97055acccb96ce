"""Voxxi's wire bodies (``shared/api-contracts/voxxi-calls.txt``) and the local server's
extensions to them (the call list, categories, members, transcripts), defined once.

The local server builds its answers from these models and ``VoxxiProvider`` parses
answers with them. Python names are snake_case; each field has the contract's spelling
as its alias (camelCase, except the create body's ``audio_url``), and ``dump`` writes by
alias in declaration order, so the server's JSON is exactly the contract's. Parsing
accepts either spelling and ignores fields it does not know (a platform that adds fields
still parses); fields a real Voxxi may leave out have defaults.

Numbers keep their JSON type (``int | float``): a score of ``5`` stays ``5`` on the wire.
Loosely typed contract fields (observations, extractions) are ``Any``: Voxxi sends null,
a string or a list there, and the provider maps each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

API_PREFIX = "/api/external/v1"

Number = int | float
ItemT = TypeVar("ItemT")


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def dump(self) -> dict[str, Any]:
        """The JSON-ready body, field names as the contract spells them.

        Without serialiser warnings: the server answers a stored record it cannot lay
        out through ``model_construct``, with its stored texts passed through unchecked.
        """
        return self.model_dump(mode="json", by_alias=True, warnings=False)


class Envelope(_Wire, Generic[ItemT]):
    """Every successful Voxxi answer: ``{"data": …}``."""

    data: ItemT


# --- POST /calls -----------------------------------------------------------------------


class CreateCallBody(_Wire):
    """The create-call request. ``date`` is optional (Voxxi's date rules apply: see
    ``voxxi_dates``); ``udfs`` are free-form key/values kept with the call."""

    member_id: str
    category_id: str
    audio_url: str = Field(alias="audio_url")
    udfs: dict[str, Any] = Field(default_factory=dict)
    date: str | None = None

    def dump(self) -> dict[str, Any]:
        """Without ``date`` when none was given: the server then dates the call now."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class CreatedCall(_Wire):
    call_id: str
    status: str = "processing"


# --- POST /calls/presigned-url ---------------------------------------------------------


class PresignedUrlRequest(_Wire):
    filename: str
    content_type: str


class PresignedUrl(_Wire):
    """Where to PUT the file (``presignedUrl``, with the signed Content-Type) and the URL
    to give as ``audio_url`` afterwards (``publicUrl``)."""

    key: str
    presigned_url: str
    public_url: str


# --- GET /calls/{callId}/analysis ------------------------------------------------------


class Criterion(_Wire):
    criteria_id: str
    question: str | None = None
    result: str | None = None
    rationale: str | None = None
    # Local extension: reviewers must see which criteria zero the whole call.
    auto_fail: bool = False
    # Local extension: how far the recogniser's evidence supports the result (0-1, null
    # for N/A or from a platform that does not say), and when it is too weak to trust
    # without listening, why (see voxdesk/server/analysis/confidence.py).
    confidence: Number | None = None
    uncertain: bool = False
    uncertain_reason: str | None = None


class Section(_Wire):
    section_id: str
    section_name: str | None = None
    score: Number | None = None
    total_score: Number | None = None
    criterias: list[Criterion] = Field(default_factory=list)


class AnalysisBody(_Wire):
    """``analysis``: every field null and ``sections`` empty until the call completes."""

    score: Number | None = None
    outcome_label: str | None = None
    outcome_rationale: str | None = None
    call_observations: Any = None
    areas_for_improvement: Any = None
    extractions: Any = None
    sections: list[Section] | None = None


class Metadata(_Wire):
    """``date`` is the call's date as the server stores it (read with Voxxi's date
    rules); ``createdAt``/``updatedAt`` are UTC (``…Z``)."""

    date: str | None = None
    duration: Number | None = None
    summary: str | None = None
    audio_url: str | None = None
    udfs: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Word(_Wire):
    word: str
    start: float
    end: float


class Turn(_Wire):
    """Local extension: one speaker's turn, seconds into the recording."""

    speaker: str | None = None
    start: float = 0.0
    end: float = 0.0
    text: str | None = None
    # Local extension: the recogniser's word timings.
    words: list[Word] | None = None


class CallAnalysis(_Wire):
    """``data`` of the analysis answer; ``GET /calls`` (local) lists the same objects."""

    call_id: str
    status: str
    analysis: AnalysisBody | None = None
    metadata: Metadata | None = None
    # Local extensions: the transcript once completed, who handled the call and its
    # scorecard, and why a failed call failed.
    transcript: list[Turn] | None = None
    member_id: str | None = None
    category_id: str | None = None
    error: str | None = None


# --- local extensions: GET /calls, /categories, /members -------------------------------


class CallPage(_Wire):
    """``GET /calls``: one page of calls, ``page`` counting from 1."""

    data: list[CallAnalysis]
    page: int
    page_size: int
    total: int | None = None


class CategorySection(_Wire):
    id: str
    name: str | None = None


class Category(_Wire):
    """A scorecard the server analyses against (Voxxi's ``categoryId``)."""

    id: str
    name: str | None = None
    sections: list[CategorySection] = Field(default_factory=list)


class Member(_Wire):
    id: str
    email: str | None = None
    name: str | None = None


# --- refusals --------------------------------------------------------------------------


class ErrorDetail(_Wire):
    code: str
    message: str


class ErrorBody(_Wire):
    """Every refusal: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail
