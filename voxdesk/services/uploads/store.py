"""The upload queue on disk, so a quit or a crash loses nothing.

Every state change is written before the step it announces is taken (``creating`` is
on disk before the create request leaves), so a restarted queue knows what may already
have happened. Presigned upload URLs are not stored where a fresh one costs nothing (a
resumed Voxxi upload restarts from byte 0 with a new one). A Vozzo upload link is the
exception: it *is* its recording (a new link makes a new one), so it is kept, in this
private file, until its PUT is settled — a resumed job PUTs to the same link again,
and the platform stores it once (see ``usecase_flow``). SQLite runs on one
dedicated thread, like the catalog, so the event loop never waits on the disk.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from voxdesk.services import paths
from voxdesk.services.connections import ConnectionStore
from voxdesk.services.sqlite_migrations import Migrations, migrate
from voxdesk.services.sqlite_thread import SqliteThread
from voxdesk.services.uploads.jobs import FINAL_STATES, UploadJob, UploadState

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
"""
# Version 1 is the layout voxdesk 0.1.0 created (without a version number: ``IF NOT
# EXISTS`` adopts its files as they are).
SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS upload_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL UNIQUE,
    connection TEXT NOT NULL,
    path TEXT NOT NULL,
    member_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    call_date TEXT,
    udfs_json TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    fingerprint TEXT,
    content_type TEXT,
    public_url TEXT,
    call_id TEXT,
    create_attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS upload_jobs_state ON upload_jobs (connection, state);
