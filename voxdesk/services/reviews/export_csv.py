"""The list as filtered, as CSV: one row per call with its AI and human scores, each
criterion's AI answer, human answer and reason, the outcome both ways, and the notes.

The filter and the order are the list's SQL (``catalog.query``). Every cell comes from
columns made for it when calls and reviews were written (``criteria_results``,
``export_cells``): SQLite computes the base cells and ``RowMaker`` places the
criteria's, without reading any call's or review's whole JSON. This module plans the
export (query, header, criteria, count) over its own read-only connections; the rows
are written by ``csv_export_child``, in a child process for the desk (``run_in_child``:
the window's process then never waits for the GIL) or on the caller's thread for the
CLI (``run``). The file is written beside its destination and renamed into place at the
end, so a cancelled or failed export leaves no half file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from voxdesk.services import csv_export_child
from voxdesk.services.catalog.query import CallFilter, CallOrder, Where, order_by, where_sql
from voxdesk.services.catalog.review_marks import CALLS_WITH_MARKS, REVIEW_STATE_SQL
from voxdesk.services.csv_export_child import (
    EXIT_OS_ERROR,
    ExportCancelled,
    ExportPlan,
    Progress,
    open_readonly,
    write_csv,
)

#: (column title, SQL) of the columns every export has, before the criteria's.
BASE_CELLS = (
    ("call_id", "calls.call_id"),
    ("agent", "agent"),
    ("category", "category"),
    ("date", "date"),
    ("duration_s", "round(duration, 1)"),
    ("ai_score", "score"),
    ("human_score", "human_score"),
    ("delta", "score_delta"),
    ("review", REVIEW_STATE_SQL),
    ("reviewer", "rv.rv_reviewer"),
    ("submitted_at", "rv.submitted_at"),
    ("time_spent_s", "CAST(rv.seconds_spent AS INTEGER)"),
    ("ai_outcome", "outcome"),
    ("human_outcome", "coalesce(rv.outcome_label, outcome)"),
    ("outcome_reason", "rv.outcome_reason"),
)
BASE_COLUMNS = tuple(title for title, _ in BASE_CELLS)
_REVIEWS = (
    "LEFT JOIN (SELECT connection AS rv_connection, call_ref AS rv_ref, reviewer AS "
    "rv_reviewer, submitted_at, seconds_spent, outcome_label, outcome_reason, "
    "overrides_json, notes_text FROM r.reviews) AS rv "
    "ON rv.rv_connection = calls.connection AND rv.rv_ref = calls.call_id"
)


def criterion_columns(criteria: Iterable[str]) -> list[str]:
    return [f"{cid} {part}" for cid in criteria for part in ("AI", "human", "reason")]


@dataclass(frozen=True)
class ExportSource:
    """Where the list's calls and the reviews are, and whose calls to export."""

    catalog_path: Path
    reviews_path: Path
    connection: str


def _indexed_search(db: sqlite3.Connection) -> bool:
    found = "SELECT 1 FROM sqlite_master WHERE name = 'calls_search'"
    return db.execute(found).fetchone() is not None


