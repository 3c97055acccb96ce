"""SQLite (WAL) persistence of members, calls and small server settings.

Methods are synchronous and short; async code calls them through
``asyncio.to_thread`` so the event loop never waits on the disk. One connection is
shared behind a lock: SQLite serialises writers anyway, and WAL lets the API read
while the pipeline writes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from voxdesk.server.core.sqlite import open_checked
from voxdesk.server.dates import to_storage, utc_now
from voxdesk.server.wire_json import loads_stored

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    member_id TEXT NOT NULL REFERENCES members(id),
    category_id TEXT NOT NULL,
    audio_url TEXT NOT NULL,
    call_date TEXT NOT NULL,
    udfs TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    error TEXT,
    duration REAL,
    analysis TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_by_status ON calls(status);
CREATE INDEX IF NOT EXISTS calls_by_date ON calls(call_date);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

PENDING, PROCESSING, COMPLETED, FAILED = "pending", "processing", "completed", "failed"
STATUSES = (PENDING, PROCESSING, COMPLETED, FAILED)
STAGE_INGEST, STAGE_ANALYZE, STAGE_DONE = "ingest", "analyze", "done"


@dataclass(frozen=True)
class Member:
    id: str
    email: str | None
    name: str


@dataclass(frozen=True)
class CallRecord:
    id: str
    member_id: str
    category_id: str
    audio_url: str
    call_date: str
    udfs: dict[str, Any]
    status: str
    stage: str
    error: str | None
    duration: float | None
    analysis: dict[str, Any] | None
    created_at: str
    updated_at: str


@dataclass
class CallFilter:
    status: str | None = None
    member_id: str | None = None
    category_id: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str | None = None


_CALL_COLUMNS = (
    "id, member_id, category_id, audio_url, call_date, udfs, status, stage, error, "
    "duration, analysis, created_at, updated_at"
)


def _stored_json(row: sqlite3.Row, column: str) -> Any:
    """A JSON column, made sendable (see ``wire_json``); text that does not decode at
    all reads as ``None`` so the rest of the record, and of its page, still answers."""
    text = row[column]
    if not text:
        return None
    try:
        return loads_stored(text)
    except (ValueError, RecursionError):
        log.error("Call %s: the stored %s is not readable JSON; reading it as empty",
                  row["id"], column)  # fmt: skip
        return None


def _call(row: sqlite3.Row) -> CallRecord:
    udfs = _stored_json(row, "udfs")
    return CallRecord(
        id=row["id"],
        member_id=row["member_id"],
        category_id=row["category_id"],
        audio_url=row["audio_url"],
        call_date=row["call_date"],
        udfs=udfs if isinstance(udfs, dict) else {},
        status=row["status"],
        stage=row["stage"],
        error=row["error"],
        duration=row["duration"],
        analysis=_stored_json(row, "analysis"),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class Store:
    def __init__(self, path: Path) -> None:
        """Open (or create) the database; raises ``DamagedDatabase`` rather than serve
        from a damaged file, whose garbage would otherwise surface as a 500 on some list."""
        self._lock = threading.Lock()
        self._db = open_checked(path, SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _write(self, sql: str, params: tuple | list = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    # members

    def add_member(self, member: Member) -> None:
        self._write(
            "INSERT INTO members (id, email, name) VALUES (?, ?, ?)",
            (member.id, member.email, member.name),
        )

    def find_member(self, id_or_email: str) -> Member | None:
        rows = self._query(
            "SELECT id, email, name FROM members WHERE id = ? OR email = ? "
            "ORDER BY id = ? DESC LIMIT 1",
            (id_or_email, id_or_email, id_or_email),
        )
        return Member(**dict(rows[0])) if rows else None

    def list_members(self) -> list[Member]:
        rows = self._query("SELECT id, email, name FROM members ORDER BY name, id")
        return [Member(**dict(row)) for row in rows]

    # calls

    def insert_call(self, call: CallRecord) -> None:
        self._write(
            f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call.id,
                call.member_id,
                call.category_id,
                call.audio_url,
                call.call_date,
                json.dumps(call.udfs),
                call.status,
                call.stage,
                call.error,
                call.duration,
                json.dumps(call.analysis) if call.analysis is not None else None,
                call.created_at,
                call.updated_at,
            ),
        )

    def get_call(self, call_id: str) -> CallRecord | None:
        rows = self._query(f"SELECT {_CALL_COLUMNS} FROM calls WHERE id = ?", (call_id,))
        return _call(rows[0]) if rows else None

    def update_call(self, call_id: str, **fields: Any) -> None:
        """Set columns by name and bump ``updated_at``."""
        if "analysis" in fields and fields["analysis"] is not None:
            fields["analysis"] = json.dumps(fields["analysis"])
        fields["updated_at"] = to_storage(utc_now())
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._write(f"UPDATE calls SET {assignments} WHERE id = ?", [*fields.values(), call_id])

    def unfinished_calls(self) -> list[str]:
        """Calls a previous run accepted but did not finish, oldest first."""
        rows = self._query(
            "SELECT id FROM calls WHERE status IN (?, ?) ORDER BY seq", (PENDING, PROCESSING)
        )
        return [row["id"] for row in rows]

    def count_calls(self) -> int:
        return self._query("SELECT COUNT(*) AS n FROM calls")[0]["n"]

    def list_calls(
        self, where: CallFilter, *, offset: int, limit: int
    ) -> tuple[list[CallRecord], int]:
        """One page of calls matching ``where``, newest call date first, and the total."""
        clauses: list[str] = []
        params: list[Any] = []
        if where.status:
            clauses.append("c.status = ?")
            params.append(where.status)
        if where.member_id:
            clauses.append("c.member_id = ?")
            params.append(where.member_id)
        if where.category_id:
            clauses.append("c.category_id = ?")
            params.append(where.category_id)
        if where.date_from:
            clauses.append("c.call_date >= ?")
            params.append(to_storage(where.date_from))
        if where.date_to:
            clauses.append("c.call_date <= ?")
            params.append(to_storage(where.date_to))
        if where.text:
            pattern = (
                "%" + where.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            # json_extract fails the whole query on one damaged analysis; json_valid
            # first lets that call simply not match on its summary.
            analysis = "CASE WHEN json_valid(c.analysis) THEN json_extract(c.analysis, '{}') END"
            searchable = (
                "c.id",
                "c.member_id",
                "m.email",
                "m.name",
                analysis.format("$.summary"),
                analysis.format("$.outcomeLabel"),
            )
            clauses.append(
                "(" + " OR ".join(f"{col} LIKE ? ESCAPE '\\'" for col in searchable) + ")"
            )
            params.extend([pattern] * len(searchable))
        condition = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        base = f"FROM calls c JOIN members m ON m.id = c.member_id {condition}"
        total = self._query(f"SELECT COUNT(*) AS n {base}", params)[0]["n"]
        columns = ", ".join(f"c.{name.strip()}" for name in _CALL_COLUMNS.split(","))
        rows = self._query(
            f"SELECT {columns} {base} ORDER BY c.call_date DESC, c.seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_call(row) for row in rows], total

    # settings

    def get_setting(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