"""


def _key_jobs_by_connection_id(db: sqlite3.Connection) -> None:
    """Version 2: jobs belong to a connection's id, not its name (0.1.0's key), so a
    rename leaves them with their connection."""
    db.execute("ALTER TABLE upload_jobs RENAME COLUMN connection TO connection_id")
    db.executemany(
        "UPDATE upload_jobs SET connection_id = ? WHERE connection_id = ?",
        [(new, old) for old, new in ConnectionStore().legacy_keys().items()],
    )


# Version 3: a Vozzo job's upload link and the recording it names, until its PUT settles.
SCHEMA_3 = """
ALTER TABLE upload_jobs ADD COLUMN upload_link TEXT;
ALTER TABLE upload_jobs ADD COLUMN link_recording_id TEXT;
"""

MIGRATIONS: Migrations = [(1, SCHEMA_1), (2, _key_jobs_by_connection_id), (3, SCHEMA_3)]
# Job fields kept on disk; the live transfer figures (bytes sent, speed) are not.
_STORED = (
    "job_id, connection_id, path, member_id, category_id, call_date, udfs_json, state, reason, "
    "size, mtime_ns, fingerprint, content_type, public_url, call_id, create_attempts, "
    "upload_link, link_recording_id"
)
_FINAL = tuple(state.value for state in FINAL_STATES)


def default_queue_path() -> Path:
    return paths.data_dir() / "uploads.sqlite3"


def _row(job: UploadJob) -> tuple[Any, ...]:
    return (
        job.id,
        job.connection,
        str(job.path),
        job.member_id,
        job.category_id,
        job.call_date,
        json.dumps(job.udfs),
        job.state.value,
        job.reason,
        job.size,
        job.mtime_ns,
        job.fingerprint,
        job.content_type,
        job.public_url,
        job.call_id,
        job.create_attempts,
        job.upload_link,
        job.link_recording_id,
    )


def _job(row: sqlite3.Row) -> UploadJob:
    return UploadJob(
        id=row["job_id"],
        seq=row["seq"],
        connection=row["connection_id"],
        path=Path(row["path"]),
        member_id=row["member_id"],
        category_id=row["category_id"],
        call_date=row["call_date"],
        udfs=json.loads(row["udfs_json"]),
        state=UploadState(row["state"]),
        reason=row["reason"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        fingerprint=row["fingerprint"],
        content_type=row["content_type"],
        public_url=row["public_url"],
        call_id=row["call_id"],
        create_attempts=row["create_attempts"],
        upload_link=row["upload_link"],
        link_recording_id=row["link_recording_id"],
    )


class UploadStore(SqliteThread):
    """Async facade over ``uploads.sqlite3``."""

    label = "upload queue's database"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or default_queue_path())

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.row_factory = sqlite3.Row
        db.executescript(PRAGMAS)
        migrate(db, self.label, MIGRATIONS)

    async def add(self, job: UploadJob) -> UploadJob:
        """Store a new job; returns it with its queue position (``seq``)."""

        def work() -> UploadJob:
            now = time.time()
            values = (*_row(job), now, now)
            with self.db:
                cursor = self.db.execute(
                    f"INSERT INTO upload_jobs ({_STORED}, created_at, updated_at) "
                    f"VALUES ({', '.join('?' * len(values))})",
                    values,
                )
            return replace(job, seq=cursor.lastrowid or 0)

        return await self._run(work)

    async def save(self, job: UploadJob) -> None:
        """Write a job's current state (durably: ``synchronous = FULL``)."""
        columns = [c.strip() for c in _STORED.split(",")][1:]
        assignments = ", ".join(f"{c} = ?" for c in columns)

        def work() -> None:
            with self.db:
                self.db.execute(
                    f"UPDATE upload_jobs SET {assignments}, updated_at = ? WHERE job_id = ?",
                    (*_row(job)[1:], time.time(), job.id),
                )

        await self._run(work)

    async def unfinished(self, connection: str) -> list[UploadJob]:
        """Every job of a connection that has not reached a final state, in queue order."""
        marks = ", ".join("?" * len(_FINAL))

        def work() -> list[UploadJob]:
            rows = self.db.execute(
                f"SELECT seq, {_STORED} FROM upload_jobs "
                f"WHERE connection_id = ? AND state NOT IN ({marks}) ORDER BY seq",
                (connection, *_FINAL),
            ).fetchall()
            return [_job(row) for row in rows]

        return await self._run(work)

    async def find_unfinished(
        self, connection: str, path: Path, size: int, mtime_ns: int, category_id: str
    ) -> UploadJob | None:
        """An unfinished job for the same unchanged file and category: queueing the file
        again (re-running an interrupted ``voxdesk upload``) resumes it, not a second one."""
        marks = ", ".join("?" * len(_FINAL))

        def work() -> UploadJob | None:
            row = self.db.execute(
                f"SELECT seq, {_STORED} FROM upload_jobs WHERE connection_id = ? AND path = ? "
                f"AND size = ? AND mtime_ns = ? AND category_id = ? "
                f"AND state NOT IN ({marks}) ORDER BY seq LIMIT 1",
                (connection, str(path), size, mtime_ns, category_id, *_FINAL),
            ).fetchone()
            return _job(row) if row else None

        return await self._run(work)

    async def find_uploaded(
        self, connection: str, path: Path, size: int, mtime_ns: int
    ) -> UploadJob | None:
        """The latest job that made a call from this same unchanged file, whatever it was
        filed under: uploading it again would make a second call of the same recording."""

        def work() -> UploadJob | None:
            row = self.db.execute(
                f"SELECT seq, {_STORED} FROM upload_jobs WHERE connection_id = ? AND path = ? "
                "AND size = ? AND mtime_ns = ? AND call_id IS NOT NULL "
                "ORDER BY seq DESC LIMIT 1",
                (connection, str(path), size, mtime_ns),
            ).fetchone()
            return _job(row) if row else None

        return await self._run(work)

    async def get(self, job_id: str) -> UploadJob | None:
        def work() -> UploadJob | None:
            row = self.db.execute(
                f"SELECT seq, {_STORED} FROM upload_jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
            return _job(row) if row else None

        return await self._run(work)

    async def remove(self, job_ids: list[str]) -> None:
        def work() -> None:
            with self.db:
                self.db.executemany(
                    "DELETE FROM upload_jobs WHERE job_id = ?", [(i,) for i in job_ids]
                )

        await self._run(work)
