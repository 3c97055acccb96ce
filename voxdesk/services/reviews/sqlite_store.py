"""Reviews in SQLite, one file per user (``paths.reviews_path``), owner-only (0600)
like the catalog: review notes can quote what customers said.

A review is stored whole as JSON (it is read and written one call at a time) with its
summary in columns beside it, for the list, and its export cells already as CSV text
(``export_cells``, schema 2), so that a CSV export of 100,000 reviews copies them.
``synchronous = FULL``: a saved review
survives a power cut, not only a crash — a draft lost is the complaint this store
answers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from voxdesk.domain.review import Review, ReviewState
from voxdesk.services.reviews.export_cells import EXPORT_COLUMNS, export_cells
from voxdesk.services.reviews.store import ReviewSummary
from voxdesk.services.sqlite_migrations import migrate
from voxdesk.services.sqlite_thread import SqliteThread

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
"""
_SCHEMA_1 = """
        CREATE TABLE reviews (
            connection TEXT NOT NULL,
            call_ref TEXT NOT NULL,
            state TEXT NOT NULL,
            human_score REAL,
            delta REAL,
            reviewer TEXT,
            updated_at TEXT,
            review_json TEXT NOT NULL,
            submitted_at TEXT,
            seconds_spent REAL,
            outcome_label TEXT,
            outcome_reason TEXT,
            overrides_json TEXT,
            notes_text TEXT,
            PRIMARY KEY (connection, call_ref)
        ) WITHOUT ROWID;
"""
_REVIEWS_2 = """
        CREATE TABLE reviews_2 (
            connection TEXT NOT NULL,
            call_ref TEXT NOT NULL,
            state TEXT NOT NULL,
            human_score REAL,
            delta REAL,
            reviewer TEXT,
            updated_at TEXT,
            review_json TEXT NOT NULL,
            review_cells TEXT NOT NULL,
            outcome_cell TEXT,
            reason_cell TEXT,
            override_cells TEXT,
            notes_cell TEXT,
            PRIMARY KEY (connection, call_ref)
        ) WITHOUT ROWID
"""
_SUMMARY = "connection, call_ref, state, human_score, delta, reviewer, updated_at"
_INSERT = (
    f"INSERT OR REPLACE INTO reviews ({_SUMMARY}, review_json, {EXPORT_COLUMNS}) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _export_cells_as_csv(db: sqlite3.Connection) -> None:
    """Schema 1 → 2: the export cells as CSV text, made again from each stored review
    and its summary, in place of schema 1's raw ones (the table is rebuilt without
    them)."""
    db.execute(_REVIEWS_2)
    rows = db.execute(f"SELECT {_SUMMARY}, review_json FROM reviews").fetchall()
    db.executemany(
        _INSERT.replace("INTO reviews ", "INTO reviews_2 "),
        [(*row, *export_cells(Review.model_validate_json(row[7]), _summary(row))) for row in rows],
    )
    db.execute("DROP TABLE reviews")
    db.execute("ALTER TABLE reviews_2 RENAME TO reviews")


MIGRATIONS = ((1, _SCHEMA_1), (2, _export_cells_as_csv))


def _summary(row: tuple) -> ReviewSummary:
    return ReviewSummary(
        connection=row[0],
        call_ref=row[1],
        state=ReviewState(row[2]),
        human_score=row[3],
        delta=row[4],
        reviewer=row[5],
        updated_at=datetime.fromisoformat(row[6]) if row[6] else None,
    )


class SqliteReviewStore(SqliteThread):
    label = "review store"

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.executescript(PRAGMAS)
        migrate(db, self.label, MIGRATIONS)

    async def load(self, connection: str, call_ref: str) -> Review | None:
        def work() -> Review | None:
            row = self.db.execute(
                "SELECT review_json FROM reviews WHERE connection = ? AND call_ref = ?",
                (connection, call_ref),
            ).fetchone()
            return Review.model_validate_json(row[0]) if row else None

        return await self._run(work)

    async def save(self, reviews: Iterable[tuple[Review, ReviewSummary]]) -> None:
        batch = [
            (
                s.connection,
                s.call_ref,
                s.state.value,
                s.human_score,
                s.delta,
                s.reviewer,
                s.updated_at.isoformat() if s.updated_at else None,
                review.model_dump_json(exclude_defaults=True),
                *export_cells(review, s),
            )
            for review, s in reviews
        ]

        def work() -> None:
            with self.db:
                self.db.executemany(_INSERT, batch)

        await self._run(work)

    async def summaries(self, connection: str) -> list[ReviewSummary]:
        def work() -> list[ReviewSummary]:
            rows = self.db.execute(
                f"SELECT {_SUMMARY} FROM reviews WHERE connection = ?", (connection,)
            ).fetchall()
            return [_summary(r) for r in rows]

        return await self._run(work)

    async def reviews(self, connection: str, call_refs: Iterable[str]) -> dict[str, Review]:
        refs = list(call_refs)

        def work() -> dict[str, Review]:
            found: dict[str, Review] = {}
            # In chunks: SQLite caps the number of parameters of one statement.
            for lo in range(0, len(refs), 500):
                chunk = refs[lo : lo + 500]
                marks = ",".join("?" * len(chunk))
                for ref, text in self.db.execute(
                    f"SELECT call_ref, review_json FROM reviews "
                    f"WHERE connection = ? AND call_ref IN ({marks})",
                    (connection, *chunk),
                ):
                    found[ref] = Review.model_validate_json(text)
            return found

        return await self._run(work)
