"""The human score: the AI's scorecard with the reviewer's overrides applied, by the
scorecard's own rules (those of ``voxdesk.server.analysis.scoring``):

- a section earns the points of its Yes criteria out of the points of its applicable
  (Yes or No) criteria; N/A (and the AI's "?") drops out of both, so its weight goes to
  the criteria that remain;
- the call score is earned over applicable points across all sections, as a rounded
  percentage (``None`` when nothing applies);
- a No on an auto-fail criterion makes the call score 0;
- the outcome is the reviewer's where overridden, else the AI's.

The wire gives each section's earned and applicable points but not each criterion's
points, so a section's figures are kept exactly as the AI gave them and only the
overridden criteria move them, each by its weight: its own ``points`` where a platform
gives them, else inferred from the section's figures (``criterion_weights``), else 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.domain.analysis import Analysis, Criterion, CriterionResult, Section
from voxdesk.domain.review import Review, gives_answers

_COUNTED = (CriterionResult.YES, CriterionResult.NO)


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    ai_earned: float
    ai_applicable: float
    earned: float
    applicable: float

    @property
    def ai_percent(self) -> int | None:
        return _percent(self.ai_earned, self.ai_applicable)

    @property
    def percent(self) -> int | None:
        return _percent(self.earned, self.applicable)


@dataclass(frozen=True)
class HumanScore:
    """The reviewed call's score beside the AI's."""

    ai_score: float | None
    score: int | None
    sections: tuple[SectionScore, ...]
    auto_failed: bool
    outcome: str | None
    overridden: int

    @property
    def delta(self) -> float | None:
        """Human − AI, in score points; ``None`` when either is missing."""
        if self.score is None or self.ai_score is None:
            return None
        return self.score - self.ai_score


def _percent(earned: float, applicable: float) -> int | None:
    return round(100 * earned / applicable) if applicable > 0 else None


def criterion_weights(section: Section) -> dict[str, float]:
    """Each criterion's points: see the module's docstring for why they are inferred.

    The section's Yes criteria earned its score and its No criteria missed the rest,
    so a Yes weighs the score shared among the Yes answers and a No the missed points
    shared among the No answers (exact when there is one of a kind); an N/A or "?"
    the applicable points shared among all applicable criteria."""
    yes = [c for c in section.criteria if c.result is CriterionResult.YES]
    no = [c for c in section.criteria if c.result is CriterionResult.NO]
    total, score = section.total_score, section.score
    mean = total / (len(yes) + len(no)) if total and (yes or no) else 1.0
    by_result = {}
    if total and score is not None:
        if yes:
            by_result[CriterionResult.YES] = score / len(yes)
        if no:
            by_result[CriterionResult.NO] = (total - score) / len(no)
    return {
        c.id: c.points if c.points is not None else by_result.get(c.result, mean)
        for c in section.criteria
    }


def _ai_totals(section: Section, weights: dict[str, float]) -> tuple[float, float]:
    """The section's earned and applicable points as the AI gave them (counted from its
    criteria when the platform gives no section score)."""
    if section.score is not None and section.total_score is not None:
        return section.score, section.total_score
    earned = sum(weights[c.id] for c in section.criteria if c.result is CriterionResult.YES)
    applicable = sum(weights[c.id] for c in section.criteria if c.result in _COUNTED)
    return earned, applicable


def human_result(criterion: Criterion, review: Review | None) -> CriterionResult:
    override = review.override_for(criterion.id) if review else None
    return override.result if override else criterion.result


def score_section(section: Section, review: Review | None) -> SectionScore:
    weights = criterion_weights(section)
    ai_earned, ai_applicable = _ai_totals(section, weights)
    earned, applicable = ai_earned, ai_applicable
    for criterion in section.criteria:
        human = human_result(criterion, review)
        if human is criterion.result:
            continue
        weight = weights[criterion.id]
        was_yes, is_yes = criterion.result is CriterionResult.YES, human is CriterionResult.YES
        earned += weight * (is_yes - was_yes)
        applicable += weight * ((human in _COUNTED) - (criterion.result in _COUNTED))
    return SectionScore(section.id, ai_earned, ai_applicable, earned, applicable)


def human_score(analysis: Analysis | None, review: Review | None) -> HumanScore:
    """The call's human score; with no review (or no overrides) it is the AI's."""
    human_outcome = review.outcome.label if review and review.outcome else None
    if analysis is None:
        return HumanScore(None, None, (), False, human_outcome, int(human_outcome is not None))
    sections = tuple(score_section(s, review) for s in analysis.sections)
    criteria = [c for s in analysis.sections for c in s.criteria]
    auto_failed = any(
        c.auto_fail and human_result(c, review) is CriterionResult.NO for c in criteria
    )
    changed = sum(1 for c in criteria if human_result(c, review) is not c.result)
    overridden = changed + (review is not None and review.outcome is not None)
    if sections and (changed or analysis.score is None) and not gives_answers(analysis):
        score = _percent(sum(s.earned for s in sections), sum(s.applicable for s in sections))
        if auto_failed:
            score = 0
    else:
        # Nothing changed (the AI's score stands as the platform computed it) or no
        # scorecard (Vozzo's answers are not points, a survey): nothing a review
        # could recompute.
        score = None if analysis.score is None else round(analysis.score)
    outcome = human_outcome or analysis.outcome_label
    return HumanScore(analysis.score, score, sections, auto_failed, outcome, overridden)
