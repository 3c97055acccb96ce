"""Incremental sync of a listing platform's calls into the catalog.

For providers that implement ``SupportsCallList`` (the voice-bot platform): the first
sync pages through everything, newest first, ``PAGE_SIZE`` calls a page; each batch of
pages is written in its own transaction together with the connection's sync state, so
the list stays readable while it runs and a cancelled sync keeps every batch it stored.
The next
sync finishes an unfinished first pass from the oldest call it stored (``dateTo``,
inclusive: the boundary calls come again and are replaced, by id), then asks only for
what is new: ``dateFrom`` = the newest start seen − ``overlap``, because a call may
change after it was first listed (a survey answered late, an outcome set). Every write
is an upsert by call id, so overlaps never duplicate a call.

Pages are fetched a few ahead (``PREFETCH``), and written in batches on the catalog's
thread while the next pages download, so a sync costs little more than the network time
alone.

Usage::

    sync = CallSync(connection_id, provider, catalog, on_progress=show)
    result = await sync.run()          # cancel the task to stop; what is stored stays
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from voxdesk.domain import Call
from voxdesk.providers.protocols import SupportsCallList
from voxdesk.providers.queries import CallQuery
from voxdesk.services.catalog import CallCatalog, CallRows, SyncState

PAGE_SIZE = 200
#: Calls written per transaction after a pass's first page.
WRITE_BATCH = 2000
#: Pages on the wire at once: the next page downloads while this one is parsed (on a
#: worker thread), so the platform is never idle waiting for voxdesk.
PREFETCH = 3
#: How far before the newest start a refresh looks again, for calls changed since.
DEFAULT_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class SyncProgress:
    """Where a running sync is: ``pages`` and ``calls`` stored so far (readable in the
    catalog). ``total`` is the platform's count for the current pass (the whole library
    on a first sync, the new calls on a refresh), when it says."""

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


@dataclass(frozen=True)
class _FetchedPage:
    rows: CallRows
    total: int | None
    #: When its calls started (those that say).
    starts: list[datetime]


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
        write_batch: int = WRITE_BATCH,
        overlap: timedelta = DEFAULT_OVERLAP,
        prefetch: int = PREFETCH,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.connection = connection
        self.provider = provider
        self.catalog = catalog
        self.page_size = page_size
        self.write_batch = write_batch
        self.overlap = overlap
        self.prefetch = prefetch
        self.on_progress = on_progress
        self._pages = 0
        self._calls = 0

    async def run(self) -> SyncResult:
        """Bring the catalog up to date with the platform; returns what was fetched."""
        self._pages = self._calls = 0
        state = await self.catalog.sync_state(self.connection)
        full = state is None or not state.complete
        if full:
            state = await self._first_pass(state)
            if state is None:
                return SyncResult(self._pages, self._calls, full=True)
            # Resumed: what arrived while the first pass was stopped is still to come.
        since = state.newest_started_at - self.overlap if state.newest_started_at else None
        await self._pass(state, date_from=since, first_sync=False)
        return SyncResult(self._pages, self._calls, full)

    async def _first_pass(self, state: SyncState | None) -> SyncState | None:
        """A first pass, or the rest of one that was stopped: everything up to the
        oldest call stored so far (all of it, the first time). Returns the state to
        refresh from when the pass was resumed, else ``None``.

        The catalog's slow-to-fill sort indexes (and, into an empty connection, its text
        search) are dropped for it and built once at its end, stopped or not
        (``CallCatalog.defer_indexes``)."""
        resumed = state is not None
        state = state or SyncState()
        await self.catalog.defer_indexes(self.connection)
        try:
            state = await self._pass(state, date_to=state.oldest_started_at, first_sync=True)
            state = SyncState(state.newest_started_at, state.oldest_started_at, complete=True)
            await self.catalog.upsert_calls(self.connection, [], sync=state)
        finally:
            # Cancelled again while building: the next open builds what is missing.
            await self.catalog.build_indexes()
        return state if resumed else None

    async def _pass(
        self,
        state: SyncState,
        *,
        first_sync: bool,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> SyncState:
        """Page through one query, newest first, storing the calls with the state they
        reach; returns the last state stored.

        The first page is written alone (the list shows something at once), the rest in
        batches of ``write_batch`` calls: each transaction rewrites every index page it
        touches, so 2000 calls a transaction cost a third of what 200 do. One write is
        in flight at a time, on the catalog's thread, while the next pages download
        (``prefetch`` of them at once, once the first page gave the total)."""

        def fetch(page: int) -> asyncio.Task[_FetchedPage]:
            query = CallQuery(
                page=page, page_size=self.page_size, date_from=date_from, date_to=date_to
            )
            return asyncio.ensure_future(self._fetch(query))

        page, seen, total = 1, 0, None
        buffer: list[CallRows] = []
        buffered, buffered_pages = 0, 0
        # Pages asked for and not yet stored, in order; ``requested`` is the last one.
        pending: deque[asyncio.Task[_FetchedPage]] = deque([fetch(page)])
        requested = page
        writing: asyncio.Task[None] | None = None
        try:
            while pending:
                result = await pending.popleft()
                seen += len(result.rows)
                total = result.total
                more = len(result.rows) >= self.page_size and (
                    result.total is None or seen < result.total
                )
                if not more:
                    # The list ended sooner than its total said (calls went away):
                    # the pages asked for beyond it are not wanted.
                    beyond = list(pending)
                    pending.clear()
                    _cancel_all(beyond)
                    await asyncio.gather(*beyond, return_exceptions=True)
                while more and len(pending) < self.prefetch:
                    # Without a total, only the page after this one is known to exist.
                    if total is None and pending:
                        break
                    if total is not None and requested * self.page_size >= total:
                        break
                    requested += 1
                    pending.append(fetch(requested))
                state = _advanced(state, result.starts)
                buffer.append(result.rows)
                buffered += len(result.rows)
                buffered_pages += 1
                if page == 1 or buffered >= self.write_batch or not pending:
                    if writing is not None:
                        await writing
                    rows = CallRows.joined(self.connection, buffer)
                    writing = asyncio.ensure_future(
                        self._write(rows, buffered_pages, state, total, first_sync)
                    )
                    buffer, buffered, buffered_pages = [], 0, 0
                page += 1
            if writing is not None:
                await writing
            return state
        finally:
            # Cancelled (or failed) with pages on the wire or a batch being written:
            # they have no other owner. A write the catalog's thread has begun still
            # commits whole (or not at all), so the catalog stays consistent.
            tasks = [*pending, writing]
            _cancel_all(tasks)
            for task in tasks:
                if task is not None and not task.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    async def _fetch(self, query: CallQuery) -> _FetchedPage:
        """One page, laid out as catalog rows on a worker thread (``CallRows``): its
        ``Call`` objects end there, and the batch waiting for its write holds rows."""
        result = await self.provider.list_calls(query)
        starts = [start for call in result.calls if (start := _start(call)) is not None]
        rows = await asyncio.to_thread(CallRows.of, self.connection, result.calls)
        return _FetchedPage(rows, result.total, starts)

    async def _write(
        self, rows: CallRows, pages: int, state: SyncState, total: int | None, first: bool
    ) -> None:
        await self.catalog.upsert_rows(rows, sync=state)
        self._pages += pages
        self._calls += len(rows)
        if self.on_progress is not None:
            self.on_progress(SyncProgress(self._pages, self._calls, total, first))


def _cancel_all(tasks: Iterable[asyncio.Task | None]) -> None:
    for task in tasks:
        if task is not None and not task.done():
            task.cancel()


def _advanced(state: SyncState, starts: list[datetime]) -> SyncState:
    """``state`` with its newest and oldest starts widened to cover ``starts``."""
    starts = list(starts)
    if state.newest_started_at is not None:
        starts.append(state.newest_started_at)
    if not starts:
        return state
    oldest = [*starts, state.oldest_started_at] if state.oldest_started_at else starts
    return SyncState(max(starts), min(oldest), state.complete)
