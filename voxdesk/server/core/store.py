"""SQLite (WAL) store of calls from any platform, keyed by (platform, platform id).

Every descriptive column is nullable and neutral — direction, from/to, start/end,
duration, talk time, disposition (how the call ended: Completed, Busy…), grouping id (a
campaign, a queue, a category), outcome, transcript and survey as JSON, the storage key
of the recording — so a platform fills what it has and none has to invent values for
another's NOT NULL columns. Platform-only fields go into ``extra`` (JSON).

How Voxxi's calls would map when they move here: member → ``agent_id``, category →
``group_id``, call date → ``started_at``, duration → ``duration_seconds``, the stored
recording → ``recording_key``, the analysis transcript → ``transcript``, and its udfs,
pipeline status and analysis → ``extra``.

Filtering, ordering and paging happen in SQL on indexes that lead with the platform and
one filter column, go on with ``(started_at, platform_id)`` — the "newest first, then
id" order, stable across pages — and end with the other filter columns, so counting and
picking a page never read a table row (covering indexes): a few milliseconds at 100,000
calls for any combination of filters. Times are stored as fixed-width UTC text (``…T…Z``), which
sorts chronologically.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voxdesk.server.core.sqlite import open_checked

SCHEMA = """
CREATE TABLE IF NOT EXISTS core_calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    direction TEXT,
    from_number TEXT,
    to_number TEXT,
    started_at TEXT,
    ended_at TEXT,
    duration_seconds REAL,
    talk_seconds REAL,
    disposition TEXT,
    group_id TEXT,
    agent_id TEXT,
    outcome TEXT,
    transcript TEXT,
    survey TEXT,
    recording_key TEXT,
    extra TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (platform, platform_id)
);
CREATE INDEX IF NOT EXISTS core_calls_by_start
    ON core_calls(platform, started_at, platform_id, group_id, disposition, direction);
CREATE INDEX IF NOT EXISTS core_calls_by_group
    ON core_calls(platform, group_id, started_at, platform_id, disposition, direction);
CREATE INDEX IF NOT EXISTS core_calls_by_disposition
    ON core_calls(platform, disposition, started_at, platform_id, group_id, direction);
CREATE INDEX IF NOT EXISTS core_calls_by_direction
    ON core_calls(platform, direction, started_at, platform_id, group_id, disposition);
CREATE TABLE IF NOT EXISTS core_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

ANALYZE_AFTER_ROWS = 10_000

_COLUMNS = (
    "platform",
    "platform_id",
    "direction",
    "from_number",
    "to_number",
    "started_at",
    "ended_at",
    "duration_seconds",
    "talk_seconds",
    "disposition",
    "group_id",
    "agent_id",
    "outcome",
    "transcript",
    "survey",
    "recording_key",
    "extra",
    "created_at",
)
_JSON_COLUMNS = ("transcript", "survey", "extra")
_TIME_COLUMNS = ("started_at", "ended_at", "created_at")


