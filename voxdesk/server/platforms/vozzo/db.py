"""Vozzo's SQLite file (``vozzo.sqlite3`` in the data dir): the organization, its
profiles, use cases, recordings with their state history, and each analysed recording's
answers (a row per question, so the summaries are counted in SQL).

A recording row exists from its upload link on, but belongs to the API only once its
audio is stored: until then ``state`` is NULL and every listing, count and lookup leaves
it out, so a link whose answer was lost or whose PUT never finished adds no recording.
``day`` is the call date (the metadata's, else the upload day) that date filters bound.
Times are fixed-width UTC text (``core.store.stored_time``), which sorts chronologically.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voxdesk.contracts.vozzo import DEFAULT_CLIENT_NAME, DEFAULT_PROFILE
from voxdesk.server.core.sqlite import open_checked
from voxdesk.server.core.store import stored_time

DB_FILE = "vozzo.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS vozzo_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vozzo_profiles (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vozzo_usecases (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    usecase_uuid TEXT NOT NULL UNIQUE,
    usecase_name TEXT NOT NULL,
    usecase_desc TEXT NOT NULL,
    tags TEXT NOT NULL,
    buckets TEXT NOT NULL,
    analysis_config TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vozzo_recordings (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_uuid TEXT NOT NULL UNIQUE,
    usecase_uuid TEXT,
    profile TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_size INTEGER,
    content_type TEXT NOT NULL,
    s3_key TEXT NOT NULL UNIQUE,
    storage_key TEXT NOT NULL,
    call_date TEXT,
    call_type TEXT,
    metadata TEXT NOT NULL,
    state TEXT,
    day TEXT NOT NULL,
    created_at TEXT NOT NULL,
    duration_seconds REAL,
    error TEXT,
    transcript TEXT,
    analytics TEXT,
    bucket TEXT
);
CREATE INDEX IF NOT EXISTS vozzo_recordings_by_usecase
    ON vozzo_recordings(usecase_uuid, state, day, seq);
CREATE TABLE IF NOT EXISTS vozzo_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_uuid TEXT NOT NULL,
    state TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS vozzo_history_by_recording ON vozzo_history(recording_uuid, seq);
CREATE TABLE IF NOT EXISTS vozzo_answers (
    recording_uuid TEXT NOT NULL,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (recording_uuid, position)
);
"""

ORG_UUID_SETTING = "org_uuid"
CLIENT_NAME_SETTING = "client_name"


def now_text() -> str:
    return stored_time(datetime.now(UTC))


@dataclass(frozen=True)
class Org:
    org_uuid: str
    client_name: str


class VozzoDb:
    """One connection behind a lock (SQLite serialises writers anyway); methods of the
    stores built on it are synchronous and short, called via ``asyncio.to_thread``."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_checked(path, SCHEMA)
        self.org = self._org()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement; how many rows it changed."""
        with self._lock:
            return self._db.execute(sql, list(params)).rowcount

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside ``BEGIN IMMEDIATE … COMMIT`` (rolled back on error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _org(self) -> Org:
        """The data dir's one organization, created with the ``default`` profile on the
        first start."""
        with self.transaction() as db:
            rows = dict(db.execute("SELECT key, value FROM vozzo_settings").fetchall())
            if ORG_UUID_SETTING not in rows:
                rows = {
                    ORG_UUID_SETTING: str(uuid.uuid4()),
                    CLIENT_NAME_SETTING: DEFAULT_CLIENT_NAME,
                }
                db.executemany(
                    "INSERT INTO vozzo_settings (key, value) VALUES (?, ?)", list(rows.items())
                )
                db.execute(
                    "INSERT OR IGNORE INTO vozzo_profiles (name, created_at) VALUES (?, ?)",
                    (DEFAULT_PROFILE, now_text()),
                )
        return Org(rows[ORG_UUID_SETTING], rows[CLIENT_NAME_SETTING])

    def get_setting(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM vozzo_settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self.execute(
            "INSERT INTO vozzo_settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def profiles(self) -> list[str]:
        return [row["name"] for row in self.query("SELECT name FROM vozzo_profiles ORDER BY name")]

    def use_profile(self, name: str) -> None:
        """Profiles are created on first use."""
        self.execute(
            "INSERT OR IGNORE INTO vozzo_profiles (name, created_at) VALUES (?, ?)",
            (name, now_text()),
        )
