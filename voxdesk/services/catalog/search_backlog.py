"""Text search indexed once at the end of a first sync, instead of batch by batch.

Indexing a batch's calls for search as it is written (``SEARCH_INDEX_BATCH``) cost a
fifth of a first sync's writing; indexing all of them in one statement at its end costs
about half of that. So a first sync into a connection that has no calls yet puts the
connection in ``search_backlog``: its calls are written without search keys, searches
of that connection fall back to ``LIKE`` (right, only slower) and ``index_backlog``
indexes them all once the pass ends, stopped or not (a chunk per turn of the
catalog's thread). A backlog left by an app that
stopped meanwhile is indexed on the next open. Nothing else writes search keys for a
connection in the backlog, so its unkeyed calls are exactly the ones to index.
"""

from __future__ import annotations

import json
import sqlite3

from voxdesk.services.catalog.schema import SEARCH_TEXT

#: Calls keyed and indexed per transaction: ~0.1 s each.
BACKLOG_CHUNK = 20_000
BACKLOG_SCHEMA = "CREATE TABLE IF NOT EXISTS search_backlog (connection TEXT PRIMARY KEY);"


def backlog(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT connection FROM search_backlog")}


def start_backlog(db: sqlite3.Connection, connection: str) -> bool:
    """Put ``connection`` in the backlog if it has no calls yet; True if it is in it."""
    with db:
        if db.execute("SELECT 1 FROM calls WHERE connection = ? LIMIT 1", (connection,)).fetchone():
            return connection in backlog(db)
        db.execute("INSERT OR IGNORE INTO search_backlog VALUES (?)", (connection,))
    return True


def index_backlog_chunk(db: sqlite3.Connection, connection: str, after: str) -> str | None:
    """Key and index for search the next ``BACKLOG_CHUNK`` calls of ``connection`` by
    id after ``after`` (those written without), in one transaction; returns the last id
    it covered, or ``None`` once none is left and the connection is out of the backlog.
    A chunk at a time, so the list's queries run between them; a keyed call is always
    an indexed one, so a backlog cut short starts again from the first id."""
    with db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT call_id FROM calls WHERE connection = ? AND call_id > ? "
                "ORDER BY call_id LIMIT ?",
                (connection, after, BACKLOG_CHUNK),
            )
        ]
        if not ids:
            db.execute("DELETE FROM search_backlog WHERE connection = ?", (connection,))
            return None
        (last_key,) = db.execute("SELECT coalesce(max(id), 0) FROM call_keys").fetchone()
        db.execute(
            "INSERT OR IGNORE INTO call_keys (connection, call_id) "
            "SELECT ?, value FROM json_each(?)",
            (connection, json.dumps(ids)),
        )
        db.execute(
            f"INSERT INTO calls_search (rowid, body) SELECT k.id, {SEARCH_TEXT} "
            "FROM call_keys AS k JOIN calls AS c "
            "ON c.connection = k.connection AND c.call_id = k.call_id WHERE k.id > ?",
            (last_key,),
        )
        return ids[-1]


def index_backlog(db: sqlite3.Connection, connection: str) -> None:
    """Every chunk of ``connection``'s backlog, one after the other."""
    after: str | None = ""
    while after is not None:
        after = index_backlog_chunk(db, connection, after)
