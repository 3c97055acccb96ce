"""The CSV export's writing half, run in a child process (this file as a script, with
``python -I -S``) so that the window's process spends
no time holding the GIL while 100,000 rows are made and written: a worker thread that
makes rows takes the GIL from the window's thread for milliseconds at a time, and the
window stutters (59 ms gaps between 10 ms timer ticks measured in the same process).

The parent (``voxdesk.services.reviews.export_csv``) starts the child, works out the
query, the header and the criteria meanwhile and sends them as one JSON ``ExportPlan``
on stdin; the child opens the
SQLite files read-only itself, writes the lines to the partial file and prints
``done total`` after each batch on stdout. It imports nothing but the standard library,
and of that only what it uses (no ``csv``, ``dataclasses``, ``pathlib``: each costs
milliseconds to import), so it runs without site-packages and starts in ~20 ms.
The parent renames the partial file into place once the child has exited cleanly, and
terminates it and removes the partial file on cancel.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable

#: ``progress(done, total)``, from the writing thread or process.
Progress = Callable[[int, int], None]
#: The AI answers of a call's criteria, in ``criteria_keys`` order, are joined by this
#: (a split is several times cheaper than parsing JSON).
RESULT_SEPARATOR = "\x1f"
#: A review's overrides as stored for exports (``export_cells.override_cells``): each
#: one is ``OVERRIDE_SEPARATOR`` + criterion id + ``OVERRIDE_SPLIT`` + its two cells;
#: where an id or a reason holds either character, a JSON object instead.
OVERRIDE_SEPARATOR, OVERRIDE_SPLIT = "\x1e", "\x1f"
#: Rows per step: progress is reported (and a cancel checked) after each.
BATCH = 2000
#: Exit status of a child that could not read or write a file (its message on stderr).
EXIT_OS_ERROR = 3
_EMPTY_REVIEWS = (
    "CREATE TABLE r.reviews (connection, call_ref, review_cells, outcome_cell, reason_cell, "
    "override_cells, notes_cell)"
)


class ExportCancelled(Exception):
    """The reviewer cancelled; nothing was written."""


class ExportPlan:
    """What to write: the query (its columns ``LineMaker.lines`` reads), its parameters,
    the header line (CSV text), the criteria's ids in column order, how many rows. (A
    plain class: ``dataclasses`` would cost the child ~10 ms of imports.)"""

    def __init__(
        self,
        *,
        catalog_path: str,
        reviews_path: str,
        sql: str,
        params: list,
        header: str,
        criteria: list[str],
        total: int,
    ) -> None:
        self.catalog_path, self.reviews_path = catalog_path, reviews_path
        self.sql, self.params = sql, params
        self.header, self.criteria, self.total = header, criteria, total

    def to_json(self) -> str:
        return json.dumps(vars(self))

    @classmethod
    def from_json(cls, text: str) -> ExportPlan:
        return cls(**json.loads(text))


def open_readonly(
    catalog_path: str | os.PathLike[str], reviews_path: str | os.PathLike[str]
) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)
    if os.path.exists(reviews_path):
        db.execute("ATTACH ? AS r", (f"file:{reviews_path}?mode=ro",))
    else:  # no review yet: an empty store
        db.execute("ATTACH ':memory:' AS r")
        db.execute(_EMPTY_REVIEWS)
    return db


class LineMaker:
    """Turns the export query's rows into CSV lines. SQLite hands over most of a line
    as text already in CSV form (``export_csv.LINE_CELLS``); here the two numbers are
    written as ``csv.writer`` writes them (``repr``, remembered per value), each
    criterion's three cells are placed by its scorecard's id list (worked out once per
    scorecard and answers) and the review's overrides put in."""

    def __init__(self, criteria: list[str]) -> None:
        self.position = {cid: i for i, cid in enumerate(criteria)}
        self._none = [""] * len(criteria)
        self._answers: dict[tuple[str | None, str | None], tuple[list[str], list[str], str]] = {}
        self._numbers: dict[float | None, str] = {None: ""}

    def _number(self, value: float) -> str:
        text = repr(value)
        if value:  # 0.0 == -0.0, yet they are written differently: neither is kept
            self._numbers[value] = text
        return text

    def _ai(self, keys: str | None, results: str | None) -> tuple[list[str], list[str], str]:
        """The AI answers by criterion position, each criterion's three cells with no
        override (answer, the same answer, no reason) and those joined, kept for the
        next call with the same: ``keys`` is ``None`` where the call's criteria are the
        header's, in its order."""
        answers = self._none
        if results is not None:
            given = results.split(RESULT_SEPARATOR)
            if keys is None:
                answers = given
            else:
                answers = list(self._none)
                for cid, answer in zip(json.loads(keys), given, strict=True):
                    answers[self.position[cid]] = answer
        cells = [f"{a},{a},," for a in answers]
        made = self._answers[(keys, results)] = (answers, cells, "".join(cells))
        return made

    def lines(self, batch: list[tuple]) -> str:
        """A batch of the query's rows as CSV text (the per-row work of an export:
        the lookups are inlined, and nothing is called per cell)."""
        made = []
        numbers, number, known = self._numbers, self._number, self._answers
        position, split = self.position, _overrides
        for head, duration, score, middle, keys, results, overrides, notes in batch:
            if (duration_text := numbers.get(duration)) is None:
                duration_text = number(duration)
            if (score_text := numbers.get(score)) is None:
                score_text = number(score)
            if (ai := known.get((keys, results))) is None:
                ai = self._ai(keys, results)
            answers, cells, criteria = ai
            if overrides:
                cells = cells.copy()
                for cid, human_and_reason in split(overrides):
                    if (at := position.get(cid)) is not None:
                        cells[at] = f"{answers[at]},{human_and_reason},"
                criteria = "".join(cells)
            made.append(f"{head}{duration_text},{score_text},{middle}{criteria}{notes}\r\n")
        return "".join(made)


def _overrides(stored: str) -> list:
    """A review's stored overrides (``OVERRIDE_SEPARATOR``) as (id, cells) pairs."""
    if stored[0] == OVERRIDE_SEPARATOR:
        return [o.split(OVERRIDE_SPLIT) for o in stored[1:].split(OVERRIDE_SEPARATOR)]
    return list(json.loads(stored).items())


def write_csv(
    plan: ExportPlan,
    partial: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write the plan's rows to ``partial``; the number of rows written."""
    db = open_readonly(plan.catalog_path, plan.reviews_path)
    try:
        maker = LineMaker(plan.criteria)
        done = 0
        with open(partial, "w", newline="", encoding="utf-8") as file:
            file.write(plan.header)
            cursor = db.execute(plan.sql, plan.params)
            while batch := cursor.fetchmany(BATCH):
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled
                file.write(maker.lines(batch))
                done += len(batch)
                if progress is not None:
                    progress(done, plan.total)
        return done
    finally:
        db.close()


def main() -> int:
    """The child: an ``ExportPlan`` on stdin, the partial file's path as the argument."""
    plan = ExportPlan.from_json(sys.stdin.read())

    def report(done: int, total: int) -> None:
        print(done, total, flush=True)

    try:
        write_csv(plan, sys.argv[1], progress=report)
    except OSError as exc:
        print(exc, file=sys.stderr)
        return EXIT_OS_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
