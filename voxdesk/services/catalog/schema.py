"""The catalog's SQLite layout and its versions.

Schema 1 is 0.1.0's layout. Schema 2 adds the neutral facts of the platforms that list
calls (direction, disposition, grouping, start, talk time, survey score, agent kind) as
columns, and ``sync_state`` (each connection's sync high-water mark). Schema 3 adds the
review columns (``review_marks``). Schema 4 stores ``calls`` in the order rows are
written, keyed by a unique index (``_calls_in_write_order``).

The catalog is a cache, but not all of it can be fetched again: Voxxi has no list
endpoint, so its calls are known only because voxdesk created or opened them. Dropping
the file on a version change would empty a Voxxi reviewer's list for good, so the
catalog is *migrated* (``sqlite_migrations.migrate``), and each step keeps every row.
"""

from __future__ import annotations

import sqlite3

from voxdesk.domain import Call
from voxdesk.services.catalog.export_index import EXPORT_INDEX, EXPORT_INDEX_NAME
from voxdesk.services.catalog.query import NEWEST_INDEXED_COLUMNS, REVIEW_SORT_KEYS, SortKey, iso
from voxdesk.services.catalog.review_marks import ATTENTION_COLUMNS, add_review_columns

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -32000;
"""
# ``cache_size``: 32 MB (SQLite's default is 2 MB). A sync batch touches pages all over
# the sort indexes; with the default, each batch read most of them back from the OS and
# re-parsed them (a third of a sync's write time at 20,000 calls).
#: 0.1.0 wrote schema 1 without a version number.
UNVERSIONED_IS = 1
#: 0.1.0's layout (schema 1); ``MIGRATIONS`` brings it to ``SCHEMA_VERSION``.
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

#: Schema 2's columns, in the order they follow schema 1's.
NEUTRAL_COLUMNS = (
    ("direction", "TEXT"),
    ("disposition", "TEXT"),
    ("grouping_id", "TEXT"),
    ("grouping_name", "TEXT"),
    ("started_at", "TEXT"),
    ("talk_time", "REAL"),
    ("survey_score", "REAL"),
    ("agent_kind", "TEXT"),
)
SYNC_STATE = """
CREATE TABLE sync_state (
    connection TEXT PRIMARY KEY,
    newest_started_at TEXT,
    oldest_started_at TEXT,
    complete INTEGER NOT NULL DEFAULT 0,
    synced_at REAL
)
"""


def neutral_values(call: Call) -> tuple:
    """Schema 2's columns for one call, in ``NEUTRAL_COLUMNS`` order."""
    survey = call.analysis.survey if call.analysis else None
    grouping = call.grouping
    return (
        call.direction.value if call.direction else None,
        call.disposition.value if call.disposition else None,
        grouping.id if grouping else None,
        grouping.display_name if grouping else None,
        iso(call.started_at),
        call.talk_time,
        survey.score if survey else None,
        call.agent_kind.value if call.agent_kind else None,
    )


def _add_neutral_columns(db: sqlite3.Connection) -> None:
    """Schema 1 → 2: the new columns, filled from each cached call's JSON (which has
    held these facts since the neutral domain), the sync state table, and search
    indexing by batch instead of by trigger."""
    for name, kind in NEUTRAL_COLUMNS:
        db.execute(f"ALTER TABLE calls ADD COLUMN {name} {kind}")
    db.execute(SYNC_STATE)
    # Calls are indexed for search per batch now (``SEARCH_INDEX_BATCH``).
    db.execute("DROP TRIGGER IF EXISTS calls_search_insert")
    rows = db.execute("SELECT connection, call_id, call_json FROM calls").fetchall()
    assignments = ", ".join(f"{name} = ?" for name, _ in NEUTRAL_COLUMNS)
    db.executemany(
        f"UPDATE calls SET {assignments} WHERE connection = ? AND call_id = ?",
        [
            (*neutral_values(Call.model_validate_json(call_json)), connection, call_id)
            for connection, call_id, call_json in rows
        ],
    )


