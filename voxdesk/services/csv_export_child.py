"""The CSV export's writing half, run in a child process (this file as a script, with
``python -I -S``) so that the window's process spends
no time holding the GIL while 100,000 rows are made and written: a worker thread that
makes rows takes the GIL from the window's thread for milliseconds at a time, and the
window stutters (59 ms gaps between 10 ms timer ticks measured in the same process).

The parent (``voxdesk.services.reviews.export_csv``) works out the query, the header
and the criteria and sends them as one JSON ``ExportPlan`` on stdin; the child opens the
SQLite files read-only itself, writes the rows to the partial file and prints
``done total`` after each batch on stdout. It imports nothing but the standard library,
so it runs without site-packages and starts in a few tens of ms.
The parent renames the partial file into place once the child has exited cleanly, and
terminates it and removes the partial file on cancel.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

#: ``progress(done, total)``, from the writing thread or process.
Progress = Callable[[int, int], None]
#: The AI answers of a call's criteria, in ``criteria_keys`` order, are joined by this
#: (a split is several times cheaper than parsing JSON).
RESULT_SEPARATOR = "\x1f"
#: Rows per step: progress is reported (and a cancel checked) after each.
BATCH = 2000
#: Exit status of a child that could not read or write a file (its message on stderr).
EXIT_OS_ERROR = 3
_EMPTY_REVIEWS = (
    "CREATE TABLE r.reviews (connection, call_ref, reviewer, submitted_at, seconds_spent, "
    "outcome_label, outcome_reason, overrides_json, notes_text)"
)


class ExportCancelled(Exception):
    """The reviewer cancelled; nothing was written."""


@dataclass(frozen=True)
class ExportPlan:
    """What to write: the query (its last four columns the criteria's raw cells and the
    notes), its parameters, the header, the criteria's ids in column order, how many rows."""

    catalog_path: str
    reviews_path: str
    sql: str
    params: list
    header: list[str]
    criteria: list[str]
    total: int

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ExportPlan:
        return cls(**json.loads(text))


def open_readonly(catalog_path: Path | str, reviews_path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)
    if Path(reviews_path).exists():
        db.execute("ATTACH ? AS r", (f"file:{reviews_path}?mode=ro",))
    else:  # no review yet: an empty store
        db.execute("ATTACH ':memory:' AS r")
        db.execute(_EMPTY_REVIEWS)
    return db


class RowMaker:
    """Turns the export query's rows into CSV rows: the base cells as SQLite computed
    them, then each criterion's AI answer, human answer and reason, then the notes.
    The few microseconds a row costs are spent here; a call's criteria are placed by
    its scorecard's id list, worked out once per scorecard."""

    def __init__(self, criteria: list[str]) -> None:
        self.criteria = criteria
        self.position = {cid: i for i, cid in enumerate(criteria)}
        self._header_keys = json.dumps(criteria)
        self._placements: dict[str, list[int]] = {}

    def _placement(self, keys: str) -> list[int]:
        placement = self._placements.get(keys)
        if placement is None:
            placement = [self.position[cid] for cid in json.loads(keys)]
            self._placements[keys] = placement
        return placement

    def rows(self, batch: list[tuple]) -> list[list]:
        width = len(self.criteria)
        made = []
        for row in batch:
            keys, results, overrides, notes = row[-4:]
            cells = [""] * (3 * width)
            if results:
                answers = results.split(RESULT_SEPARATOR)
                if keys == self._header_keys:  # the common case: one scorecard
                    cells[0::3] = cells[1::3] = answers
                else:
                    for at, answer in zip(self._placement(keys), answers, strict=True):
                        cells[3 * at] = cells[3 * at + 1] = answer
            if overrides:
                for cid, (human, reason) in json.loads(overrides).items():
                    at = self.position.get(cid)
                    if at is not None:
                        cells[3 * at + 1], cells[3 * at + 2] = human, reason
            made.append([*row[:-4], *cells, notes])
        return made


def write_csv(
    plan: ExportPlan,
    partial: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write the plan's rows to ``partial``; the number of rows written."""
    db = open_readonly(plan.catalog_path, plan.reviews_path)
    try:
        maker = RowMaker(plan.criteria)
        done = 0
        with open(partial, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(plan.header)
            cursor = db.execute(plan.sql, plan.params)
            while batch := cursor.fetchmany(BATCH):
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled
                writer.writerows(maker.rows(batch))
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
        write_csv(plan, Path(sys.argv[1]), progress=report)
    except OSError as exc:
        print(exc, file=sys.stderr)
        return EXIT_OS_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
