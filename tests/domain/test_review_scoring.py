"""The human score: overrides applied with the scorecard's rules (points, N/A dropping
out with its weight redistributed, auto-fail, the overridden outcome)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from voxdesk.domain import Analysis, Criterion, CriterionResult, QuestionAnswer, Section
from voxdesk.domain.review import (
    CriterionOverride,
    OutcomeOverride,
    OverrideReason,
    Review,
    ReviewNote,
    ReviewState,
    gives_answers,
    human_choices,
)
from voxdesk.domain.review_scoring import criterion_weights, human_result, human_score

Y, N, NA = CriterionResult.YES, CriterionResult.NO, CriterionResult.NOT_APPLICABLE
WRONG = OverrideReason.INCORRECT_RESULT


def _criterion(cid: str, result: CriterionResult, **extra: object) -> Criterion:
    return Criterion(id=cid, question=f"{cid}?", result=result, **extra)


def _analysis() -> Analysis:
    """Two sections of criteria worth 5 points, one Yes and one No each (compliance has
    an N/A and an auto-fail too) — as the local server scores them: 10 of 20 → 50."""
    return Analysis(
        score=50,
        outcome_label="Resolved",
        sections=(
            Section(
                id="greeting",
                name="Greeting",
                score=5,
                total_score=10,
                criteria=(_criterion("hello", Y), _criterion("name", N)),
            ),
            Section(
                id="compliance",
                name="Compliance",
                score=5,
                total_score=10,
                criteria=(
                    _criterion("recorded", Y, auto_fail=True),
                    _criterion("consent", N),
                    _criterion("refund", NA),
                ),
            ),
        ),
    )


def _review(*overrides: tuple[str, CriterionResult]) -> Review:
    review = Review(connection="c", call_ref="call-1")
    for cid, result in overrides:
        review = review.with_override(
            CriterionOverride(criterion_id=cid, result=result, reason=WRONG)
        )
    return review


def test_without_overrides_the_human_score_is_the_ai_score() -> None:
    score = human_score(_analysis(), _review())
    assert (score.ai_score, score.score, score.delta, score.overridden) == (50, 50, 0, 0)
    assert [s.percent for s in score.sections] == [50, 50]


def test_a_no_turned_yes_earns_the_criterion_points() -> None:
    score = human_score(_analysis(), _review(("name", Y)))
    assert score.sections[0].earned == 10 and score.sections[0].applicable == 10
    assert score.score == 75  # 15 of 20
    assert score.delta == 25


def test_weights_are_the_section_mean_of_applicable_criteria() -> None:
    analysis = _analysis()
    assert criterion_weights(analysis.sections[0]) == {"hello": 5, "name": 5}
    # 10 applicable points over two applicable criteria; the N/A one gets the mean too.
    assert criterion_weights(analysis.sections[1]) == {"recorded": 5, "consent": 5, "refund": 5}


def test_a_no_turned_yes_never_earns_more_than_the_section_missed() -> None:
    # 25 of 30: the one No missed 5 points, whatever the two Yes answers are worth.
    section = Section(
        id="conduct",
        name="Conduct",
        score=25,
        total_score=30,
        criteria=(
            _criterion("a", Y),
            _criterion("silence", N),
            _criterion("b", Y),
        ),
    )
    assert criterion_weights(section) == {"a": 12.5, "silence": 5, "b": 12.5}
    score = human_score(Analysis(score=83, sections=(section,)), _review(("silence", Y)))
    assert (score.sections[0].earned, score.sections[0].applicable) == (30, 30)
    assert score.score == 100


def test_explicit_points_win_over_the_inferred_mean() -> None:
    section = Section(
        id="s",
        name="S",
        criteria=(_criterion("a", Y, points=3), _criterion("b", N, points=1)),
    )
    assert criterion_weights(section) == {"a": 3, "b": 1}
    review = _review(("a", N), ("b", Y))
    score = human_score(Analysis(score=75, sections=(section,)), review)
    assert score.score == 25


def test_na_drops_out_and_its_weight_goes_to_the_rest() -> None:
    # Marking the failed consent criterion N/A: 10 of 15 applicable points remain.
    score = human_score(_analysis(), _review(("consent", NA)))
    assert score.sections[1].applicable == 5 and score.sections[1].percent == 100
    assert score.score == 67


def test_an_na_made_applicable_counts_with_the_section_mean() -> None:
    score = human_score(_analysis(), _review(("refund", Y)))
    assert score.sections[1].earned == 10 and score.sections[1].applicable == 15
    assert score.score == 60


def test_everything_na_leaves_no_score() -> None:
    score = human_score(
        _analysis(), _review(("hello", NA), ("name", NA), ("recorded", NA), ("consent", NA))
    )
    assert score.score is None and score.delta is None


def test_a_human_no_on_an_auto_fail_criterion_sets_the_call_to_zero() -> None:
    score = human_score(_analysis(), _review(("recorded", N), ("name", Y)))
    assert score.auto_failed
    assert score.score == 0 and score.delta == -50
    # The sections still show what they earned: auto-fail is the call's rule.
    assert score.sections[0].percent == 100


def test_overriding_the_auto_fail_away_restores_the_points() -> None:
    analysis = _analysis()
    failed = analysis.model_copy(
        update={
            "score": 0,
            "sections": (
                analysis.sections[0],
                analysis.sections[1].model_copy(
                    update={
                        "score": 0,
                        "criteria": (
                            _criterion("recorded", N, auto_fail=True),
                            _criterion("consent", N),
                            _criterion("refund", NA),
                        ),
                    }
                ),
            ),
        }
    )
    assert human_score(failed, _review()).score == 0
    score = human_score(failed, _review(("recorded", Y)))
    assert not score.auto_failed
    assert score.score == 50


def test_the_overridden_outcome_replaces_the_ai_outcome() -> None:
    review = _review().with_outcome(OutcomeOverride(label="Escalated", reason=WRONG))
    score = human_score(_analysis(), review)
    assert score.outcome == "Escalated" and score.overridden == 1
    assert human_score(_analysis(), _review()).outcome == "Resolved"


def test_unknown_ai_answers_count_only_once_a_human_answers() -> None:
    section = Section(
        id="s",
        name="S",
        criteria=(_criterion("a", Y), _criterion("b", CriterionResult.UNKNOWN)),
    )
    analysis = Analysis(score=None, sections=(section,))
    assert human_score(analysis, _review()).score == 100
    assert human_score(analysis, _review(("b", N))).score == 50


def test_a_call_without_a_scorecard_keeps_its_score_and_takes_an_outcome() -> None:
    review = _review().with_outcome(OutcomeOverride(label="Cold", reason=WRONG))
    assert human_score(Analysis(score=None), review).score is None
    assert human_score(None, review).outcome == "Cold"


def test_other_needs_a_comment_and_a_human_answer_is_yes_no_na_or_not_clear() -> None:
    with pytest.raises(ValidationError, match="comment is required"):
        CriterionOverride(criterion_id="a", result=Y, reason=OverrideReason.OTHER, comment=" ")
    CriterionOverride(criterion_id="a", result=Y, reason=OverrideReason.OTHER, comment="ok")
    with pytest.raises(ValidationError, match="Yes, No, N/A or Not clear"):
        CriterionOverride(criterion_id="a", result=CriterionResult.UNKNOWN, reason=WRONG)


def _vozzo_answers() -> Analysis:
    """A use case's two questions answered (Vozzo): answers, an unscored section."""
    answers = (
        QuestionAnswer(question="Interested?", answer="Yes"),
        QuestionAnswer(question="Introduced?", answer="Not clear"),
    )
    section = Section(
        id="questions",
        name="Use-case questions",
        criteria=(_criterion("q1", Y), _criterion("q2", CriterionResult.NOT_CLEAR)),
    )
    return Analysis(score=None, answers=answers, sections=(section,))


