"""A reviewer's verdict on one call: overrides of the AI's answers (each with a reason),
notes at moments of the call, and whether the review is a draft or submitted.

The AI's analysis is never edited: a review only records where the human disagrees, so
the AI's answer stays visible beside the human one and the human score is recomputed
from both (``review_scoring``). Every change returns a new ``Review`` (domain models are
frozen), which the review service saves.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from voxdesk.domain.analysis import Analysis, CriterionResult
from voxdesk.domain.models import DomainModel

#: The answers a reviewer can give a scorecard criterion (``?`` is the AI's "cannot
#: tell", never a human verdict).
HUMAN_RESULTS = (CriterionResult.YES, CriterionResult.NO, CriterionResult.NOT_APPLICABLE)
#: The answers a reviewer can give one of a use case's questions (Vozzo): the
#: platform's own three, "Not clear" a verdict that the call does not tell.
ANSWER_RESULTS = (CriterionResult.YES, CriterionResult.NO, CriterionResult.NOT_CLEAR)


def gives_answers(analysis: Analysis | None) -> bool:
    """Whether the platform answered questions instead of scoring sections (Vozzo): its
    answers are shown, overridden and exported as the criteria of an unscored section."""
    return (
        analysis is not None
        and bool(analysis.answers)
        and all(s.score is None and s.total_score is None for s in analysis.sections)
    )


def human_choices(analysis: Analysis | None) -> tuple[CriterionResult, ...]:
    """What a reviewer may answer instead of the AI on this call's criteria."""
    return ANSWER_RESULTS if gives_answers(analysis) else HUMAN_RESULTS


class ReviewState(StrEnum):
    UNREVIEWED = "unreviewed"
    DRAFT = "draft"
    REVIEWED = "reviewed"


class OverrideReason(StrEnum):
    INCORRECT_RESULT = "Incorrect result"
    WRONG_EVIDENCE = "Wrong evidence"
    MISSING_EVIDENCE = "Missing evidence"
    OTHER = "Other"


class _Disagreement(DomainModel):
    """Why the reviewer disagrees: a reason, and a comment that "Other" must have
    (it says nothing by itself)."""

    reason: OverrideReason
    comment: str = ""

    @model_validator(mode="after")
    def _other_needs_a_comment(self) -> _Disagreement:
        if self.reason is OverrideReason.OTHER and not self.comment.strip():
            raise ValueError('a comment is required when the reason is "Other"')
        return self


class CriterionOverride(_Disagreement):
    """The human answer to a scorecard criterion (Voxxi: Yes, No or N/A) or to one of a
    use case's questions (Vozzo: Yes, No or Not clear; each answer is a criterion, by
    its id) where it differs from the AI's."""

    criterion_id: str = Field(min_length=1)
    result: CriterionResult

    @model_validator(mode="after")
    def _human_result(self) -> CriterionOverride:
        if self.result not in (*HUMAN_RESULTS, *ANSWER_RESULTS):
            raise ValueError("a reviewer answers Yes, No, N/A or Not clear")
        return self


class OutcomeOverride(_Disagreement):
    label: str = Field(min_length=1)


class ReviewNote(DomainModel):
    """A note at a moment of the call (``start``; ``end`` when it covers a transcript
    span), optionally about one criterion."""

    id: str = Field(min_length=1)
    start: float = Field(ge=0)
    end: float | None = None
    text: str = Field(min_length=1)
    criterion_id: str | None = None
    created_at: datetime

    @model_validator(mode="after")
    def _span_in_order(self) -> ReviewNote:
        if self.end is not None and self.end < self.start:
            raise ValueError("a note's span ends before it starts")
        return self


class Review(DomainModel):
    """One reviewer's work on one call, keyed by the connection's stable id and the
    call's reference on that platform."""

    connection: str
    call_ref: str
    state: ReviewState = ReviewState.UNREVIEWED
    overrides: tuple[CriterionOverride, ...] = ()
    outcome: OutcomeOverride | None = None
    notes: tuple[ReviewNote, ...] = ()
    reviewer: str | None = None
    submitted_at: datetime | None = None
    #: Time the call was open in the desk, summed over every visit (seconds).
    seconds_spent: float = 0.0
    updated_at: datetime | None = None

    def override_for(self, criterion_id: str) -> CriterionOverride | None:
        return next((o for o in self.overrides if o.criterion_id == criterion_id), None)

    # --- changes (each returns the changed review) -------------------------------------

    def with_override(self, override: CriterionOverride) -> Review:
        kept = tuple(o for o in self.overrides if o.criterion_id != override.criterion_id)
        return self._edited(overrides=(*kept, override))

    def without_override(self, criterion_id: str) -> Review:
        return self._edited(
            overrides=tuple(o for o in self.overrides if o.criterion_id != criterion_id)
        )

    def with_outcome(self, outcome: OutcomeOverride | None) -> Review:
        return self._edited(outcome=outcome)

    def with_note(self, note: ReviewNote) -> Review:
        kept = tuple(n for n in self.notes if n.id != note.id)
        return self._edited(notes=tuple(sorted((*kept, note), key=lambda n: (n.start, n.id))))

    def without_note(self, note_id: str) -> Review:
        return self._edited(notes=tuple(n for n in self.notes if n.id != note_id))

    def with_time_spent(self, seconds: float) -> Review:
        """Add time spent on the call (not an edit: a submitted review stays submitted)."""
        return self.model_copy(update={"seconds_spent": self.seconds_spent + max(0.0, seconds)})

    def submitted(self, reviewer: str, at: datetime) -> Review:
        return self.model_copy(
            update={
                "state": ReviewState.REVIEWED,
                "reviewer": reviewer,
                "submitted_at": at,
                "updated_at": at,
            }
        )

    def reopened(self) -> Review:
        return self.model_copy(update={"state": ReviewState.DRAFT, "submitted_at": None})

    def _edited(self, **changes: object) -> Review:
        """A submitted review is only edited after ``reopened`` (the desk locks it); an
        unreviewed one becomes a draft with its first change."""
        state = ReviewState.DRAFT if self.state is ReviewState.UNREVIEWED else self.state
        return self.model_copy(update={**changes, "state": state})
