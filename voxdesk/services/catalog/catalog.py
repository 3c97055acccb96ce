"""The call catalog: every call a connection knows, cached in SQLite.

Voxxi has no list endpoint, so the catalog is how voxdesk lists calls; for platforms
that do list, it is the offline cache, filled by ``voxdesk.services.sync``. Sorting and
filtering run here, in SQL (``query``). All SQLite work runs on one dedicated thread,
so the event loop (and so the GUI) never waits on the disk; each write is its own
transaction, so a long sync never keeps the list from being read between its batches.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from voxdesk.domain import Call, CallStatus, Category, Member
from voxdesk.services.catalog.export_index import EXPORT_INDEX
from voxdesk.services.catalog.query import (
    NARROW_FILTER_ROWS,
    ROW_COLUMNS,
    CallFilter,
    CallOrder,
    CallRow,
    SortKey,
    call_row,
    index_walks,
    indexed,
    iso,
    newest_of_one,
    order_by,
    where_sql,
)
from voxdesk.services.catalog.review_marks import CALLS_WITH_MARKS, ReviewMark, write_marks
from voxdesk.services.catalog.rows import INSERT_CALLS, CallRows
from voxdesk.services.catalog.schema import (
    DEFERRABLE_INDEXES,
    MIGRATIONS,
    ORDER_INDEXES,
    PRAGMAS,
    RETIRED_INDEXES,
    SEARCH_BACKFILL,
    SEARCH_INDEX_BATCH,
    SEARCH_SCHEMA,
)
from voxdesk.services.catalog.search_backlog import (
    BACKLOG_SCHEMA,
    backlog,
    index_backlog,
    index_backlog_chunk,
    start_backlog,
)
from voxdesk.services.connections import ConnectionStore
from voxdesk.services.sqlite_migrations import migrate
from voxdesk.services.sqlite_thread import SqliteThread

log = logging.getLogger("voxdesk.catalog")

#: ``listener(connection, call_ids)``: these calls were just written.
CallsChanged = Callable[[str, list[str]], None]
_PER_CONNECTION_TABLES = ("calls", "members", "categories", "sync_state", "search_backlog")


@dataclass(frozen=True)
class SyncState:
    """How far a connection's sync got: the newest and oldest call start it stored,
    whether the first full pass finished, and when it last wrote (epoch seconds)."""

    newest_started_at: datetime | None = None
    oldest_started_at: datetime | None = None
    complete: bool = False
    synced_at: float | None = None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class CallCatalog(SqliteThread):
    """Async facade over the catalog database; one instance per process."""

    label = "call catalog"
    #: The filter as SQL, for callers that EXPLAIN a query (tests, benchmarks).
    _where = staticmethod(where_sql)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.indexed_search = False
        #: Connections whose calls are indexed for search at the end of their first
        #: sync (``search_backlog``); changed on the catalog's thread only.
        self._search_backlog: set[str] = set()
        self._listeners: list[CallsChanged] = []

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.executescript(PRAGMAS)
        self._unversioned_is_first(db)
        migrate(db, self.label, MIGRATIONS)
        self._create(db)
        self._rekey(db, ConnectionStore().legacy_keys())

    @staticmethod
    def _unversioned_is_first(db: sqlite3.Connection) -> None:
        """0.1.0 wrote schema 1 without a version number: say so, so that migrating
        starts from 1 rather than creating tables over it."""
        if db.execute("PRAGMA user_version").fetchone()[0] == 0 and _exists(db, "calls"):
            db.execute("PRAGMA user_version = 1")

    def _create(self, db: sqlite3.Connection) -> None:
        """The derived structures (sort indexes, text search, statistics), made on each
        open where missing: none holds anything that is not in ``calls``."""
        db.executescript(ORDER_INDEXES)
        db.execute(EXPORT_INDEX)
        db.executescript("".join(f"DROP INDEX IF EXISTS {name};" for name in RETIRED_INDEXES))
        self.indexed_search = self._open_search(db)
        db.execute(BACKLOG_SCHEMA)
        for connection in backlog(db) if self.indexed_search else ():
            # A first sync stopped with the app before it indexed its calls.
            index_backlog(db, connection)
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
            for table in (*_PER_CONNECTION_TABLES, "call_keys"):
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

    async def upsert_calls(
        self, connection: str, calls: Iterable[Call], *, sync: SyncState | None = None
    ) -> None:
        """Store (or replace, by id) these calls in one transaction; with ``sync``, the
        connection's sync state is saved in the same transaction, so the mark never
        runs ahead of the calls it vouches for."""
        await self.upsert_rows(CallRows.of(connection, calls), sync=sync)

    async def upsert_rows(self, rows: CallRows, *, sync: SyncState | None = None) -> None:
        """``upsert_calls`` for calls already laid out as rows (``CallRows.of``, on
        any thread)."""
        await self._run(lambda: self._upsert(rows, sync))
        if not rows:
            return
        for listener in list(self._listeners):
            try:
                listener(rows.connection, rows.ids)
            except Exception:
                log.exception("a catalog listener failed")

    def _upsert(self, rows: CallRows, sync: SyncState | None) -> None:
        connection = rows.connection
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
            self.db.executemany(INSERT_CALLS, rows.named(agents, categories))
            if self._searchable(connection) and rows:
                batch = json.dumps(rows.ids)
                for statement in SEARCH_INDEX_BATCH:
                    self.db.execute(statement, (connection, batch))
            if sync is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO sync_state VALUES (?,?,?,?,?)",
                    (
                        connection,
                        iso(sync.newest_started_at),
                        iso(sync.oldest_started_at),
                        int(sync.complete),
                        datetime.now(UTC).timestamp(),
                    ),
                )

    def _searchable(self, connection: str) -> bool:
        """Whether ``connection``'s calls are in the text-search index (else ``LIKE``)."""
        return self.indexed_search and connection not in self._search_backlog

    async def defer_indexes(self, connection: str | None = None) -> None:
        """Drop the sort indexes that a bulk write fills slowly (``DEFERRABLE_INDEXES``),
        for a first sync; ``build_indexes`` makes them again. Meanwhile a sort by one of
        their keys sorts the rows instead of walking an index: right, only slower. If the
        app stops before they are built, the next open builds them (``_create``). A
        ``connection`` with no calls yet also has its text search built then
        (``search_backlog``)."""

        def work() -> None:
            self.db.executescript(
                "".join(f"DROP INDEX IF EXISTS {name};" for name in DEFERRABLE_INDEXES)
            )
            if connection and self.indexed_search and start_backlog(self.db, connection):
                self._search_backlog.add(connection)

        await self._run(work)

    async def build_indexes(self) -> None:
        """Make every deferred index that is missing, one per turn of the catalog's
        thread (the list's queries run between them), then refresh the planner's
        statistics; a few milliseconds when none is missing. Indexes the search backlog
        first."""
        await self._index_search_backlog()
        missing = await self._run(
            lambda: [sql for name, sql in DEFERRABLE_INDEXES.items() if not _exists(self.db, name)]
        )
        for sql in missing:
            await self._run(lambda sql=sql: self.db.execute(sql))
        if missing:
            await self._run(lambda: self.db.execute("ANALYZE calls"))

    async def _index_search_backlog(self) -> None:
        """Index the backlog a chunk per turn of the catalog's thread (the list's
        queries run between them); its connections search by ``LIKE`` until done."""
        for connection in sorted(self._search_backlog):
            after: str | None = ""
            while after is not None:
                after = await self._run(
                    lambda c=connection, a=after: index_backlog_chunk(self.db, c, a)
                )
            await self._run(lambda c=connection: self._search_backlog.discard(c))

    async def sync_state(self, connection: str) -> SyncState | None:
        """The connection's sync state; ``None`` before its first sync wrote anything."""

        def work() -> SyncState | None:
            row = self.db.execute(
                "SELECT newest_started_at, oldest_started_at, complete, synced_at "
                "FROM sync_state WHERE connection = ?",
                (connection,),
            ).fetchone()
            if row is None:
                return None
            return SyncState(_moment(row[0]), _moment(row[1]), bool(row[2]), row[3])

        return await self._run(work)

    async def remember_members(self, connection: str, members: Iterable[Member]) -> None:
        batch = list(members)

        # Renaming agents re-indexes their calls for search (a trigger): only keyed
        # calls can be re-indexed, so a backlog is indexed first.
        await self._index_search_backlog()

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
                for table in _PER_CONNECTION_TABLES:
                    self.db.execute(f"DELETE FROM {table} WHERE connection = ?", (connection,))
                self.db.execute("DELETE FROM review_marks WHERE mark_connection = ?", (connection,))
            self._search_backlog.discard(connection)

        await self._run(work)

    async def mark_reviews(
        self, connection: str, marks: Iterable[ReviewMark], *, replace_all: bool = False
    ) -> None:
        """Copy review summaries into the list's review columns (``review_marks``);
        ``replace_all`` makes these the connection's only ones (rebuilt from the store)."""
        batch = list(marks)
        await self._run(lambda: write_marks(self.db, connection, batch, replace_all=replace_all))
        for listener in list(self._listeners):
            try:
                listener(connection, [m.call_id for m in batch])
            except Exception:
                log.exception("a catalog listener failed")

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
        selects, params = self.page_statements(connection, where, order, matching)
        rows: list[tuple] = []
        skip = offset
        for n, (select, count) in enumerate(selects):
            got = self.db.execute(select, (*params, limit - len(rows), skip)).fetchall()
            rows += got
            if len(rows) == limit or n == len(selects) - 1:
                break
            # The next stretch of the index: skip what the offset leaves of it.
            skip = 0 if got else max(0, skip - self.db.execute(count, params).fetchone()[0])
        return [call_row(r) for r in rows]

    def page_statements(
        self, connection: str, where: CallFilter, order: CallOrder, matching: int | None = None
    ) -> tuple[list[tuple[str, str]], list[object]]:
        """The SQL of a page: a SELECT (run with the parameters, then LIMIT and OFFSET)
        and the COUNT of its rows, one pair per stretch of the order's index it walks
        (``index_walks``), or one sorted; with the filter's parameters. Known to be
        narrow (``matching``, the filter's ``count``, when the caller has it): use the
        filter's index and sort its few rows. Known to be broad: walk the order's
        index, the first ``limit`` matches come quickly."""
        narrow = matching is not None and matching <= NARROW_FILTER_ROWS
        broad = matching is not None and not narrow
        clause = where_sql(
            connection, where, index_filters=not broad, indexed_search=self._searchable(connection)
        )
        base = f"FROM {CALLS_WITH_MARKS} WHERE {clause.sql}"
        walk = not narrow or newest_of_one(where, order)
        if not (walk and indexed(order)):
            sorted_by = order_by(order, use_index=walk)
            walks = [(f"SELECT {ROW_COLUMNS} {base} ORDER BY {sorted_by} LIMIT ? OFFSET ?", "")]
            return walks, clause.params
        statements = []
        for stretch in index_walks(order):
            stretch_sql = f"{base} AND {stretch.where}" if stretch.where else base
            statements.append(
                (
                    f"SELECT {ROW_COLUMNS} {stretch_sql} ORDER BY {stretch.order_by} "
                    "LIMIT ? OFFSET ?",
                    f"SELECT COUNT(*) {stretch_sql}",
                )
            )
        return statements, clause.params

    async def get_row(self, connection: str, call_id: str) -> CallRow | None:
        """One call's list row, to refresh a single line when a followed call changes."""

        def work() -> CallRow | None:
            row = self.db.execute(
                f"SELECT {ROW_COLUMNS} FROM {CALLS_WITH_MARKS} "
                "WHERE connection = ? AND call_id = ?",
                (connection, call_id),
            ).fetchone()
            return call_row(row) if row else None

        return await self._run(work)

    async def count(self, connection: str, where: CallFilter) -> int:
        def work() -> int:
            clause = where_sql(connection, where, indexed_search=self._searchable(connection))
            return self.db.execute(
                f"SELECT COUNT(*) FROM {CALLS_WITH_MARKS} WHERE {clause.sql}", clause.params
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
        """Values offered in the filter drop-downs (agents, categories, outcomes,
        campaigns, dispositions, directions)."""

        def work() -> list[str]:
            rows = self.db.execute(
                f"SELECT DISTINCT {column.value} FROM calls "
                f"WHERE connection = ? AND {column.value} IS NOT NULL "
                f"ORDER BY {column.value}",
                (connection,),
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(work)


def _exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None
