"""Incremental sync of a listing platform's calls into the catalog.

For providers that implement ``SupportsCallList`` (the voice-bot platform): the first
sync pages through everything, newest first, ``PAGE_SIZE`` calls a page; each page is
written in its own transaction together with the connection's sync state, so the list
stays readable while it runs and a cancelled sync keeps every page it stored. The next
sync finishes an unfinished first pass from the oldest call it stored (``dateTo``,
inclusive: the boundary calls come again and are replaced, by id), then asks only for
what is new: ``dateFrom`` = the newest start seen − ``overlap``, because a call may
change after it was first listed (a survey answered late, an outcome set). Every write
is an upsert by call id, so overlaps never duplicate a call.

Pages are fetched one ahead: while page *n* is written on the catalog's thread, page
*n + 1* is already on the wire, so a sync costs about the network time alone.

Usage::

    sync = CallSync(connection_id, provider, catalog, on_progress=show)
    result = await sync.run()          # cancel the task to stop; what is stored stays
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from voxdesk.domain import Call
from voxdesk.providers.protocols import SupportsCallList
from voxdesk.providers.queries import CallPage, CallQuery
from voxdesk.services.catalog import CallCatalog, SyncState

PAGE_SIZE = 200
#: How far before the newest start a refresh looks again, for calls changed since.
DEFAULT_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class SyncProgress:
    """Where a running sync is. ``total`` is the platform's count for the current pass
    (the whole library on a first sync, the new calls on a refresh), when it says."""

    pages: int
    calls: int
    total: int | None
    first_sync: bool


@dataclass(frozen=True)
class SyncResult:
    pages: int
    calls: int
    #: True when this run paged through the whole library (a first or resumed pass).
    full: bool


ProgressCallback = Callable[[SyncProgress], None]


def _start(call: Call) -> datetime | None:
    return call.started_at or call.date


class CallSync:
    """Sync one connection's calls; one instance per run (or reuse it, one run at a time)."""

    def __init__(
        self,
        connection: str,
        provider: SupportsCallList,
        catalog: CallCatalog,
        *,
        page_size: int = PAGE_SIZE,
        overlap: timedelta = DEFAULT_OVERLAP,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.connection = connection
        self.provider = provider
        self.catalog = catalog
        self.page_size = page_size
        self.overlap = overlap
        self.on_progress = on_progress
        self._pages = 0
        self._calls = 0

    async def run(self) -> SyncResult:
        """Bring the catalog up to date with the platform; returns what was fetched."""
        self._pages = self._calls = 0
        state = await self.catalog.sync_state(self.connection)
        full = state is None or not state.complete
        if full:
            # A first pass, or the rest of one that was stopped: everything up to the
            # oldest call stored so far (all of it, the first time).
            resumed = state is not None
            state = state or SyncState()
            state = await self._pass(state, date_to=state.oldest_started_at, first_sync=True)
            state = SyncState(state.newest_started_at, state.oldest_started_at, complete=True)
            await self.catalog.upsert_calls(self.connection, [], sync=state)
            if not resumed:
                return SyncResult(self._pages, self._calls, full=True)
            # Resumed: what arrived while the first pass was stopped is still to come.
        since = state.newest_started_at - self.overlap if state.newest_started_at else None
        await self._pass(state, date_from=since, first_sync=False)
        return SyncResult(self._pages, self._calls, full)

    async def _pass(
        self,
        state: SyncState,
        *,
        first_sync: bool,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> SyncState:
        """Page through one query, newest first, storing each page with the state it
        reaches; returns the last state stored."""

        def fetch(page: int) -> asyncio.Task[CallPage]:
            query = CallQuery(
                page=page, page_size=self.page_size, date_from=date_from, date_to=date_to
            )
            return asyncio.ensure_future(self.provider.list_calls(query))

        page, seen = 1, 0
        pending = fetch(page)
        try:
            while True:
                result = await pending
                seen += len(result.calls)
                more = len(result.calls) >= self.page_size and (
                    result.total is None or seen < result.total
                )
                # Ask for the next page before writing this one: the two overlap.
                pending = fetch(page + 1) if more else None
                state = _advanced(state, result.calls)
                await self.catalog.upsert_calls(self.connection, result.calls, sync=state)
                self._pages += 1
                self._calls += len(result.calls)
                if self.on_progress is not None:
                    self.on_progress(
                        SyncProgress(self._pages, self._calls, result.total, first_sync)
                    )
                if pending is None:
                    return state
                page += 1
        finally:
            # Cancelled (or failed) while the next page was on the wire: it has no
            # other owner, so stop it here.
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending


def _advanced(state: SyncState, calls: list[Call]) -> SyncState:
    """``state`` with its newest and oldest starts widened to cover ``calls``."""
    starts = [start for call in calls if (start := _start(call)) is not None]
    if state.newest_started_at is not None:
        starts.append(state.newest_started_at)
    if not starts:
        return state
    oldest = [*starts, state.oldest_started_at] if state.oldest_started_at else starts
    return SyncState(max(starts), min(oldest), state.complete)