def stored_time(moment: datetime) -> str:
    """Fixed-width UTC text, to the second (``2026-01-15T10:30:00Z``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stored_time(text: str | None) -> datetime | None:
    return (
        None if text is None else datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    )


@dataclass(frozen=True)
class CoreCall:
    """One call of one platform; ``None`` wherever the platform has nothing to say."""

    platform: str
    platform_id: str
    created_at: datetime
    direction: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    talk_seconds: float | None = None
    disposition: str | None = None
    group_id: str | None = None
    agent_id: str | None = None
    outcome: str | None = None
    transcript: list[dict[str, Any]] | None = None
    survey: dict[str, Any] | None = None
    recording_key: str | None = None
    extra: dict[str, Any] | None = None

    def row(self) -> tuple[Any, ...]:
        values = []
        for name in _COLUMNS:
            value = getattr(self, name)
            if name in _JSON_COLUMNS and value is not None:
                value = json.dumps(value, separators=(",", ":"))
            elif name in _TIME_COLUMNS and value is not None:
                value = stored_time(value)
            values.append(value)
        return tuple(values)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> CoreCall:
        values: dict[str, Any] = {}
        for name in _COLUMNS:
            value = row[name]
            if name in _JSON_COLUMNS and value is not None:
                value = json.loads(value)
            elif name in _TIME_COLUMNS:
                value = parse_stored_time(value)
            values[name] = value
        return cls(**values)


@dataclass
class CallQuery:
    """Which calls of one platform to list. Dates bound ``started_at``, inclusive."""

    platform: str
    group_id: str | None = None
    disposition: str | None = None
    direction: str | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses = ["platform = ?"]
        params: list[Any] = [self.platform]
        for column, value in (
            ("group_id", self.group_id),
            ("disposition", self.disposition),
            ("direction", self.direction),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.started_from is not None:
            clauses.append("started_at >= ?")
            params.append(stored_time(self.started_from))
        if self.started_to is not None:
            clauses.append("started_at <= ?")
            params.append(stored_time(self.started_to))
        return " AND ".join(clauses), params


class CoreStore:
    """Methods are synchronous and short; async code calls them via ``asyncio.to_thread``.
    One connection behind a lock, as in the Voxxi store: SQLite serialises writers anyway."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_checked(path, SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, list(params)).fetchall()

    # calls

    def insert_calls(self, calls: Iterable[CoreCall]) -> int:
        """Insert calls in one transaction (all or none); returns how many.

        Raises ``sqlite3.IntegrityError`` when a (platform, id) is already stored.
        """
        placeholders = ", ".join("?" for _ in _COLUMNS)
        sql = f"INSERT INTO core_calls ({', '.join(_COLUMNS)}) VALUES ({placeholders})"
        with self._lock:
            self._db.execute("BEGIN")
            try:
                cursor = self._db.executemany(sql, (call.row() for call in calls))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            if cursor.rowcount >= ANALYZE_AFTER_ROWS:
                # Fresh statistics let the planner pick the most selective index.
                self._db.execute("ANALYZE core_calls")
            return cursor.rowcount

    def replace_call(self, call: CoreCall) -> None:
        """Overwrite a stored call's columns with ``call``'s (a platform whose calls
        change after creation: Voxpria's status advances). Raises ``KeyError`` when the
        call is not stored."""
        columns = [name for name in _COLUMNS if name not in ("platform", "platform_id")]
        values = dict(zip(_COLUMNS, call.row(), strict=True))
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE core_calls SET {assignments} WHERE platform = ? AND platform_id = ?",
                [*(values[name] for name in columns), call.platform, call.platform_id],
            )
        if cursor.rowcount != 1:
            raise KeyError((call.platform, call.platform_id))

    def put_call(self, call: CoreCall) -> None:
        """Insert the call, or replace every column of the stored one but ``created_at``
        (a platform whose submissions for one id are one record: VOIX)."""
        placeholders = ", ".join("?" for _ in _COLUMNS)
        updates = ", ".join(
            f"{name} = excluded.{name}"
            for name in _COLUMNS
            if name not in ("platform", "platform_id", "created_at")
        )
        sql = (
            f"INSERT INTO core_calls ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "
            f"ON CONFLICT(platform, platform_id) DO UPDATE SET {updates}"
        )
        with self._lock:
            self._db.execute(sql, call.row())

    def get_call(self, platform: str, platform_id: str) -> CoreCall | None:
        rows = self._query(
            f"SELECT {', '.join(_COLUMNS)} FROM core_calls WHERE platform = ? AND platform_id = ?",
            (platform, platform_id),
        )
        return CoreCall.from_row(rows[0]) if rows else None

    def count_calls(self, platform: str) -> int:
        return self._query("SELECT COUNT(*) AS n FROM core_calls WHERE platform = ?", (platform,))[
            0
        ]["n"]

    def list_calls(
        self, query: CallQuery, *, offset: int, limit: int
    ) -> tuple[list[CoreCall], int]:
        """One page, newest ``started_at`` first then highest id (stable across pages),
        and the total matching.

        The page's row ids are picked on the index alone and only those rows are read,
        so a deep ``offset`` skips index entries, not whole rows.
        """
        condition, params = query.where()
        total = self._query(f"SELECT COUNT(*) AS n FROM core_calls WHERE {condition}", params)[0][
            "n"
        ]
        order = "started_at DESC, platform_id DESC"
        rows = self._query(
            f"SELECT {', '.join(_COLUMNS)} FROM core_calls WHERE seq IN ("
            f"SELECT seq FROM core_calls WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?"
            f") ORDER BY {order}",
            [*params, limit, offset],
        )
        return [CoreCall.from_row(row) for row in rows], total

    # settings

    def get_setting(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM core_settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO core_settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
