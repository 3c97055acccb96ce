"""What the analysis engine hands back to the server: the Voxxi analysis fields plus
the local transcript extension."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CriterionResult(BaseModel):
    criteriaId: str  # noqa: N815 - Voxxi wire names
    question: str
    result: str  # "Yes" | "No" | "N/A"
    rationale: str
    autoFail: bool = False  # noqa: N815 - local extension


class SectionResult(BaseModel):
    sectionId: str  # noqa: N815
    sectionName: str  # noqa: N815
    score: int
    totalScore: int  # noqa: N815
    criterias: list[CriterionResult]


class TranscriptTurn(BaseModel):
    speaker: str  # "agent" | "customer" | "speaker"
    start: float
    end: float
    text: str
    words: list[tuple[str, float, float]] = Field(default_factory=list)


class AnalysisOutput(BaseModel):
    """The analysis of one recording, in Voxxi's field names."""

    duration: float
    score: int | None = None
    outcomeLabel: str | None = None  # noqa: N815
    outcomeRationale: str | None = None  # noqa: N815
    summary: str | None = None
    callObservations: list[str] | None = None  # noqa: N815
    areasForImprovement: list[str] | None = None  # noqa: N815
    extractions: list[dict] | None = None
    sections: list[SectionResult] = Field(default_factory=list)
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    metrics: dict | None = None
