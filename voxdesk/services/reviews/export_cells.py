"""A review's CSV cells, made when it is saved: the submit time, the time spent, the
outcome override, each override as ``{criterion id: [human answer, reason]}`` and the
notes as text. Stored beside the review (``sqlite_store``) so an export reads them in
SQL (``export_csv``)."""

from __future__ import annotations

import json

from voxdesk.domain.review import Review
from voxdesk.domain.timeline import stamp

EXPORT_COLUMNS = (
    "submitted_at, seconds_spent, outcome_label, outcome_reason, overrides_json, notes_text"
)


def reason_text(reason: str, comment: str) -> str:
    return f"{reason}: {comment}" if comment else reason


def notes_text(review: Review) -> str:
    return "\n".join(
        f"{stamp(n.start)} {n.text}" + (f" ({n.criterion_id})" if n.criterion_id else "")
        for n in review.notes
    )


def export_cells(review: Review) -> tuple:
    """The values of ``EXPORT_COLUMNS`` for one review."""
    outcome = review.outcome
    overrides = {
        o.criterion_id: [o.result.value, reason_text(o.reason.value, o.comment)]
        for o in review.overrides
    }
    return (
        review.submitted_at.isoformat() if review.submitted_at else None,
        round(review.seconds_spent),
        outcome.label if outcome else None,
        reason_text(outcome.reason.value, outcome.comment) if outcome else None,
        json.dumps(overrides) if overrides else None,
        notes_text(review) or None,
    )
