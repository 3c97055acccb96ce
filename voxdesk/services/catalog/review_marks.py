"""Reviews in the call list: the review columns (Review, Human score, Δ) and the facts
the Needs attention view looks at, in the catalog's SQLite so that filtering and
sorting on them stay in SQL.

Reviews live in the review store (``voxdesk.services.reviews``), which may one day be a
shared team store; ``review_marks`` is the catalog's copy of each review's summary,
written after every save and rebuilt from the store when a connection is opened, so a
copy that missed a save (a crash between the two files) is put right on the next start.
The columns are prefixed ``mark_`` so that joining them to ``calls`` leaves every
unqualified column name of the list's SQL meaning what it did.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from voxdesk.domain import Call, CriterionResult
from voxdesk.services.csv_export_child import RESULT_SEPARATOR

REVIEW_MARKS = """
CREATE TABLE review_marks (
    mark_connection TEXT NOT NULL,
    mark_call_id TEXT NOT NULL,
    review_state TEXT NOT NULL,
    human_score REAL,
    score_delta REAL,
    PRIMARY KEY (mark_connection, mark_call_id)
) WITHOUT ROWID
"""
#: ``calls`` joined to its review marks (a left join on the marks' key, which SQLite
#: leaves out of any query that reads none of the marks' columns).
CALLS_WITH_MARKS = (
    "calls LEFT JOIN review_marks "
    "ON mark_connection = calls.connection AND mark_call_id = calls.call_id"
)
#: The review state of a call without a mark.
UNREVIEWED = "unreviewed"
REVIEW_STATE_SQL = f"coalesce(review_state, '{UNREVIEWED}')"
#: The Needs attention facts of each call (schema 3), after the neutral columns, and
#: for exports its criteria's ids (``[id, …]``, the same text for every call of a
#: scorecard) and their AI answers in that order, joined by ``RESULT_SEPARATOR`` (a
#: split is several times cheaper than parsing JSON): an export reads these, never
#: each call's whole JSON.
ATTENTION_COLUMNS = (
    ("auto_failed", "INTEGER"),
    ("uncertain_criteria", "INTEGER"),
    ("criteria_results", "TEXT"),
    ("criteria_keys", "TEXT"),
)


@dataclass(frozen=True, slots=True)
class ReviewMark:
    call_id: str
    state: str
    human_score: float | None
    delta: float | None


def attention_values(call: Call) -> tuple:
    """``ATTENTION_COLUMNS`` for one call: whether the AI failed it on an auto-fail
    criterion, and how many of its answers the engine marked uncertain."""
    criteria = [c for s in (call.analysis.sections if call.analysis else ()) for c in s.criteria]
    auto_failed = any(c.auto_fail and c.result is CriterionResult.NO for c in criteria)
    results = RESULT_SEPARATOR.join(c.result.value for c in criteria) if criteria else None
    keys = json.dumps([c.id for c in criteria]) if criteria else None
    return int(auto_failed), sum(1 for c in criteria if c.uncertain), results, keys


def add_review_columns(db: sqlite3.Connection) -> None:
    """Schema 2 → 3: the attention facts (filled from each cached call's JSON) and the
    review marks."""
    for name, kind in ATTENTION_COLUMNS:
        db.execute(f"ALTER TABLE calls ADD COLUMN {name} {kind}")
    db.execute(REVIEW_MARKS)
    rows = db.execute("SELECT connection, call_id, call_json FROM calls").fetchall()
    db.executemany(
        "UPDATE calls SET auto_failed = ?, uncertain_criteria = ?, criteria_results = ?, "
        "criteria_keys = ? "
        "WHERE connection = ? AND call_id = ?",
        [
            (*attention_values(Call.model_validate_json(call_json)), connection, call_id)
            for connection, call_id, call_json in rows
        ],
    )


def write_marks(
    db: sqlite3.Connection, connection: str, marks: Iterable[ReviewMark], *, replace_all: bool
) -> None:
    with db:
        if replace_all:
            db.execute("DELETE FROM review_marks WHERE mark_connection = ?", (connection,))
        db.executemany(
            "INSERT OR REPLACE INTO review_marks VALUES (?,?,?,?,?)",
            [(connection, m.call_id, m.state, m.human_score, m.delta) for m in marks],
        )