def _calls_in_write_order(db: sqlite3.Connection) -> None:
    """Schema 3 → 4: ``calls`` as a rowid table (rows stored in the order they were
    written) with its key, ``(connection, call_id)``, a unique index. Keyed by call id
    (schema 1–3: WITHOUT ROWID), a batch of a sync landed all over the table, since ids
    have nothing to do with time: each of its 2,000 calls rewrote a page of whole rows
    (and read it back from the OS once the table outgrew the page cache). Appended, a
    batch fills a few new pages and only the small key index takes it all over: the
    writes of a 100,000-call first sync take 1.8 s of CPU instead of 4.1 s (and 3.7 s
    instead of 9.6 s of wall time). The sort indexes name their ties (``call_id``),
    so they keep their order; they are dropped with the old table and made again on
    open (``ORDER_INDEXES``)."""
    columns = db.execute("PRAGMA table_info(calls)").fetchall()
    defined = ", ".join(
        f"{name} {kind}{' NOT NULL' if not_null else ''}"
        for _, name, kind, not_null, _, _ in columns
    )
    names = ", ".join(column[1] for column in columns)
    db.execute(f"CREATE TABLE calls_by_rowid ({defined}, UNIQUE (connection, call_id))")
    db.execute(f"INSERT INTO calls_by_rowid ({names}) SELECT {names} FROM calls")
    db.execute("DROP TABLE calls")
    db.execute("ALTER TABLE calls_by_rowid RENAME TO calls")


MIGRATIONS = (
    (1, SCHEMA),
    (2, _add_neutral_columns),
    (3, add_review_columns),
    (4, _calls_in_write_order),
)
#: The layout ``MIGRATIONS`` ends at; a file of a later one is refused.
SCHEMA_VERSION = MIGRATIONS[-1][0]
CALL_COLUMNS = (
    "connection, call_id, status, member_id, agent, category_id, category, date, duration, "
    "score, outcome, summary, call_json, fetched_at, "
    + ", ".join(name for name, _ in (*NEUTRAL_COLUMNS, *ATTENTION_COLUMNS))
)


# Text search: a trigram FTS5 index over agent, outcome, call id and summary, so a
# substring search is an index lookup (ms) instead of four LIKE scans of every row
# (95 ms at 100k calls, 650 ms at 1M). A call's rowid in ``calls`` changes each time it
# is written again (``INSERT OR REPLACE``; none before schema 4), so ``call_keys`` gives
# each call a lasting one. Writes of calls index them set-wise per batch (``SEARCH_INDEX_BATCH``):
# schema 1's per-row insert trigger cost more than every sort index together (0.14 of
# 0.25 ms a call). Triggers still follow the other writes (renames, deletions).
SEARCH_TEXT = (
    "coalesce(c.agent, '') || char(10) || coalesce(c.outcome, '') || char(10) || "
    "c.call_id || char(10) || coalesce(c.summary, '')"
)
_TEXT_OF_NEW = SEARCH_TEXT.replace("c.", "new.")
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
CREATE TRIGGER IF NOT EXISTS calls_search_update AFTER UPDATE OF agent, outcome, summary ON calls
BEGIN
    DELETE FROM calls_search WHERE rowid = {_KEY_OF_NEW};
    INSERT INTO calls_search (rowid, body) VALUES ({_KEY_OF_NEW}, {_TEXT_OF_NEW});
END;
CREATE TRIGGER IF NOT EXISTS calls_search_delete AFTER DELETE ON calls BEGIN
    DELETE FROM calls_search WHERE rowid = (
        SELECT id FROM call_keys WHERE connection = old.connection AND call_id = old.call_id
    );
    DELETE FROM call_keys WHERE connection = old.connection AND call_id = old.call_id;
