"""What the analysis engine hands back to the server: the Voxxi analysis fields plus
the local transcript extension.

Field names are camelCase on purpose: they are Voxxi's wire names, serialised as is.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class CriterionResult(BaseModel):
    criteriaId: str
    question: str
    result: str  # "Yes" | "No" | "N/A"
    rationale: str
    autoFail: bool = False
    # Local extension (see ``scoring``): how far the recogniser's evidence supports the
    # result (0-1, None for N/A), and whether it is too weak to trust without listening.
    confidence: float | None = None
    uncertain: bool = False
    uncertainReason: str | None = None


class SectionResult(BaseModel):
    sectionId: str
    sectionName: str
    score: int
    totalScore: int
    criterias: list[CriterionResult]


class TranscriptTurn(BaseModel):
    speaker: str  # "agent" | "customer" | "speaker"
    start: float
    end: float
    text: str
    words: list[tuple[str, float, float]] = Field(default_factory=list)
    # Each word's posterior from the recogniser, for scoring only (not stored or sent):
    # empty for turns built without a recogniser, which then count as certain.
    confidences: list[float] = Field(default_factory=list, exclude=True)

    def word_confidence(self, first: int, last: int) -> float:
        """Mean posterior of words ``first``..``last`` (inclusive); 1.0 without evidence."""
        chosen = self.confidences[first : last + 1]
        return sum(chosen) / len(chosen) if chosen else 1.0


class AnalysisOutput(BaseModel):
    """The analysis of one recording, in Voxxi's field names."""

    duration: float
    score: int | None = None
    outcomeLabel: str | None = None
    outcomeRationale: str | None = None
    summary: str | None = None
    callObservations: list[str] | None = None
    areasForImprovement: list[str] | None = None
    extractions: list[dict] | None = None
    sections: list[SectionResult] = Field(default_factory=list)
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    metrics: dict | None = None