class CsvExport:
    """One export of the list as filtered (``run``/``run_in_child`` on a worker thread)."""

    def __init__(self, source: ExportSource, where: CallFilter, order: CallOrder) -> None:
        self.source, self.where, self.order = source, where, order

    def _clause(self, db: sqlite3.Connection) -> Where:
        return where_sql(self.source.connection, self.where, indexed_search=_indexed_search(db))

    def criteria(self, db: sqlite3.Connection) -> list[str]:
        """Every criterion of the filtered calls' scorecards, in scorecard order (one
        distinct id list per scorecard, so this reads no call's answers)."""
        clause = self._clause(db)
        found: dict[str, None] = {}
        for (keys,) in db.execute(
            f"SELECT DISTINCT criteria_keys FROM {CALLS_WITH_MARKS} "
            f"WHERE {clause.sql} AND criteria_keys IS NOT NULL",
            clause.params,
        ):
            found.update(dict.fromkeys(json.loads(keys)))
        return list(found)

    def query(self, db: sqlite3.Connection) -> tuple[str, list]:
        """The rows' SQL and its parameters: the base cells, then each call's criteria
        ids, AI answers, overrides and notes (placed by ``RowMaker``)."""
        clause = self._clause(db)
        columns = ", ".join(sql for _, sql in BASE_CELLS)
        sql = (
            f"SELECT {columns}, criteria_keys, criteria_results, overrides_json, notes_text "
            f"FROM {CALLS_WITH_MARKS} {_REVIEWS} "
            # Sorted, not walked along the order's index: an index walk looks each
            # call up in the table in date order (a page read per row or two), while a
            # scan reads the table's pages once, in order, and SQLite's sorter puts
            # them in the list's order: twice as fast at 100k.
            f"WHERE {clause.sql} ORDER BY {order_by(self.order, use_index=False)}"
        )
        return sql, list(clause.params)

    def count(self, db: sqlite3.Connection) -> int:
        clause = self._clause(db)
        sql = f"SELECT COUNT(*) FROM {CALLS_WITH_MARKS} WHERE {clause.sql}"
        return db.execute(sql, clause.params).fetchone()[0]

    def plan(self) -> ExportPlan:
        db = open_readonly(self.source.catalog_path, self.source.reviews_path)
        try:
            criteria = self.criteria(db)
            sql, params = self.query(db)
            return ExportPlan(
                catalog_path=str(self.source.catalog_path),
                reviews_path=str(self.source.reviews_path),
                sql=sql,
                params=params,
                header=[*BASE_COLUMNS, *criterion_columns(criteria), "notes"],
                criteria=criteria,
                total=self.count(db),
            )
        finally:
            db.close()

    def run(
        self,
        out: Path,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write the CSV to ``out`` on this thread; the number of calls written."""
        partial = _partial(out)
        try:
            done = write_csv(self.plan(), partial, progress=progress, cancel=cancel)
            os.replace(partial, out)
            return done
        finally:
            partial.unlink(missing_ok=True)

    def run_in_child(
        self,
        out: Path,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write the CSV to ``out`` from a child process (``csv_export_child``); this
        thread only plans, then waits on the child's progress lines. A cancel
        terminates the child. The number of calls written."""
        if getattr(sys, "frozen", False):  # a bundle has no Python to run the child with
            return self.run(out, progress=progress, cancel=cancel)
        plan, partial = self.plan(), _partial(out)
        child = subprocess.Popen(
            # Isolated and without site-packages: the child needs the standard library
            # only, and starts in ~20 ms instead of ~120 ms.
            [sys.executable, "-I", "-S", csv_export_child.__file__, str(partial)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
        try:
            # Sent before a cancel can terminate the child (a plan is a few kB, less
            # than a pipe holds); a child that died at once is reported by its status.
            with contextlib.suppress(BrokenPipeError), child.stdin:
                child.stdin.write(plan.to_json())
            watcher = threading.Thread(target=_terminate_on, args=(child, cancel), daemon=True)
            watcher.start()
            done = 0
            for line in child.stdout:
                done, total = map(int, line.split())
                if progress is not None:
                    progress(done, total)
            error = child.stderr.read()
            status = child.wait()
            if cancel is not None and cancel.is_set():
                raise ExportCancelled
            if status == EXIT_OS_ERROR:
                raise OSError(error.strip())
            if status != 0:
                raise RuntimeError(f"the CSV export's process failed ({status}): {error}")
            os.replace(partial, out)
            return done
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            for pipe in (child.stdout, child.stderr):
                pipe.close()
            partial.unlink(missing_ok=True)


def _partial(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial")


def _terminate_on(child: subprocess.Popen, cancel: threading.Event | None) -> None:
    """Terminate the child once ``cancel`` is set (checked every 0.1 s: a wake-up that
    takes the GIL for microseconds)."""
    while cancel is not None and child.poll() is None:
        if cancel.wait(0.1):
            child.terminate()
            return
