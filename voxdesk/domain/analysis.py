"""The verdict on a call, in every form a platform gives one: section scores with
criteria (Voxxi), answers to a use case's questions and a classification into one of
its buckets (Vozzo), a post-call survey (the voice-bot platform)."""

from __future__ import annotations

from enum import StrEnum

from voxdesk.domain.models import DomainModel


class CallStatus(StrEnum):
    """Where a call's analysis is in its platform's pipeline, reduced to what a reviewer
    acts on. Not how the call itself went: that is ``Disposition``."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (CallStatus.COMPLETED, CallStatus.FAILED)


#: The name the five-platform code uses; ``CallStatus`` is kept for the Voxxi code.
AnalysisStatus = CallStatus


class CriterionResult(StrEnum):
    YES = "Yes"
    NO = "No"
    NOT_APPLICABLE = "N/A"
    #: The platform weighed the evidence and found it too weak to answer (Vozzo's
    #: answers): unlike ``UNKNOWN``, a verdict, not an unreadable one.
    NOT_CLEAR = "Not clear"
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
        if text in {"not clear", "unclear"}:
            return cls.NOT_CLEAR
        return cls.UNKNOWN


class Criterion(DomainModel):
    id: str
    question: str
    result: CriterionResult
    rationale: str = ""
    auto_fail: bool = False
    # How far the platform's evidence supports the result (0-1) when it says; an
    # uncertain result is one a reviewer should check by ear, ``uncertain_reason`` why.
    confidence: float | None = None
    uncertain: bool = False
    uncertain_reason: str | None = None


class Section(DomainModel):
    id: str
    name: str
    score: float | None = None
    total_score: float | None = None
    criteria: tuple[Criterion, ...] = ()


class Extraction(DomainModel):
    """A fact spoken in the call (a phone number, an amount…), with where it was said."""

    kind: str
    value: str
    text: str | None = None
    time: float | None = None


class QuestionAnswer(DomainModel):
    """The answer to one of a use case's analysis questions ("Is the lead interested?")."""

    question: str
    answer: str
    rationale: str | None = None
    #: The words that decided the answer, and where in the call they were said (seconds).
    evidence: str | None = None
    time: float | None = None


class Classification(DomainModel):
    """The bucket a call was sorted into ("Hot Lead"), and why."""

    label: str
    rationale: str | None = None
    confidence: float | None = None


class SurveyResponse(DomainModel):
    question: str
    answer: str | None = None
    score: float | None = None


class SurveyResult(DomainModel):
    """A post-call survey (the voice-bot platform's EPA results)."""

    state: str | None = None
    completion_reason: str | None = None
    total_questions: int | None = None
    questions_answered: int | None = None
    score: float | None = None
    responses: tuple[SurveyResponse, ...] = ()


class Analysis(DomainModel):
    """The AI's verdict on a call; each platform fills the parts it has."""

    score: float | None = None
    outcome_label: str | None = None
    outcome_rationale: str | None = None
    observations: tuple[str, ...] = ()
    areas_for_improvement: tuple[str, ...] = ()
    extractions: tuple[Extraction, ...] = ()
    sections: tuple[Section, ...] = ()
    answers: tuple[QuestionAnswer, ...] = ()
    classification: Classification | None = None
    survey: SurveyResult | None = None
