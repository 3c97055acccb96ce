"""The presenter between the call list/detail widgets and the async call services.

Widgets only emit what the reviewer did; this object turns it into catalog queries and
platform requests, each as a named task (``NamedTasks``: starting one cancels the stale
one of the same name, so the last selection, filter or page request wins), and hands
the results back through its signals and the list model. It owns every task it starts
and cancels them all on ``close``.

Task names: ``list`` (first page of a new query), ``page`` (next page), ``refresh``
(platform → catalog), ``detail`` (the selected call), ``open-id`` (a call fetched by ID),
``follow:<id>`` (polling one visible unfinished call), ``row:<id>`` (one row re-read),
``choices`` (the filter drop-downs).

Each platform lists its own columns and filters (``columns.layout_for``): switching to a
connection on another platform says so first (``layoutChanged``), with the filter
cleared, so no Voxxi filter narrows a voice-bot list. A first sync of a listing platform
pages through thousands of calls: it reports its progress (``syncProgress``), the list
reloads about once a second while it runs, and ``stop_refresh`` ends it keeping every
page already stored (the next refresh goes on from there).

The catalog says whenever calls are written, whoever wrote them (a poll here, an upload
finishing, a refresh): a listed call's row is re-read, and a call the list does not
show yet brings a reload, at most one per ``RELOAD_DELAY_MS``.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, QTimer, Signal

from voxdesk.domain import Call
from voxdesk.providers.errors import NotFound, ProviderError, ValidationError
from voxdesk.services.calls import CallService, is_whole
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
from voxdesk.services.sync import SyncProgress
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.browse.call_list_model import CallListModel
from voxdesk.ui.browse.columns import FilterKind, ListLayout, layout_for

log = logging.getLogger("voxdesk.ui.browser")

FOLLOW_FIRST_DELAY = 1.0
FOLLOW_MAX_DELAY = 15.0
FOLLOW_PREFIX = "follow:"
#: New calls arriving together (a batch of uploads) cost one reload, not one each.
RELOAD_DELAY_MS = 300
#: While a sync stores page after page, the list is reloaded at most this often.
SYNC_RELOAD_MS = 1000
#: The catalog column behind each drop-down of catalog values.
CHOICE_COLUMNS = {
    FilterKind.AGENT: SortKey.AGENT,
    FilterKind.CATEGORY: SortKey.CATEGORY,
    FilterKind.OUTCOME: SortKey.OUTCOME,
    FilterKind.CAMPAIGN: SortKey.GROUPING,
}


def progress_text(progress: SyncProgress) -> str:
    """ "Syncing calls… 4,200 of 31,000" for the status bar."""
    verb = "Syncing calls…" if progress.first_sync else "Fetching new calls…"
    if progress.total is None:
        return f"{verb} {progress.calls:,}"
    return f"{verb} {min(progress.calls, progress.total):,} of {progress.total:,}"


class CallBrowser(QObject):
    """List, detail and polling for the active connection's ``CallService``."""

    #: (call, agent name, category name), or (None, None, None) to clear the detail.
    callShown = Signal(object, object, object)
    #: A failure to show in the banner: ``str(ProviderError)``.
    errorRaised = Signal(str)
    #: A request succeeded after a failure: the banner can go.
    errorCleared = Signal()
    #: (calls matching the filter, calls known for the connection).
    countsChanged = Signal(int, int)
    #: Values for the drop-downs of catalog values: {FilterKind: [value, …]}.
    choicesChanged = Signal(dict)
    #: The connection's platform lists other columns and filters (a ``ListLayout``);
    #: the state's filter and order were reset to suit it.
    layoutChanged = Signal(object)
    #: How far a running sync is ("Syncing calls… 200 of 31,000"); "" when it ends.
    syncProgress = Signal(str)
    #: The view should make this call current (after a reload or "open by ID").
    selectRequested = Signal(str)
    #: A short message for the status bar.
    statusMessage = Signal(str)
    #: A refresh started (True) or ended (False).
    refreshingChanged = Signal(bool)

    def __init__(self, catalog: CallCatalog, model: CallListModel, parent: QObject | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.model = model
        self.state = model.state
        self.service: CallService | None = None
        self.current_id: str | None = None
        self._visible: list[str] = []
        #: Counts per filter for the current catalog contents (see ``_count``).
        self._counts: dict[CallFilter, int] = {}
        self._tasks = NamedTasks()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_after_writes)
        self._sync_reload_timer = QTimer(self)
        self._sync_reload_timer.setSingleShot(True)
        self._sync_reload_timer.setInterval(SYNC_RELOAD_MS)
        self._sync_reload_timer.timeout.connect(lambda: self.reload(keep_loaded=True))
        #: ``stop_refresh`` asked the running refresh to end (not a connection switch).
        self._stopping = False
        self._unsubscribe = catalog.subscribe(self._calls_written)
        self.model.orderRequested.connect(self.set_order)
        self.model.moreRequested.connect(self.fetch_more)

    # --- connection ------------------------------------------------------------------

    def set_service(self, service: CallService | None) -> None:
        """Browse another connection: drop every running task, show its cached calls at
        once, then bring them up to date from the platform."""
        for name in self._tasks.names():
            self._tasks.cancel(name)
        self.service = service
        self.current_id = None
        if service is not None:
            self._use_layout(layout_for(service.provider.platform))
        self._catalog_changed()
        self.callShown.emit(None, None, None)
        self.reload()
        if service is not None:
            self.refresh()

    def _use_layout(self, layout: ListLayout) -> None:
        if layout == self.model.list_layout:
            return
        order = self.state.order
        if layout.index_of(order.key) is None:
            order = CallOrder()
        self.state.new_query(where=CallFilter(), order=order)
        self.layoutChanged.emit(layout)

    @property
    def connection(self) -> str | None:
        return self.service.connection if self.service else None

    # --- the list --------------------------------------------------------------------

    def set_filter(self, where: CallFilter) -> None:
        if where != self.state.filter:
            self.state.new_query(where=where)
            self.reload()

    def set_order(self, order: CallOrder) -> None:
        if order != self.state.order:
            self.state.new_query(order=order)
            self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Re-run the current query from its first page (the catalog changed, or the
        query did)."""
        generation = self.state.new_query()
        self._tasks.cancel("page")
        self._tasks.start("list", self._load_first_page(generation, keep_loaded))

    async def _load_first_page(self, generation: int, keep_loaded: bool = False) -> None:
        connection = self.connection
        if connection is None:
            self.model.reset_rows([], 0)
            self.countsChanged.emit(0, 0)
            return
        where, order = self.state.filter, self.state.order
        # A refresh keeps what the reviewer already scrolled through instead of
        # collapsing the list to its first page; a new query starts from one page.
        limit = max(self.state.page_size, len(self.state.rows) if keep_loaded else 0)
        matching = await self._count(connection, where)
        rows = await self.catalog.query(connection, where, order, limit=limit, matching=matching)
        known = await self._count(connection, CallFilter())
        if generation != self.state.generation:
            return
        self.model.reset_rows(rows, matching)
        self.countsChanged.emit(matching, known)
        if self.current_id and self.state.index_of(self.current_id) is not None:
            self.selectRequested.emit(self.current_id)
        self._sync_following()

    async def _count(self, connection: str, where: CallFilter) -> int:
        """Counts are cached until the catalog changes: re-sorting, or going back to a
        filter, does not pay a COUNT over every call again (35 ms at 1M calls)."""
        if where not in self._counts:
            self._counts[where] = await self.catalog.count(connection, where)
        return self._counts[where]

    def _catalog_changed(self) -> None:
        self._counts.clear()

    def fetch_more(self) -> None:
        self._tasks.start("page", self._load_next_page(self.state.generation))

    async def _load_next_page(self, generation: int) -> None:
        connection = self.connection
        try:
            if connection is None:
                return
            rows = await self.catalog.query(
                connection,
                self.state.filter,
                self.state.order,
                offset=len(self.state.rows),
                limit=self.state.page_size,
                matching=self.state.total,
            )
            if generation == self.state.generation:
                self.model.append_rows(rows)
        finally:
            self.model.fetch_finished()

    async def _load_choices(self) -> None:
        connection = self.connection
        if connection is None:
            return
        layout = self.model.list_layout
        choices = {
            kind: await self.catalog.distinct_values(connection, column)
            for kind, column in CHOICE_COLUMNS.items()
            if layout.offers(kind)
        }
        self.choicesChanged.emit(choices)

    def _calls_written(self, connection: str, call_ids: list[str]) -> None:
        """The catalog's listener: show what was written for this connection."""
        if connection != self.connection:
            return
        self._catalog_changed()
        if self._tasks.running("refresh"):
            return  # the refresh reloads the list when it ends
        listed = [call_id for call_id in call_ids if self.state.index_of(call_id) is not None]
        if len(listed) < len(call_ids):
            self._reload_timer.start()
        for call_id in listed:
            self._tasks.start(f"row:{call_id}", self._update_row(call_id))

    def _reload_after_writes(self) -> None:
        self.reload(keep_loaded=True)
        self._tasks.start("choices", self._load_choices())

    # --- refresh from the platform ---------------------------------------------------

    def refresh(self) -> None:
        if self.service is not None:
            self._stopping = False
            self._tasks.start("refresh", self._refresh(self.service))

    @property
    def refreshing(self) -> bool:
        return self._tasks.running("refresh")

    def stop_refresh(self) -> None:
        """Stop a running refresh (a long first sync); what it stored stays listed."""
        if self.refreshing:
            self._stopping = True
            self._tasks.cancel("refresh")

    def _sync_progressed(self, progress: SyncProgress) -> None:
        self.syncProgress.emit(progress_text(progress))
        self._catalog_changed()
        if not self._sync_reload_timer.isActive():
            self._sync_reload_timer.start()

    async def _refresh(self, service: CallService) -> None:
        self.refreshingChanged.emit(True)
        self.statusMessage.emit("Refreshing calls…")
        try:
            await service.refresh(on_progress=self._sync_progressed)
        except asyncio.CancelledError:
            if self._stopping:
                self._stopping = False
                self._sync_reload_timer.stop()
                self._catalog_changed()
                self.reload(keep_loaded=True)
                self._tasks.start("choices", self._load_choices())
                self.statusMessage.emit(
                    "Sync stopped; the calls fetched so far are listed. Refresh (F5) goes on "
                    "from where it stopped."
                )
            raise
        except ProviderError as exc:
            self.errorRaised.emit(str(exc))
            self.statusMessage.emit("Refresh failed; showing the calls saved on this computer.")
        else:
            self.errorCleared.emit()
            self.statusMessage.emit("Calls are up to date.")
            self._catalog_changed()
            self.reload(keep_loaded=True)
            await self._load_choices()
            if self.current_id:
                self.select(self.current_id)
        finally:
            self._sync_reload_timer.stop()
            self.syncProgress.emit("")
            self.refreshingChanged.emit(False)

    # --- the selected call -----------------------------------------------------------

    def select(self, call_id: str | None) -> None:
        self.current_id = call_id
        if call_id is None or self.service is None:
            self._tasks.cancel("detail")
            self.callShown.emit(None, None, None)
        else:
            self._tasks.start("detail", self._load_detail(self.service, call_id))
        self._sync_following()

    async def _load_detail(self, service: CallService, call_id: str) -> None:
        cached = await service.cached_call(call_id)
        if cached is not None:
            self._show(cached)
            if is_whole(cached):
                return
        try:
            call = await service.fetch_call(call_id)
        except ProviderError as exc:
            if cached is None:
                self.errorRaised.emit(str(exc))
            return
        self._show(call)

    def _show(self, call: Call) -> None:
        if call.id != self.current_id:
            return
        position = self.state.index_of(call.id)
        row = self.state.rows[position] if position is not None else None
        self.callShown.emit(call, row.agent if row else None, row.category if row else None)

    def open_call_id(self, call_id: str) -> None:
        """Fetch a call the catalog may not know (Voxxi cannot list), add it, select it."""
        call_id = call_id.strip()
        if call_id and self.service is not None:
            self._tasks.start("open-id", self._open_call_id(self.service, call_id))

    async def _open_call_id(self, service: CallService, call_id: str) -> None:
        self.statusMessage.emit(f"Opening call {call_id}…")
        try:
            call = await service.fetch_call(call_id)
        except (NotFound, ValidationError):
            # A mistyped id is no outage: no banner (its Retry would only refresh the
            # list), just the answer where "Opening call…" was.
            self.statusMessage.emit(f"There is no call with ID {call_id} on this connection.")
            return
        except ProviderError as exc:
            self.statusMessage.emit(f"Could not open call {call_id}.")
            self.errorRaised.emit(f"Could not open call {call_id}: {exc}")
            return
        self.errorCleared.emit()
        self._catalog_changed()
        self.current_id = call.id
        # The call must be listed to be selected: show everything, newest first.
        self.state.new_query(where=CallFilter())
        generation = self.state.generation
        await self._load_first_page(generation)
        self._show(call)
        self.selectRequested.emit(call.id)
        self.statusMessage.emit(f"Opened call {call_id}.")

    # --- following unfinished calls --------------------------------------------------

    def set_visible(self, call_ids: list[str]) -> None:
        """The rows on screen changed: poll exactly the unfinished ones among them."""
        self._visible = call_ids
        self._sync_following()

    def _sync_following(self) -> None:
        if self.service is None:
            return
        wanted = set()
        for call_id in [*self._visible, *([self.current_id] if self.current_id else [])]:
            position = self.state.index_of(call_id)
            if position is not None and not self.state.rows[position].status.is_final:
                wanted.add(call_id)
        for name in self._tasks.names():
            if name.startswith(FOLLOW_PREFIX) and name[len(FOLLOW_PREFIX) :] not in wanted:
                self._tasks.cancel(name)
        for call_id in wanted:
            name = FOLLOW_PREFIX + call_id
            if not self._tasks.running(name):
                self._tasks.start(name, self._follow(self.service, call_id))

    async def _follow(self, service: CallService, call_id: str) -> None:
        await service.follow(
            call_id,
            on_update=self._followed_update,
            first_delay=FOLLOW_FIRST_DELAY,
            max_delay=FOLLOW_MAX_DELAY,
        )

    def _followed_update(self, call: Call) -> None:
        self._show(call)  # its row is updated by the catalog's listener

    async def _update_row(self, call_id: str) -> None:
        connection = self.connection
        if connection is None:
            return
        row = await self.catalog.get_row(connection, call_id)
        if row is not None:
            self.model.update_row(row)

    # --- lifetime --------------------------------------------------------------------

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close(self) -> None:
        """Cancel and await every task this browser started."""
        self._reload_timer.stop()
        self._sync_reload_timer.stop()
        self._unsubscribe()
        await self._tasks.close()
