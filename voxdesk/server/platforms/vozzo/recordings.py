"""Recordings in Vozzo's database: from upload link to stored audio, through the states
INITIATED → TRANSCRIPTION_COMPLETED → ANALYSIS_COMPLETED (or FAILED with a reason), each
change recorded in the history in the same transaction. A state only moves forward from
the one it is expected to leave, so a job queued twice, or one that ends after another
already failed the recording, changes nothing. Listing, counting and the summaries'
breakdowns happen in SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voxdesk.contracts.vozzo import RecordingState
from voxdesk.server.core.store import parse_stored_time
from voxdesk.server.core.wire_json import loads_stored
from voxdesk.server.platforms.vozzo.db import VozzoDb, now_text

_COLUMNS = (
    "recording_uuid",
    "usecase_uuid",
    "profile",
    "file_name",
    "file_size",
    "content_type",
    "s3_key",
    "storage_key",
    "call_date",
    "call_type",
    "metadata",
    "state",
    "day",
    "created_at",
    "duration_seconds",
    "error",
)
_SELECT = ", ".join(_COLUMNS)
_STORED = "state IS NOT NULL"
_ORDER = "created_at DESC, seq DESC"


def storage_key(s3_key: str) -> str:
    """Where a recording's audio lives in the server's storage: under ``vozzo/``, so an
    ``s3_key`` can only ever name Vozzo's own objects."""
    return f"vozzo/{s3_key}"


@dataclass(frozen=True)
class NewRecording:
    recording_uuid: str
    usecase_uuid: str | None
    profile: str
    file_name: str
    file_size: int | None
    content_type: str
    s3_key: str
    storage_key: str
    call_date: str | None
    call_type: str | None
    metadata: dict[str, Any]


@dataclass(frozen=True)
class StoredRecording(NewRecording):
    """A recording as stored: what it was created with, and where it stands."""

    state: RecordingState | None
    day: str
    created_at: datetime
    duration_seconds: float | None
    error: str | None

    @classmethod
    def from_row(cls, row: Any) -> StoredRecording:
        values = {name: row[name] for name in _COLUMNS}
        values["metadata"] = loads_stored(row["metadata"])
        values["state"] = RecordingState(row["state"]) if row["state"] else None
        values["created_at"] = parse_stored_time(row["created_at"])
        return cls(**values)


@dataclass(frozen=True)
class RecordingFilter:
    usecase_uuid: str
    state: RecordingState | None = None
    start_date: str | None = None
    end_date: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses = ["usecase_uuid = ?", _STORED]
        params: list[Any] = [self.usecase_uuid]
        if self.state is not None:
            clauses.append("state = ?")
            params.append(self.state.value)
        if self.start_date is not None:
            clauses.append("day >= ?")
            params.append(self.start_date)
        if self.end_date is not None:
            clauses.append("day <= ?")
            params.append(self.end_date)
        return " AND ".join(clauses), params


