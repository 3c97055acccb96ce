"""A review's CSV cells, made when it is saved and stored beside it (``sqlite_store``),
already written the way ``csv.writer`` writes them (quoted where needed, numbers as
``repr``), so that an export of 100,000 reviews copies text instead of formatting it
(``export_csv``):

* ``review_cells``: human score, Δ, review state, reviewer, submitted at, seconds spent
  (six cells, joined by commas);
* ``outcome_cell`` and ``reason_cell``: the outcome override and its reason, if any;
* ``override_cells``: each criterion override as its id and its two cells (human
  answer, reason), in the form ``OVERRIDE_SEPARATOR`` describes;
* ``notes_cell``: the notes with their times.
"""

from __future__ import annotations

import csv
import io
import json

from voxdesk.domain.review import Review
from voxdesk.domain.timeline import stamp
from voxdesk.services.csv_export_child import OVERRIDE_SEPARATOR, OVERRIDE_SPLIT
from voxdesk.services.reviews.store import ReviewSummary

EXPORT_COLUMNS = "review_cells, outcome_cell, reason_cell, override_cells, notes_cell"


def reason_text(reason: str, comment: str) -> str:
    return f"{reason}: {comment}" if comment else reason


def notes_text(review: Review) -> str:
    return "\n".join(
        f"{stamp(n.start)} {n.text}" + (f" ({n.criterion_id})" if n.criterion_id else "")
        for n in review.notes
    )


def csv_cells(*values: object) -> str:
    """``values`` as ``csv.writer`` writes them within a row (a row of one empty cell
    alone is written ``""``: the empty cell added here keeps that out)."""
    line = io.StringIO()
    csv.writer(line).writerow((*values, ""))
    return line.getvalue().removesuffix(",\r\n")


def _number(value: float | None) -> float | None:
    # The list's columns are REAL: an int score was exported as a float (100.0).
    return None if value is None else float(value)


def override_cells(review: Review) -> str | None:
    """``{id: "human,reason"}`` in the separator form, or as JSON where an id or a
    reason holds a separator (the child reads either)."""
    cells = {
        o.criterion_id: csv_cells(o.result.value, reason_text(o.reason.value, o.comment))
        for o in review.overrides
    }
    if not cells:
        return None
    separators = (OVERRIDE_SEPARATOR, OVERRIDE_SPLIT)
    if any(s in text for s in separators for pair in cells.items() for text in pair):
        return json.dumps(cells)
    return "".join(f"{OVERRIDE_SEPARATOR}{cid}{OVERRIDE_SPLIT}{two}" for cid, two in cells.items())


def export_cells(review: Review, summary: ReviewSummary) -> tuple:
    """The values of ``EXPORT_COLUMNS`` for one review and its summary."""
    outcome = review.outcome
    notes = notes_text(review)
    return (
        csv_cells(
            _number(summary.human_score),
            _number(summary.delta),
            summary.state.value,
            summary.reviewer,
            review.submitted_at.isoformat() if review.submitted_at else None,
            round(review.seconds_spent),
        ),
        csv_cells(outcome.label) if outcome else None,
        csv_cells(reason_text(outcome.reason.value, outcome.comment)) if outcome else None,
        override_cells(review),
        csv_cells(notes) if notes else None,
    )
