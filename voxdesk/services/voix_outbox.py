"""The VOIX outbox on disk: each call's callId, minted once and kept, and which beats
VOIX has answered, so nothing is sent twice and a crash loses nothing.

A call is known by a ``key`` its sender chooses and can find again (a call-log row's
from/to/start time, a recording's path). ``prepare`` checks the call's fields against the
contract, then mints its callId and writes it to disk *before* anything is sent
(``synchronous = FULL``): a retry after a crash, and beat 2 after beat 1, reuse it.
``send`` re-sends the stable fields (from, to, startTime, outgoing) on every beat, as the
contract asks, and records VOIX's answer:

* no recording yet: beat 1, unless VOIX already answered it (``SKIPPED``);
* a recording: the finishing beat, unless VOIX already answered one for this same URL.

An answer that was lost (the connection dropped after sending) leaves the call as it
was, so the next ``send`` repeats the beat under the same callId and VOIX answers the
same job.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from voxdesk.contracts.voix import EXAMPLE_UUID, InvalidSubmission, Problem, check_submission
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.voix import RefusedBeforeSending, VoixProvider
from voxdesk.services import paths
from voxdesk.services.sqlite_migrations import Migrations, migrate
from voxdesk.services.sqlite_thread import SqliteThread

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
"""
SCHEMA_1 = """
CREATE TABLE voix_calls (
    connection_id TEXT NOT NULL,
    key TEXT NOT NULL,
    call_id TEXT NOT NULL UNIQUE,
    fields_json TEXT NOT NULL,
    recording_url TEXT,
    recording_source TEXT,
    started_sent INTEGER NOT NULL DEFAULT 0,
    finished_url TEXT,
    job_id TEXT,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (connection_id, key)
);
"""
MIGRATIONS: Migrations = [(1, SCHEMA_1)]

#: The fields a sender gives for a call (wire names); callId and recordingUrl are the
#: outbox's own.
CALL_FIELDS = ("from", "to", "startTime", "outgoing", "duration", "teamId", "userId")


def default_outbox_path() -> Path:
    return paths.data_dir() / "voix-outbox.sqlite3"


class Sent(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped as already sent"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True)
class OutboxCall:
    connection_id: str
    key: str
    call_id: str
    fields: dict[str, Any]
    recording_url: str | None
    #: The local file the recording was staged from, so a re-run reuses its URL.
    recording_source: str | None
    started_sent: bool
    finished_url: str | None
    job_id: str | None
    error: str | None

    def body(self) -> dict[str, Any]:
        """This beat's body: every stable field again, and the recording once known."""
        body = {"callId": self.call_id, **self.fields}
        if self.recording_url is not None:
            body["recordingUrl"] = self.recording_url
        return body

    @property
    def answered(self) -> bool:
        """VOIX has answered the beat this call is at."""
        if self.recording_url is None:
            return self.started_sent
        return self.finished_url == self.recording_url and self.job_id is not None


@dataclass(frozen=True)
class SendResult:
    call: OutboxCall
    outcome: Sent
    reason: str | None = None


def check_call(fields: dict[str, Any], recording_url: str | None) -> None:
    """``InvalidSubmission`` (plain words) unless the call's fields make a valid body."""
    problems = [
        Problem(
            field=name, message="is not a VOIX field; a call has only " + ", ".join(CALL_FIELDS)
        )
        for name in fields
        if name not in CALL_FIELDS
    ]
    body = {"callId": EXAMPLE_UUID, **{k: v for k, v in fields.items() if k in CALL_FIELDS}}
    if recording_url is not None:
        body["recordingUrl"] = recording_url
    problems += check_submission(body)
    if problems:
        raise InvalidSubmission(problems)


def _call(row: sqlite3.Row) -> OutboxCall:
    return OutboxCall(
        connection_id=row["connection_id"],
        key=row["key"],
        call_id=row["call_id"],
        fields=json.loads(row["fields_json"]),
        recording_url=row["recording_url"],
        recording_source=row["recording_source"],
        started_sent=bool(row["started_sent"]),
        finished_url=row["finished_url"],
        job_id=row["job_id"],
        error=row["error"],
    )


class VoixOutbox(SqliteThread):
    """Async facade over ``voix-outbox.sqlite3``."""

    label = "VOIX outbox"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or default_outbox_path())

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.row_factory = sqlite3.Row
        db.executescript(PRAGMAS)
        migrate(db, self.label, MIGRATIONS)

    def _get(self, connection_id: str, key: str) -> OutboxCall | None:
        row = self.db.execute(
            "SELECT * FROM voix_calls WHERE connection_id = ? AND key = ?", (connection_id, key)
        ).fetchone()
        return None if row is None else _call(row)

    async def get(self, connection_id: str, key: str) -> OutboxCall | None:
        return await self._run(lambda: self._get(connection_id, key))

    async def prepare(
        self,
        connection_id: str,
        key: str,
        fields: dict[str, Any],
        recording_url: str | None = None,
        recording_source: str | None = None,
    ) -> OutboxCall:
        """The call with its callId (minted now if it has none), on disk with these
        fields (the latest win) and this recording, if any; a call that already has a
        recording keeps it when none is given. Raises ``InvalidSubmission``."""
        check_call(fields, recording_url)

        def work() -> OutboxCall:
            now = time.time()
            with self.db:
                self.db.execute(
                    "INSERT INTO voix_calls (connection_id, key, call_id, fields_json, "
                    "recording_url, recording_source, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (connection_id, key) DO UPDATE SET "
                    "fields_json = excluded.fields_json, "
                    "recording_url = COALESCE(excluded.recording_url, recording_url), "
                    "recording_source = CASE WHEN excluded.recording_url IS NULL "
                    "THEN recording_source ELSE excluded.recording_source END, "
                    "updated_at = excluded.updated_at",
                    (
                        connection_id,
                        key,
                        str(uuid.uuid4()),
                        json.dumps(fields, sort_keys=True),
                        recording_url,
                        recording_source,
                        now,
                        now,
                    ),
                )
            found = self._get(connection_id, key)
            assert found is not None
            return found

        return await self._run(work)

    async def _record(self, call: OutboxCall, **changes: Any) -> OutboxCall:
        assignments = ", ".join(f"{name} = ?" for name in changes)

        def work() -> OutboxCall:
            with self.db:
                self.db.execute(
                    f"UPDATE voix_calls SET {assignments}, updated_at = ? "
                    "WHERE connection_id = ? AND key = ?",
                    (*changes.values(), time.time(), call.connection_id, call.key),
                )
            found = self._get(call.connection_id, call.key)
            assert found is not None
            return found

        return await self._run(work)

    async def send(self, provider: VoixProvider, call: OutboxCall) -> SendResult:
        """Send the beat the call is at, unless VOIX has answered it already."""
        if call.answered:
            return SendResult(call, Sent.SKIPPED)
        try:
            answer = await provider.submit(call.body())
        except RefusedBeforeSending as exc:
            return SendResult(await self._record(call, error=str(exc)), Sent.REFUSED, str(exc))
        except ProviderError as exc:
            outcome = Sent.REFUSED if exc.status is not None and exc.status < 500 else Sent.FAILED
            return SendResult(await self._record(call, error=str(exc)), outcome, str(exc))
        if call.recording_url is None:
            call = await self._record(call, started_sent=1, error=None)
        else:
            call = await self._record(
                call,
                started_sent=1,
                finished_url=call.recording_url,
                job_id=answer.job_id,
                error=None,
            )
        return SendResult(call, Sent.SENT)