END;
"""
#: The calls of one batch (parameters: connection, JSON array of call ids), re-indexed
#: for search after they were written (``INSERT OR REPLACE`` fires no delete trigger).
_BATCH_IDS = "SELECT value FROM json_each(?)"
SEARCH_INDEX_BATCH = (
    "INSERT OR IGNORE INTO call_keys (connection, call_id) SELECT ?, value FROM json_each(?)",
    "DELETE FROM calls_search WHERE rowid IN "
    f"(SELECT id FROM call_keys WHERE connection = ? AND call_id IN ({_BATCH_IDS}))",
    f"INSERT INTO calls_search (rowid, body) SELECT k.id, {SEARCH_TEXT} "
    "FROM calls AS c JOIN call_keys AS k ON k.connection = c.connection AND k.call_id = c.call_id "
    f"WHERE c.connection = ? AND c.call_id IN ({_BATCH_IDS})",
)
SEARCH_BACKFILL = f"""
INSERT OR IGNORE INTO call_keys (connection, call_id) SELECT connection, call_id FROM calls;
INSERT INTO calls_search (rowid, body)
    SELECT k.id, {SEARCH_TEXT}
    FROM calls AS c JOIN call_keys AS k ON k.connection = c.connection AND k.call_id = c.call_id;
"""


def _sort_index(key: SortKey) -> tuple[str, str]:
    name = f"calls_{key.value}"
    return name, f"CREATE INDEX IF NOT EXISTS {name} ON calls (connection, {key.value}, call_id);"


# One index per sort key, walked for a sorted page (``query.index_walks``: from its end
# when descending, values then NULLs when ascending), so a sorted page is an index walk
# with LIMIT (1 ms) instead of sorting every row (40 ms at 100k). It also serves the
# key's filters (score from / to, date range).
SORT_INDEXES = dict(_sort_index(key) for key in SortKey if key not in REVIEW_SORT_KEYS)
_NEWEST_INDEXES = {
    # The default view (newest first) of one agent, category, campaign, outcome…: a
    # walk within that value (1 ms) instead of sorting its thousands of calls
    # (150 ms at 1M).
    f"calls_{column}_by_date": (
        f"CREATE INDEX IF NOT EXISTS calls_{column}_by_date "
        f"ON calls (connection, {column}, date, call_id);"
    )
    for column in NEWEST_INDEXED_COLUMNS
}
#: Indexes of earlier layouts, dropped on open (``CallCatalog._create``): two per sort
#: key (one per place of the NULLs in a single ORDER BY, until ``index_walks`` let one
#: serve both directions), and the newest-first ones that sorted by ``date IS NOT
#: NULL`` first (now ``calls_<column>_by_date``).
RETIRED_INDEXES = tuple(
    f"calls_{key.value}_{nulls}"
    for key in SortKey
    if key not in REVIEW_SORT_KEYS
    for nulls in ("is_null", "is_not_null")
) + tuple(f"calls_{column}_newest" for column in NEWEST_INDEXED_COLUMNS)
#: The sort indexes a first sync builds once, at its end (``CallCatalog.defer_indexes``),
#: instead of row by row: every key but the date breaks its ties by call id, which has
#: nothing to do with time, so a newest-first batch lands all over each of them (11
#: indexes, two thirds of a sync's write time, and growing with the catalog). Building
#: one from the finished table is a scan and a sort: ~0.1 s at 100,000 calls. The
#: date's index and the newest-first ones take a newest-first batch at one end (of each
#: value): cheap to keep, and they keep the default view and its filters quick
#: meanwhile.
DEFERRABLE_INDEXES = {name: sql for name, sql in SORT_INDEXES.items() if name != "calls_date"}
# The CSV export's (``export_index``): made at the end of a first sync in 0.06 s at
# 20,000 calls, where keeping it during the sync cost ~0.1 s of CPU.
DEFERRABLE_INDEXES[EXPORT_INDEX_NAME] = EXPORT_INDEX
ORDER_INDEXES = "\n".join((*SORT_INDEXES.values(), *_NEWEST_INDEXES.values()))