def test_vozzo_answers_are_overridden_yes_no_or_not_clear_and_make_no_score() -> None:
    analysis = _vozzo_answers()
    assert gives_answers(analysis) and not gives_answers(_analysis())
    assert human_choices(analysis) == (Y, N, CriterionResult.NOT_CLEAR)
    assert human_choices(_analysis()) == (Y, N, NA)
    review = _review(("q1", CriterionResult.NOT_CLEAR), ("q2", N))
    score = human_score(analysis, review)
    # Answers are not points: no human score (nor Δ) is made up from them.
    assert score.score is None and score.delta is None
    assert score.overridden == 2
    assert [human_result(c, review) for c in analysis.sections[0].criteria] == [
        CriterionResult.NOT_CLEAR,
        N,
    ]


def test_review_changes_state_and_notes_stay_in_time_order() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    review = Review(connection="c", call_ref="x")
    assert review.state is ReviewState.UNREVIEWED
    review = review.with_note(ReviewNote(id="b", start=30, text="late", created_at=now))
    review = review.with_note(ReviewNote(id="a", start=4, text="early", created_at=now))
    assert review.state is ReviewState.DRAFT
    assert [n.id for n in review.notes] == ["a", "b"]
    done = review.with_time_spent(12).with_time_spent(3).submitted("Ana", now)
    assert (done.state, done.reviewer, done.seconds_spent) == (ReviewState.REVIEWED, "Ana", 15)
    reopened = done.reopened()
    assert reopened.state is ReviewState.DRAFT and reopened.submitted_at is None
    with pytest.raises(ValidationError, match="ends before"):
        ReviewNote(id="n", start=5, end=2, text="x", created_at=now)
