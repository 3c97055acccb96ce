"""The call catalog: every call a connection knows, cached in SQLite.

Voxxi has no list endpoint, so the catalog is how voxdesk lists calls; for platforms
that do list, it is the offline cache. Sorting and filtering run here, in SQL with
LIMIT/OFFSET — never in a Qt proxy model, which takes 17 s to sort 100k rows where an
indexed query takes milliseconds. All SQLite work runs on one dedicated thread, so the
event loop (and so the GUI) never waits on the disk.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from voxdesk.domain import Call, CallStatus, Category, Member
from voxdesk.services.connections import ConnectionStore
from voxdesk.services.sqlite_migrations import open_cache
from voxdesk.services.sqlite_thread import SqliteThread

log = logging.getLogger("voxdesk.catalog")

#: ``listener(connection, call_ids)``: these calls were just written.
CallsChanged = Callable[[str, list[str]], None]

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
"""
#: The layout below. A cache: a file of another version is dropped and built again
#: (``sqlite_migrations.open_cache``), so any change to the layout bumps this. Mind
#: that platforms without a list endpoint (Voxxi) cannot re-sync: after a rebuild
#: their list starts empty again, so bump this only for a change worth that.
SCHEMA_VERSION = 1
#: 0.1.0 wrote this very layout without a version number.
UNVERSIONED_IS = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    connection TEXT NOT NULL,
    call_id TEXT NOT NULL,
    status TEXT NOT NULL,
    member_id TEXT,
    agent TEXT,
    category_id TEXT,
    category TEXT,
    date TEXT,
    duration REAL,
    score REAL,
    outcome TEXT,
    summary TEXT,
    call_json TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (connection, call_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS calls_date ON calls (connection, date);
CREATE INDEX IF NOT EXISTS calls_score ON calls (connection, score);
CREATE INDEX IF NOT EXISTS calls_agent ON calls (connection, agent);
CREATE INDEX IF NOT EXISTS calls_category ON calls (connection, category);
CREATE INDEX IF NOT EXISTS calls_duration ON calls (connection, duration);
CREATE INDEX IF NOT EXISTS calls_outcome ON calls (connection, outcome);
CREATE INDEX IF NOT EXISTS calls_status ON calls (connection, status);
CREATE TABLE IF NOT EXISTS members (
    connection TEXT NOT NULL, member_id TEXT NOT NULL, email TEXT, name TEXT,
    PRIMARY KEY (connection, member_id)
);
CREATE TABLE IF NOT EXISTS categories (
    connection TEXT NOT NULL, category_id TEXT NOT NULL, name TEXT,
    PRIMARY KEY (connection, category_id)
);
"""


# Text search: a trigram FTS5 index over agent, outcome, call id and summary, so a
# substring search is an index lookup (ms) instead of four LIKE scans of every row
# (95 ms at 100k calls, 650 ms at 1M). ``calls`` has no rowid, so ``call_keys`` gives
# each call one; triggers keep both in step with every write, whichever code path
# writes (INSERT OR REPLACE fires the insert trigger, which re-indexes the call).
_SEARCH_TEXT = (
    "coalesce(new.agent, '') || char(10) || coalesce(new.outcome, '') || char(10) || "
    "new.call_id || char(10) || coalesce(new.summary, '')"
)
_KEY_OF_NEW = (
    "(SELECT id FROM call_keys WHERE connection = new.connection AND call_id = new.call_id)"
)
SEARCH_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS call_keys (
    id INTEGER PRIMARY KEY,
    connection TEXT NOT NULL,
    call_id TEXT NOT NULL,
    UNIQUE (connection, call_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS calls_search USING fts5(body, tokenize = 'trigram');
CREATE TRIGGER IF NOT EXISTS calls_search_insert AFTER INSERT ON calls BEGIN
    INSERT OR IGNORE INTO call_keys (connection, call_id) VALUES (new.connection, new.call_id);
    DELETE FROM calls_search WHERE rowid = {_KEY_OF_NEW};
    INSERT INTO calls_search (rowid, body) VALUES ({_KEY_OF_NEW}, {_SEARCH_TEXT});
END;
CREATE TRIGGER IF NOT EXISTS calls_search_update AFTER UPDATE OF agent, outcome, summary ON calls
BEGIN
    DELETE FROM calls_search WHERE rowid = {_KEY_OF_NEW};
    INSERT INTO calls_search (rowid, body) VALUES ({_KEY_OF_NEW}, {_SEARCH_TEXT});
END;
CREATE TRIGGER IF NOT EXISTS calls_search_delete AFTER DELETE ON calls BEGIN
    DELETE FROM calls_search WHERE rowid = (
        SELECT id FROM call_keys WHERE connection = old.connection AND call_id = old.call_id
    );
    DELETE FROM call_keys WHERE connection = old.connection AND call_id = old.call_id;
END;
"""
SEARCH_BACKFILL = f"""
INSERT OR IGNORE INTO call_keys (connection, call_id) SELECT connection, call_id FROM calls;
INSERT INTO calls_search (rowid, body)
    SELECT k.id, {_SEARCH_TEXT.replace("new.", "c.")}
    FROM calls AS c JOIN call_keys AS k ON k.connection = c.connection AND k.call_id = c.call_id;
"""
#: Trigrams need three characters; shorter searches scan with LIKE.
MIN_INDEXED_SEARCH = 3


class SortKey(StrEnum):
    DATE = "date"
    AGENT = "agent"
    CATEGORY = "category"
    DURATION = "duration"
    SCORE = "score"
    OUTCOME = "outcome"
    STATUS = "status"


@dataclass(frozen=True)
class CallFilter:
    """What the reviewer narrowed the list to. Empty fields do not filter."""

    text: str = ""
    statuses: frozenset[CallStatus] = frozenset()
    agent: str | None = None
    category: str | None = None
    outcome: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


@dataclass(frozen=True)
class CallOrder:
    key: SortKey = SortKey.DATE
    descending: bool = True


@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of the call list: only what the list shows, so 100k rows stay small."""

    call_id: str
    status: CallStatus
    agent: str | None
    category: str | None
    date: datetime | None
    duration: float | None
    score: float | None
    outcome: str | None


@dataclass
class _Where:
    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _iso(moment: datetime | None) -> str | None:
    # Stored as UTC text so that lexical order is time order.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _order_index(key: SortKey, null_test: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS calls_{key.value}_{null_test.replace(' ', '_').lower()} "
        f"ON calls (connection, {key.value} {null_test}, {key.value}, call_id);"
    )


# One index per sort key and direction, matching ``_order_by`` exactly, so a sorted
# page is an index walk with LIMIT (1 ms) instead of sorting every row (40 ms at 100k).
ORDER_INDEXES = "\n".join(
    _order_index(key, test) for key in SortKey for test in ("IS NULL", "IS NOT NULL")
) + "".join(
    # The default view (newest first) of one agent, category, outcome or status: a walk
    # within that value (1 ms) instead of sorting its thousands of calls (150 ms at 1M).
    f"CREATE INDEX IF NOT EXISTS calls_{column}_newest "
    f"ON calls (connection, {column}, date IS NOT NULL, date, call_id);"
    for column in ("agent", "category", "outcome", "status")
)
NEWEST_FIRST = CallOrder(SortKey.DATE, descending=True)


#: Up to this many matching rows, sorting them beats walking the order's index.
NARROW_FILTER_ROWS = 5000


def _newest_of_one(where: CallFilter, order: CallOrder) -> bool:
    """True when a ``calls_<column>_newest`` index serves both the filter and the order."""
    return order == NEWEST_FIRST and (
        bool(where.agent or where.category or where.outcome) or len(where.statuses) == 1
    )


def _order_by(order: CallOrder, *, use_index: bool = True) -> str:
    """NULLs last in both directions (a call still processing has no score yet), with
    every term in one direction so that SQLite can walk an index, not sort. A unary
    ``+`` keeps SQLite from using the order's index (for narrow filters)."""
    key = order.key.value if use_index else f"+{order.key.value}"
    if order.descending:
        return f"{key} IS NOT NULL DESC, {key} DESC, call_id DESC"
    return f"{key} IS NULL ASC, {key} ASC, call_id ASC"


_ROW_COLUMNS = "call_id, status, agent, category, date, duration, score, outcome"


def _call_row(r: tuple) -> CallRow:
    return CallRow(
        call_id=r[0],
        status=CallStatus(r[1]),
        agent=r[2],
        category=r[3],
        date=datetime.fromisoformat(r[4]) if r[4] else None,
        duration=r[5],
        score=r[6],
        outcome=r[7],
    )


def _exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CallCatalog(SqliteThread):
    """Async facade over the catalog database; one instance per process."""

    label = "call catalog"
    schema_version = SCHEMA_VERSION

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.indexed_search = False
        self._listeners: list[CallsChanged] = []

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.executescript(PRAGMAS)
        open_cache(db, self.label, self.schema_version, self._create, unversioned_is=UNVERSIONED_IS)
        self._rekey(db, ConnectionStore().legacy_keys())

    def _create(self, db: sqlite3.Connection) -> None:
        db.executescript(SCHEMA)
        db.executescript(ORDER_INDEXES)
        self.indexed_search = self._open_search(db)
        # Statistics let the planner pick the filter's index over the order's one
        # (agent = ? sorted by date: 3 ms instead of 27 ms at 100k calls); sampling at
        # most 1000 rows per index keeps ANALYZE to milliseconds even at a million calls.
        # Only ``calls``: statistics taken while the search tables were still small
        # make SQLite scan them in the triggers (quadratic writes), and they need none.
        db.executescript("PRAGMA analysis_limit = 1000; ANALYZE calls;")
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            with db:
                db.execute("DELETE FROM sqlite_stat1 WHERE tbl != 'calls'")

    @staticmethod
    def _rekey(db: sqlite3.Connection, legacy_keys: dict[str, str]) -> None:
        """File rows kept under a connection's 0.1.0 key (its name) under its id. Not a
        schema step (the layout is the same): each open checks, which costs an index
        probe per old name once nothing is left to move."""
        pairs = [(new, old) for old, new in legacy_keys.items()]
        with db:
            for table in ("calls", "members", "categories", "call_keys"):
                if table == "call_keys" and not _exists(db, table):
                    continue
                moved = db.executemany(
                    f"UPDATE {table} SET connection = ? WHERE connection = ?", pairs
                ).rowcount
                if moved > 0 and table == "calls":
                    log.info("catalog: %d cached calls re-keyed by connection id", moved)

    @staticmethod
    def _open_search(db: sqlite3.Connection) -> bool:
        """Create the text-search index (filling it from existing calls the first
        time); False where SQLite lacks FTS5 trigrams, and search falls back to LIKE."""
        existed = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'calls_search'").fetchone()
        try:
            with db:
                db.executescript(
                    f"BEGIN; {SEARCH_SCHEMA} {'' if existed else SEARCH_BACKFILL} COMMIT;"
                )
        except sqlite3.OperationalError:
            return False
        return True

    # --- writing ---------------------------------------------------------------------

    def subscribe(self, listener: CallsChanged) -> Callable[[], None]:
        """Call ``listener(connection, call_ids)`` on the event loop after calls are
        written, whoever wrote them (a refresh, a poll, an upload); returns the function
        that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def upsert_calls(self, connection: str, calls: Iterable[Call]) -> None:
        batch = list(calls)
        await self._run(lambda: self._upsert(connection, batch))
        ids = [call.id for call in batch]
        for listener in list(self._listeners):
            try:
                listener(connection, ids)
            except Exception:
                log.exception("a catalog listener failed")

    def _upsert(self, connection: str, calls: list[Call]) -> None:
        now = datetime.now(UTC).timestamp()
        with self.db:
            agents = dict(
                self.db.execute(
                    "SELECT member_id, COALESCE(name, email, member_id) FROM members "
                    "WHERE connection = ?",
                    (connection,),
                ).fetchall()
            )
            categories = dict(
                self.db.execute(
                    "SELECT category_id, COALESCE(name, category_id) FROM categories "
                    "WHERE connection = ?",
                    (connection,),
                ).fetchall()
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        connection,
                        call.id,
                        call.status.value,
                        call.member_id,
                        agents.get(call.member_id, call.member_id),
                        call.category_id,
                        categories.get(call.category_id, call.category_id),
                        _iso(call.date),
                        call.duration,
                        call.analysis.score if call.analysis else None,
                        call.analysis.outcome_label if call.analysis else None,
                        call.summary,
                        call.model_dump_json(),
                        now,
                    )
                    for call in calls
                ],
            )

    async def remember_members(self, connection: str, members: Iterable[Member]) -> None:
        batch = list(members)

        def work() -> None:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO members VALUES (?,?,?,?)",
                    [(connection, m.id, m.email, m.name) for m in batch],
                )
                self.db.executemany(
                    "UPDATE calls SET agent = ? WHERE connection = ? AND member_id = ?",
                    [(m.display_name, connection, m.id) for m in batch],
                )

        await self._run(work)

    async def remember_categories(self, connection: str, categories: Iterable[Category]) -> None:
        batch = list(categories)

        def work() -> None:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO categories VALUES (?,?,?)",
                    [(connection, c.id, c.name) for c in batch],
                )
                self.db.executemany(
                    "UPDATE calls SET category = ? WHERE connection = ? AND category_id = ?",
                    [(c.display_name, connection, c.id) for c in batch],
                )

        await self._run(work)

    async def forget_connection(self, connection: str) -> None:
        def work() -> None:
            with self.db:
                for table in ("calls", "members", "categories"):
                    self.db.execute(f"DELETE FROM {table} WHERE connection = ?", (connection,))

        await self._run(work)

    # --- reading ---------------------------------------------------------------------

    async def get_call(self, connection: str, call_id: str) -> Call | None:
        def work() -> Call | None:
            row = self.db.execute(
                "SELECT call_json FROM calls WHERE connection = ? AND call_id = ?",
                (connection, call_id),
            ).fetchone()
            return Call.model_validate_json(row[0]) if row else None

        return await self._run(work)

    async def query(
        self,
        connection: str,
        where: CallFilter,
        order: CallOrder,
        *,
        offset: int = 0,
        limit: int = 200,
        matching: int | None = None,
    ) -> list[CallRow]:
        """A page of calls. ``matching`` (the filter's ``count``, when the caller has
        it) lets a narrow filter use its own index and sort its few rows, instead of
        walking the order's index past every row that does not match."""
        return await self._run(
            lambda: self.query_sync(connection, where, order, offset, limit, matching)
        )

    def query_sync(
        self,
        connection: str,
        where: CallFilter,
        order: CallOrder,
        offset: int,
        limit: int,
        matching: int | None = None,
    ) -> list[CallRow]:
        # Known to be narrow: use the filter's index and sort the few rows. Known to be
        # broad: walk the order's index, the first ``limit`` matches come quickly.
        narrow = matching is not None and matching <= NARROW_FILTER_ROWS
        broad = matching is not None and not narrow
        clause = self._where(
            connection, where, index_filters=not broad, indexed_search=self.indexed_search
        )
        sql = (
            f"SELECT {_ROW_COLUMNS} "
            f"FROM calls WHERE {clause.sql} "
            f"ORDER BY {_order_by(order, use_index=not narrow or _newest_of_one(where, order))} "
            "LIMIT ? OFFSET ?"
        )
        rows = self.db.execute(sql, (*clause.params, limit, offset)).fetchall()
        return [_call_row(r) for r in rows]

    async def get_row(self, connection: str, call_id: str) -> CallRow | None:
        """One call's list row, to refresh a single line when a followed call changes."""

        def work() -> CallRow | None:
            row = self.db.execute(
                f"SELECT {_ROW_COLUMNS} FROM calls WHERE connection = ? AND call_id = ?",
                (connection, call_id),
            ).fetchone()
            return _call_row(row) if row else None

        return await self._run(work)

    async def count(self, connection: str, where: CallFilter) -> int:
        def work() -> int:
            clause = self._where(connection, where, indexed_search=self.indexed_search)
            return self.db.execute(
                f"SELECT COUNT(*) FROM calls WHERE {clause.sql}", clause.params
            ).fetchone()[0]

        return await self._run(work)

    async def pending_ids(self, connection: str) -> list[str]:
        def work() -> list[str]:
            rows = self.db.execute(
                "SELECT call_id FROM calls WHERE connection = ? AND status IN (?, ?)",
                (connection, CallStatus.PENDING.value, CallStatus.PROCESSING.value),
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(work)

    async def distinct_values(self, connection: str, column: SortKey) -> list[str]:
        """Values offered in the filter drop-downs (agents, categories, outcomes)."""

        def work() -> list[str]:
            rows = self.db.execute(
                f"SELECT DISTINCT {column.value} FROM calls "
                f"WHERE connection = ? AND {column.value} IS NOT NULL "
                f"ORDER BY {column.value}",
                (connection,),
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(work)

    @staticmethod
    def _where(
        connection: str,
        where: CallFilter,
        *,
        index_filters: bool = True,
        indexed_search: bool = False,
    ) -> _Where:
        """The filter as SQL. ``index_filters=False`` marks the filter's columns with a
        unary ``+`` so SQLite walks the order's index instead (for broad filters)."""
        c = "" if index_filters else "+"
        clause = _Where()
        clause.add("connection = ?", connection)
        text = where.text.strip()
        if indexed_search and len(text) >= MIN_INDEXED_SEARCH:
            # The matches drive (a few rowids), never a scan of the connection's keys
            # probing the index per key: ``+connection`` keeps that index out of it.
            clause.add(
                "call_id IN (SELECT call_id FROM call_keys WHERE +connection = ? AND id IN "
                "(SELECT rowid FROM calls_search WHERE calls_search MATCH ?))",
                connection,
                '"' + text.replace('"', '""') + '"',
            )
        elif text:
            pattern = _like(text)
            clause.add(
                "(agent LIKE ? ESCAPE '\\' OR outcome LIKE ? ESCAPE '\\' "
                "OR call_id LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')",
                pattern,
                pattern,
                pattern,
                pattern,
            )
        if where.statuses:
            marks = ",".join("?" * len(where.statuses))
            clause.add(f"{c}status IN ({marks})", *sorted(s.value for s in where.statuses))
        if where.agent:
            clause.add(f"{c}agent = ?", where.agent)
        if where.category:
            clause.add(f"{c}category = ?", where.category)
        if where.outcome:
            clause.add(f"{c}outcome = ?", where.outcome)
        if where.score_min is not None:
            clause.add(f"{c}score >= ?", where.score_min)
        if where.score_max is not None:
            clause.add(f"{c}score <= ?", where.score_max)
        if where.date_from is not None:
            clause.add(f"{c}date >= ?", _iso(where.date_from))
        if where.date_to is not None:
            clause.add(f"{c}date <= ?", _iso(where.date_to))
        return clause
