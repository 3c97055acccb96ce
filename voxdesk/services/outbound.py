"""Placing outbound calls (Voxpria) so that no customer is ever dialled twice, across
lost answers and crashes; for the desk and the CLI alike.

Every attempt is written to ``outbound.sqlite3`` as ``sending`` — with its attempt id
and request — *before* the create leaves; the provider carries the id to the platform
in the call's variables (``ATTEMPT_VARIABLE``) and reconciles a lost answer through the
call list itself. The answer makes the attempt ``placed`` (with its call id),
``refused`` (the platform said no: nothing was placed) or ``not_placed`` (it never
reached the platform); ``unknown`` when even the list could not tell. An attempt left
``sending`` or ``unknown`` — the process was killed mid-request, the platform was
unreachable — is settled by ``resume`` on the next start: found in the list → ``placed``;
proven absent → ``not_placed``, which the caller may place again as a new attempt.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from voxdesk.domain import OutboundCallRequest
from voxdesk.providers.base import CreatedCall
from voxdesk.providers.errors import NetworkError, ProviderError
from voxdesk.providers.voxpria import ATTEMPT_VARIABLE, AttemptUnresolved
from voxdesk.services import paths
from voxdesk.services.sqlite_migrations import Migrations, migrate
from voxdesk.services.sqlite_thread import SqliteThread

#: How far before an attempt was written its call may have been created (clock skew
#: between this computer and the platform).
CLOCK_SKEW = timedelta(minutes=5)

SCHEMA_1 = """
CREATE TABLE outbound_attempts (
    attempt_id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    request_json TEXT NOT NULL,
    state TEXT NOT NULL,
    call_id TEXT,
    reason TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX outbound_attempts_open ON outbound_attempts (connection_id, state);
"""
MIGRATIONS: Migrations = [(1, SCHEMA_1)]


class AttemptState(StrEnum):
    SENDING = "sending"
    PLACED = "placed"
    REFUSED = "refused"
    NOT_PLACED = "not_placed"
    UNKNOWN = "unknown"


OPEN_STATES = (AttemptState.SENDING, AttemptState.UNKNOWN)


@runtime_checkable
class FindsAttempts(Protocol):
    """A provider that places calls and can find one by its attempt id."""

    async def place_call(self, request: OutboundCallRequest) -> CreatedCall: ...

    async def find_attempt(self, attempt: str, since: datetime) -> CreatedCall | None: ...


@dataclass(frozen=True)
class Attempt:
    id: str
    connection: str
    request: OutboundCallRequest
    state: AttemptState
    created_at: float
    call_id: str | None = None
    reason: str | None = None

    def asks_for(self, request: OutboundCallRequest) -> bool:
        """True when this attempt placed (or tried to place) exactly ``request``: same
        agent, number and variables, its attempt mark aside."""
        variables = {k: v for k, v in self.request.variables.items() if k != ATTEMPT_VARIABLE}
        return (
            self.request.agent_id == request.agent_id
            and self.request.to_number == request.to_number
            and variables == request.variables
        )


def default_attempts_path() -> Path:
    return paths.data_dir() / "outbound.sqlite3"


class AttemptStore(SqliteThread):
    """Async facade over ``outbound.sqlite3``; every write is durable before it returns."""

    label = "outbound calls' database"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or default_attempts_path())

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.row_factory = sqlite3.Row
        db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        migrate(db, self.label, MIGRATIONS)

    async def add(self, attempt: Attempt) -> None:
        def work() -> None:
            with self.db:
                self.db.execute(
                    "INSERT INTO outbound_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        attempt.id,
                        attempt.connection,
                        attempt.request.model_dump_json(),
                        attempt.state.value,
                        attempt.call_id,
                        attempt.reason,
                        attempt.created_at,
                        time.time(),
                    ),
                )

        await self._run(work)

    async def settle(
        self,
        attempt_id: str,
        state: AttemptState,
        call_id: str | None = None,
        reason: str | None = None,
    ) -> Attempt:
        def work() -> Attempt:
            with self.db:
                self.db.execute(
                    "UPDATE outbound_attempts SET state = ?, call_id = ?, reason = ?, "
                    "updated_at = ? WHERE attempt_id = ?",
                    (state.value, call_id, reason, time.time(), attempt_id),
                )
            return self._get(attempt_id)

        return await self._run(work)

    def _get(self, attempt_id: str) -> Attempt:
        row = self.db.execute(
            "SELECT * FROM outbound_attempts WHERE attempt_id = ?", (attempt_id,)
        ).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        return _attempt(row)

    async def get(self, attempt_id: str) -> Attempt:
        return await self._run(lambda: self._get(attempt_id))

    async def open_attempts(self, connection: str) -> list[Attempt]:
        """The connection's attempts whose outcome is not known yet, oldest first."""
        marks = ", ".join("?" for _ in OPEN_STATES)

        def work() -> list[Attempt]:
            rows = self.db.execute(
                f"SELECT * FROM outbound_attempts WHERE connection_id = ? AND state IN ({marks}) "
                "ORDER BY created_at",
                (connection, *(s.value for s in OPEN_STATES)),
            ).fetchall()
            return [_attempt(row) for row in rows]

        return await self._run(work)


def _attempt(row: sqlite3.Row) -> Attempt:
    return Attempt(
        id=row["attempt_id"],
        connection=row["connection_id"],
        request=OutboundCallRequest.model_validate(json.loads(row["request_json"])),
        state=AttemptState(row["state"]),
        call_id=row["call_id"],
        reason=row["reason"],
        created_at=row["created_at"],
    )


class OutboundCalls:
    """Places calls through one connection's provider, journalled in ``store``."""

    def __init__(self, connection: str, provider: FindsAttempts, store: AttemptStore) -> None:
        self.connection = connection
        self._provider = provider
        self._store = store

    async def place(self, request: OutboundCallRequest) -> Attempt:
        """Place one call; the returned attempt says how it went (never raises for a
        refusal or a lost answer: those are states)."""
        attempt_id = uuid.uuid4().hex
        marked = request.model_copy(
            update={"variables": {**request.variables, ATTEMPT_VARIABLE: attempt_id}}
        )
        attempt = Attempt(
            attempt_id, self.connection, marked, AttemptState.SENDING, created_at=time.time()
        )
        await self._store.add(attempt)  # on disk before the request leaves
        try:
            created = await self._provider.place_call(marked)
        except AttemptUnresolved as exc:
            return await self._store.settle(attempt_id, AttemptState.UNKNOWN, reason=str(exc))
        except NetworkError as exc:
            state = AttemptState.UNKNOWN if exc.request_sent else AttemptState.NOT_PLACED
            return await self._store.settle(attempt_id, state, reason=str(exc))
        except ProviderError as exc:
            return await self._store.settle(attempt_id, AttemptState.REFUSED, reason=str(exc))
        return await self._store.settle(attempt_id, AttemptState.PLACED, call_id=created.call_id)

    async def resume(self) -> list[Attempt]:
        """Settle every attempt a previous run left open; returns them as settled (one
        the platform cannot be asked about stays as it was)."""
        settled = []
        for attempt in await self._store.open_attempts(self.connection):
            since = datetime.fromtimestamp(attempt.created_at, UTC) - CLOCK_SKEW
            try:
                found = await self._provider.find_attempt(attempt.id, since)
            except ProviderError:
                settled.append(attempt)
                continue
            if found is None:
                attempt = await self._store.settle(
                    attempt.id,
                    AttemptState.NOT_PLACED,
                    reason="The platform has no call for this attempt: it was never placed.",
                )
            else:
                attempt = await self._store.settle(
                    attempt.id, AttemptState.PLACED, call_id=found.call_id
                )
            settled.append(attempt)
        return settled
