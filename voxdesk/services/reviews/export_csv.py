"""The list as filtered, as CSV: one row per call with its AI and human scores, each
criterion's AI answer, human answer and reason, the outcome both ways, and the notes.

It runs on a worker thread over its own read-only connections (the catalog, with the
review store attached), so the window and the catalog's own thread go on serving the
list meanwhile; the filter and the order are the list's SQL (``catalog.query``). Rows
are read and written a batch at a time, with progress after each batch and a cancel
checked there; the file is written beside its destination and renamed into place at
the end, so a cancelled or failed export leaves no half file.

Reviews are read as plain JSON, not through the domain models: at 100,000 calls the
models' validation alone cost more than writing the whole file.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from voxdesk.domain.timeline import stamp
from voxdesk.services.catalog.query import CallFilter, CallOrder, Where, order_by, where_sql
from voxdesk.services.catalog.review_marks import CALLS_WITH_MARKS, REVIEW_STATE_SQL

#: ``progress(done, total)``, from the worker thread.
Progress = Callable[[int, int], None]
BATCH = 2000
BASE_COLUMNS = (
    "call_id",
    "agent",
    "category",
    "date",
    "duration_s",
    "ai_score",
    "human_score",
    "delta",
    "review",
    "reviewer",
    "submitted_at",
    "time_spent_s",
    "ai_outcome",
    "human_outcome",
    "outcome_reason",
)
_SELECT = (
    "calls.call_id, agent, category, date, duration, score, human_score, score_delta, "
    f"{REVIEW_STATE_SQL}, outcome, criteria_results, rv.review_json"
)
_REVIEWS = (
    "LEFT JOIN (SELECT connection AS rv_connection, call_ref AS rv_ref, review_json "
    "FROM r.reviews) AS rv ON rv.rv_connection = calls.connection "
    "AND rv.rv_ref = calls.call_id"
)


class ExportCancelled(Exception):
    """The reviewer cancelled; nothing was written."""


@dataclass(frozen=True)
class ExportSource:
    """Where the list's calls and the reviews are, and whose calls to export."""

    catalog_path: Path
    reviews_path: Path
    connection: str


def open_readonly(source: ExportSource) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{source.catalog_path}?mode=ro", uri=True)
    if source.reviews_path.exists():
        db.execute("ATTACH ? AS r", (f"file:{source.reviews_path}?mode=ro",))
    else:  # no review yet: an empty store
        db.execute("ATTACH ':memory:' AS r")
        db.execute("CREATE TABLE r.reviews (connection, call_ref, review_json)")
    return db


def _indexed_search(db: sqlite3.Connection) -> bool:
    found = "SELECT 1 FROM sqlite_master WHERE name = 'calls_search'"
    return db.execute(found).fetchone() is not None


def _reason(change: dict | None) -> str:
    if not change:
        return ""
    comment = change.get("comment") or ""
    return f"{change['reason']}: {comment}" if comment else change["reason"]


def _notes(review: dict) -> str:
    lines = []
    for note in review.get("notes", ()):
        about = f" ({note['criterion_id']})" if note.get("criterion_id") else ""
        lines.append(f"{stamp(note['start'])} {note['text']}{about}")
    return "\n".join(lines)


def criterion_columns(criteria: Iterable[str]) -> list[str]:
    return [f"{cid} {part}" for cid in criteria for part in ("AI", "human", "reason")]


def csv_row(row: tuple, criteria: list[str]) -> list:
    """One call's CSV row from the export query's columns (``_SELECT``)."""
    call_id, agent, category, date, duration, score, human, delta, state, outcome = row[:10]
    results = dict(json.loads(row[10])) if row[10] else {}
    review = json.loads(row[11]) if row[11] else {}
    overrides = {o["criterion_id"]: o for o in review.get("overrides", ())}
    outcome_change = review.get("outcome")
    values = [
        call_id,
        agent or "",
        category or "",
        date or "",
        "" if duration is None else round(duration, 1),
        "" if score is None else score,
        "" if human is None else human,
        "" if delta is None else delta,
        state,
        review.get("reviewer") or "",
        review.get("submitted_at") or "",
        round(review.get("seconds_spent", 0.0)),
        outcome or "",
        outcome_change["label"] if outcome_change else outcome or "",
        _reason(outcome_change),
    ]
    for cid in criteria:
        ai = results.get(cid, "")
        change = overrides.get(cid)
        values += [ai, change["result"] if change else ai, _reason(change)]
    values.append(_notes(review))
    return values


class CsvExport:
    """One export of the list as filtered (``run`` on a worker thread)."""

    def __init__(self, source: ExportSource, where: CallFilter, order: CallOrder) -> None:
        self.source, self.where, self.order = source, where, order

    def _clause(self, db: sqlite3.Connection) -> Where:
        return where_sql(self.source.connection, self.where, indexed_search=_indexed_search(db))

    def criteria(self, db: sqlite3.Connection) -> list[str]:
        """Every criterion the filtered calls have, in scorecard order."""
        clause = self._clause(db)
        rows = db.execute(
            "SELECT json_extract(j.value, '$[0]') AS id, MIN(j.key) AS position "
            f"FROM {CALLS_WITH_MARKS}, json_each(calls.criteria_results) AS j "
            f"WHERE {clause.sql} GROUP BY id ORDER BY position, id",
            clause.params,
        ).fetchall()
        return [r[0] for r in rows]

    def rows(self, db: sqlite3.Connection) -> Iterator[list[tuple]]:
        clause = self._clause(db)
        cursor = db.execute(
            f"SELECT {_SELECT} FROM {CALLS_WITH_MARKS} {_REVIEWS} "
            f"WHERE {clause.sql} ORDER BY {order_by(self.order)}",
            clause.params,
        )
        while batch := cursor.fetchmany(BATCH):
            yield batch

    def count(self, db: sqlite3.Connection) -> int:
        clause = self._clause(db)
        sql = f"SELECT COUNT(*) FROM {CALLS_WITH_MARKS} WHERE {clause.sql}"
        return db.execute(sql, clause.params).fetchone()[0]

    def run(
        self,
        out: Path,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write the CSV to ``out``; the number of calls written."""
        db = open_readonly(self.source)
        partial = out.with_name(f".{out.name}.partial")
        try:
            total = self.count(db)
            criteria = self.criteria(db)
            done = 0
            with open(partial, "w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                writer.writerow([*BASE_COLUMNS, *criterion_columns(criteria), "notes"])
                for batch in self.rows(db):
                    if cancel is not None and cancel.is_set():
                        raise ExportCancelled
                    writer.writerows([csv_row(row, criteria) for row in batch])
                    done += len(batch)
                    if progress is not None:
                        progress(done, total)
            os.replace(partial, out)
            return done
        finally:
            db.close()
            partial.unlink(missing_ok=True)