class RecordingStore:
    def __init__(self, db: VozzoDb) -> None:
        self._db = db

    # creation

    def add(self, new: NewRecording, *, stored: bool) -> None:
        """A recording awaiting its upload (``stored=False``: invisible until
        ``mark_stored``), or one whose audio is already stored (INITIATED)."""
        at = now_text()
        names = [
            "recording_uuid", "usecase_uuid", "profile", "file_name", "file_size",
            "content_type", "s3_key", "storage_key", "call_date", "call_type", "metadata",
            "state", "day", "created_at",
        ]  # fmt: skip
        values = [
            new.recording_uuid, new.usecase_uuid, new.profile, new.file_name, new.file_size,
            new.content_type, new.s3_key, new.storage_key, new.call_date, new.call_type,
            json.dumps(new.metadata, separators=(",", ":")),
            RecordingState.INITIATED.value if stored else None,
            new.call_date or at[:10], at,
        ]  # fmt: skip
        with self._db.transaction() as db:
            db.execute(
                f"INSERT INTO vozzo_recordings ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})",
                values,
            )
            if stored:
                _history(db, new.recording_uuid, RecordingState.INITIATED, at)

    def awaiting_upload(self, recording_uuid: str) -> StoredRecording | None:
        rows = self._db.query(
            f"SELECT {_SELECT} FROM vozzo_recordings WHERE recording_uuid = ? AND state IS NULL",
            (recording_uuid,),
        )
        return StoredRecording.from_row(rows[0]) if rows else None

    def mark_stored(self, recording_uuid: str, size: int) -> bool:
        """The upload's audio is stored: INITIATED from now (the upload day is the call
        date unless the metadata gave one). False if it already was."""
        at = now_text()
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE vozzo_recordings SET state = ?, created_at = ?, file_size = ?, "
                "day = COALESCE(call_date, ?) WHERE recording_uuid = ? AND state IS NULL",
                (RecordingState.INITIATED.value, at, size, at[:10], recording_uuid),
            ).rowcount
            if changed:
                _history(db, recording_uuid, RecordingState.INITIATED, at)
        return bool(changed)

    # reading

    def get(self, recording_uuid: str) -> StoredRecording | None:
        rows = self._db.query(
            f"SELECT {_SELECT} FROM vozzo_recordings WHERE recording_uuid = ? AND {_STORED}",
            (recording_uuid,),
        )
        return StoredRecording.from_row(rows[0]) if rows else None

    def by_s3_key(self, s3_key: str) -> StoredRecording | None:
        rows = self._db.query(
            f"SELECT {_SELECT} FROM vozzo_recordings WHERE s3_key = ? AND {_STORED}", (s3_key,)
        )
        return StoredRecording.from_row(rows[0]) if rows else None

    def page(
        self, wanted: RecordingFilter, *, offset: int, limit: int
    ) -> tuple[list[StoredRecording], int]:
        """Newest first, then the latest added; and how many match."""
        where, params = wanted.where()
        total = self._db.query(f"SELECT COUNT(*) AS n FROM vozzo_recordings WHERE {where}", params)[
            0
        ]["n"]
        rows = self._db.query(
            f"SELECT {_SELECT} FROM vozzo_recordings WHERE {where} ORDER BY {_ORDER} "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [StoredRecording.from_row(row) for row in rows], total

    def history(self, recording_uuid: str) -> list[tuple[RecordingState, datetime]]:
        rows = self._db.query(
            "SELECT state, at FROM vozzo_history WHERE recording_uuid = ? ORDER BY seq",
            (recording_uuid,),
        )
        return [(RecordingState(row["state"]), parse_stored_time(row["at"])) for row in rows]

    def results(self, recording_uuid: str) -> tuple[Any, Any]:
        """``(transcript, analytics)`` as stored (JSON values), each ``None`` until made."""
        rows = self._db.query(
            "SELECT transcript, analytics FROM vozzo_recordings WHERE recording_uuid = ?",
            (recording_uuid,),
        )
        if not rows:
            return None, None
        return tuple(
            None if rows[0][name] is None else loads_stored(rows[0][name])
            for name in ("transcript", "analytics")
        )  # type: ignore[return-value]

    def in_state(self, state: RecordingState) -> list[str]:
        """Recordings in ``state``, oldest first (to resume after a restart)."""
        rows = self._db.query(
            "SELECT recording_uuid FROM vozzo_recordings WHERE state = ? ORDER BY seq",
            (state.value,),
        )
        return [row["recording_uuid"] for row in rows]

    # processing

    def record_transcript(
        self, recording_uuid: str, duration: float, transcript: list[dict[str, Any]]
    ) -> bool:
        at = now_text()
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE vozzo_recordings SET state = ?, duration_seconds = ?, transcript = ? "
                "WHERE recording_uuid = ? AND state = ?",
                (
                    RecordingState.TRANSCRIPTION_COMPLETED.value,
                    duration,
                    json.dumps(transcript, separators=(",", ":")),
                    recording_uuid,
                    RecordingState.INITIATED.value,
                ),
            ).rowcount
            if changed:
                _history(db, recording_uuid, RecordingState.TRANSCRIPTION_COMPLETED, at)
        return bool(changed)

    def record_analysis(
        self,
        recording_uuid: str,
        analytics: dict[str, Any],
        bucket: str | None,
        answers: Sequence[tuple[str, str]],
    ) -> bool:
        """The analytics, the chosen bucket and each ``(question, answer)``, counted by
        the summaries."""
        at = now_text()
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE vozzo_recordings SET state = ?, analytics = ?, bucket = ? "
                "WHERE recording_uuid = ? AND state = ?",
                (
                    RecordingState.ANALYSIS_COMPLETED.value,
                    json.dumps(analytics, separators=(",", ":")),
                    bucket,
                    recording_uuid,
                    RecordingState.TRANSCRIPTION_COMPLETED.value,
                ),
            ).rowcount
            if changed:
                db.executemany(
                    "INSERT OR REPLACE INTO vozzo_answers "
                    "(recording_uuid, position, question, answer) VALUES (?, ?, ?, ?)",
                    [(recording_uuid, i, q, a) for i, (q, a) in enumerate(answers)],
                )
                _history(db, recording_uuid, RecordingState.ANALYSIS_COMPLETED, at)
        return bool(changed)

    def record_failure(self, recording_uuid: str, reason: str) -> bool:
        at = now_text()
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE vozzo_recordings SET state = ?, error = ? "
                "WHERE recording_uuid = ? AND state IN (?, ?)",
                (
                    RecordingState.FAILED.value,
                    reason,
                    recording_uuid,
                    RecordingState.INITIATED.value,
                    RecordingState.TRANSCRIPTION_COMPLETED.value,
                ),
            ).rowcount
            if changed:
                _history(db, recording_uuid, RecordingState.FAILED, at)
        return bool(changed)

    # summaries

    def state_counts(self, usecase_uuid: str) -> dict[RecordingState, int]:
        rows = self._db.query(
            f"SELECT state, COUNT(*) AS n FROM vozzo_recordings "
            f"WHERE usecase_uuid = ? AND {_STORED} GROUP BY state",
            (usecase_uuid,),
        )
        counts = dict.fromkeys(RecordingState, 0)
        counts.update({RecordingState(row["state"]): row["n"] for row in rows})
        return counts

    def bucket_counts(self, usecase_uuid: str) -> dict[str | None, int]:
        rows = self._db.query(
            "SELECT bucket, COUNT(*) AS n FROM vozzo_recordings "
            "WHERE usecase_uuid = ? AND state = ? GROUP BY bucket",
            (usecase_uuid, RecordingState.ANALYSIS_COMPLETED.value),
        )
        return {row["bucket"]: row["n"] for row in rows}

    def call_type_counts(self, usecase_uuid: str) -> list[tuple[str | None, int]]:
        rows = self._db.query(
            f"SELECT call_type, COUNT(*) AS n FROM vozzo_recordings "
            f"WHERE usecase_uuid = ? AND {_STORED} GROUP BY call_type "
            "ORDER BY n DESC, call_type IS NULL, call_type",
            (usecase_uuid,),
        )
        return [(row["call_type"], row["n"]) for row in rows]

    def answer_counts(self, usecase_uuid: str) -> dict[tuple[str, str], int]:
        """``(question, answer)`` → how many analysed recordings gave it."""
        rows = self._db.query(
            "SELECT a.question, a.answer, COUNT(*) AS n FROM vozzo_answers a "
            "JOIN vozzo_recordings r ON r.recording_uuid = a.recording_uuid "
            "WHERE r.usecase_uuid = ? AND r.state = ? GROUP BY a.question, a.answer",
            (usecase_uuid, RecordingState.ANALYSIS_COMPLETED.value),
        )
        return {(row["question"], row["answer"]): row["n"] for row in rows}


def _history(db: Any, recording_uuid: str, state: RecordingState, at: str) -> None:
    db.execute(
        "INSERT INTO vozzo_history (recording_uuid, state, at) VALUES (?, ?, ?)",
        (recording_uuid, state.value, at),
    )
