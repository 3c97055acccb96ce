"""The list as filtered, as CSV: one row per call with its AI and human scores, each
criterion's AI answer, human answer and reason, the outcome both ways, and the notes.

The filter and the order are the list's SQL (``catalog.query``). Every cell comes from
what was made for it when calls and reviews were written, never from a call's or a
review's whole JSON: the call's columns through the catalog's ``calls_export`` index
(``catalog.export_index``), the review's cells stored as CSV text (``export_cells``).
SQLite writes most of each line as CSV text and ``csv_export_child.LineMaker`` adds
the two numbers and the criteria's cells, so no row of values is made and no
``csv.writer`` walks one (the same bytes: ``tests/services/reviews/export_golden``).
This module plans the export (query, header, criteria, count) over its own read-only
connections; the lines are written by ``csv_export_child``, in a child process for the
desk (``run_in_child``: the window's process then never waits for the GIL) or on the
caller's thread for the CLI (``run``). The file is written beside its destination and
renamed into place at the end, so a cancelled or failed export leaves no half file.
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
from voxdesk.services.catalog.export_index import EXPORT_INDEX_NAME
from voxdesk.services.catalog.query import (
    CallFilter,
    CallOrder,
    SortKey,
    Where,
    order_by,
    where_sql,
)
from voxdesk.services.catalog.review_marks import CALLS_WITH_MARKS, UNREVIEWED
from voxdesk.services.csv_export_child import (
    EXIT_OS_ERROR,
    ExportCancelled,
    ExportPlan,
    Progress,
    open_readonly,
    write_csv,
)
from voxdesk.services.reviews.export_cells import EXPORT_COLUMNS, csv_cells

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


def csv_cell(sql: str) -> str:
    """SQL for the text ``sql`` as ``csv.writer`` writes it: nothing for NULL, in double
    quotes (doubled inside) where it holds a comma, a double quote or a line break."""
    # The line breaks as literals, not char(10): a function call less per test. NULL
    # fails every test (instr gives NULL) and is written as nothing.
    special = " OR ".join(f"instr({sql}, '{c}')" for c in ',"\n\r')
    return (
        f"CASE WHEN {special} THEN '\"' || replace({sql}, '\"', '\"\"') || '\"' "
        f"ELSE coalesce({sql}, '') END"
    )


#: A review's six cells (human score … time spent) where the call has none.
_NO_REVIEW = f",,{UNREVIEWED},,,"
#: The columns ``LineMaker.lines`` reads, the base cells already as CSV text but for the
#: two numbers ``repr`` writes (SQLite writes floats its own way): the call's cells
#: (``csv_cell``, from the ``calls_export`` index) and the review's (stored as CSV,
#: ``export_cells``), then the criteria's ids (NULL where they are the header's, the
#: parameter), the AI answers, the overrides and the notes.
LINE_CELLS = (
    " || ',' || ".join(csv_cell(c) for c in ("calls.call_id", "agent", "category", "date"))
    + " || ',', round(duration, 1), score, "
    f"coalesce(rv.review_cells, '{_NO_REVIEW}') || ',' || {csv_cell('outcome')} || ',' || "
    f"coalesce(rv.outcome_cell, {csv_cell('outcome')}) || ',' || "
    "coalesce(rv.reason_cell, '') || ',', "
    "nullif(criteria_keys, ?), criteria_results, rv.override_cells, coalesce(rv.notes_cell, '')"
)
#: The ``review_marks`` columns a filter can name.
_MARK_COLUMNS = ("review_state", "human_score", "score_delta")
# Aliased so that the list's filters (unqualified column names) mean what they do there.
_REVIEWS = (
    f"LEFT JOIN (SELECT connection AS rv_connection, call_ref AS rv_ref, {EXPORT_COLUMNS} "
    "FROM r.reviews) AS rv ON rv.rv_connection = calls.connection AND rv.rv_ref = calls.call_id"
)


def criterion_columns(criteria: Iterable[str]) -> list[str]:
    return [f"{cid} {part}" for cid in criteria for part in ("AI", "human", "reason")]


@dataclass(frozen=True)
class ExportSource:
    """Where the list's calls and the reviews are, and whose calls to export."""

    catalog_path: Path
    reviews_path: Path
    connection: str


def _exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _indexed_search(db: sqlite3.Connection) -> bool:
    return _exists(db, "calls_search")


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

    def query(self, db: sqlite3.Connection, criteria: list[str]) -> tuple[str, list]:
        """The lines' SQL (``LINE_CELLS``) and its parameters."""
        clause = self._clause(db)
        # Newest first (the list's default) walks ``calls_export``, which is in that
        # order and holds every column of the call that a line needs. Any other order
        # scans it and sorts: walking another order's index would look each call up in
        # the table (its wide rows, a page or two each) in that order. So does newest
        # first while a first sync has not made ``calls_export`` yet.
        walk = (
            self.order.key is SortKey.DATE
            and self.order.descending
            and _exists(db, EXPORT_INDEX_NAME)
        )
        sql = (
            f"SELECT {LINE_CELLS} FROM {CALLS_WITH_MARKS} {_REVIEWS} "
            f"WHERE {clause.sql} ORDER BY {order_by(self.order, use_index=walk)}"
        )
        return sql, [json.dumps(criteria), *clause.params]

    def count(self, db: sqlite3.Connection) -> int:
        clause = self._clause(db)
        # SQLite keeps the marks' join in a COUNT even where nothing reads them (27 ms
        # at 100k calls, 3 ms without): joined only for a filter on a review column.
        marks = any(column in clause.sql for column in _MARK_COLUMNS)
        sql = f"SELECT COUNT(*) FROM {CALLS_WITH_MARKS if marks else 'calls'} WHERE {clause.sql}"
        return db.execute(sql, clause.params).fetchone()[0]

    def plan(self) -> ExportPlan:
        db = open_readonly(self.source.catalog_path, self.source.reviews_path)
        try:
            criteria = self.criteria(db)
            sql, params = self.query(db, criteria)
            return ExportPlan(
                catalog_path=str(self.source.catalog_path),
                reviews_path=str(self.source.reviews_path),
                sql=sql,
                params=params,
                header=csv_cells(*BASE_COLUMNS, *criterion_columns(criteria), "notes") + "\r\n",
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
        partial = _partial(out)
        # Started before planning: the child's start (~20 ms) overlaps the plan's queries.
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
            plan = self.plan()
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
