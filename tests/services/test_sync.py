"""Incremental sync of the voice-bot platform into the catalog, against the real local
server (``--bulk-voice-calls``) and a real catalog file. Requests are counted by a
recording transport that still sends every one of them over loopback."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.local_server import LocalServer
from voxdesk.providers.registry import make_provider
from voxdesk.server.core.store import CoreStore
from voxdesk.server.platforms.voicecalls.bulk import synthetic_calls
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey, SyncState
from voxdesk.services.catalog.schema import DEFERRABLE_INDEXES
from voxdesk.services.sync import PAGE_SIZE, CallSync, SyncProgress

BULK_CALLS = 450  # three pages of 200: 200, 200, 50
CONNECTION = "vc-conn"
CFILTER = CallFilter()
CALL_ORDER = CallOrder()


class RecordingTransport(httpx.AsyncHTTPTransport):
    """Sends each request as usual and remembers its query parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: list[dict[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/voice-calls"):
            self.lists.append(dict(request.url.params))
        return await super().handle_async_request(request)


def _start(path: Path) -> LocalServer:
    return LocalServer(path, extra_args=["--no-demo", "--bulk-voice-calls", str(BULK_CALLS)])


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """A server that no test changes."""
    with _start(tmp_path_factory.mktemp("sync") / "data") as server:
        yield server


@pytest.fixture
def own_server(tmp_path):
    """A server this test may add calls to or change."""
    with _start(tmp_path / "server-data") as server:
        yield server


@pytest.fixture
async def catalog(tmp_path):
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    yield catalog
    await catalog.close()


class Client:
    """A provider on a recording transport, and its sync."""

    def __init__(self, server: LocalServer, catalog: CallCatalog, **sync_options) -> None:
        self.transport = RecordingTransport()
        self.provider = make_provider(
            "voicecalls",
            {"base_url": server.base_url, "token": server.token},
            transport=self.transport,
        )
        self.progress: list[SyncProgress] = []
        self.sync = CallSync(
            CONNECTION, self.provider, catalog, on_progress=self.progress.append, **sync_options
        )

    async def aclose(self) -> None:
        await self.provider.aclose()


@pytest.fixture
async def client_of():
    made: list[Client] = []

    def make(server: LocalServer, catalog: CallCatalog, **options) -> Client:
        made.append(Client(server, catalog, **options))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


def _catalog_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT call_id FROM calls WHERE connection = ?", (CONNECTION,))
        ids = [r[0] for r in rows]
    db.close()
    return ids


async def test_first_sync_pages_everything_with_progress(shared_server, catalog, client_of):
    client = client_of(shared_server, catalog)
    result = await client.sync.run()

    assert (result.pages, result.calls, result.full) == (3, BULK_CALLS, True)
    assert [int(q["pageSize"]) for q in client.transport.lists] == [PAGE_SIZE] * 3
    assert await catalog.count(CONNECTION, CFILTER) == BULK_CALLS
    ids = _catalog_ids(catalog.path)
    assert len(ids) == len(set(ids)) == BULK_CALLS
    # The first page is stored alone (shown at once), the rest as one batch.
    assert [(p.pages, p.calls) for p in client.progress] == [(1, 200), (3, BULK_CALLS)]
    assert {p.total for p in client.progress} == {BULK_CALLS}
    assert all(p.first_sync for p in client.progress)
    state = await catalog.sync_state(CONNECTION)
    assert state is not None and state.complete
    newest = max(c.started_at for c in synthetic_calls(BULK_CALLS))
    assert state.newest_started_at == newest


async def test_a_refresh_with_nothing_new_asks_one_small_page(shared_server, catalog, client_of):
    await client_of(shared_server, catalog).sync.run()
    client = client_of(shared_server, catalog)
    result = await client.sync.run()

    assert len(client.transport.lists) == 1
    (asked,) = client.transport.lists
    state = await catalog.sync_state(CONNECTION)
    assert state is not None
    since = state.newest_started_at - timedelta(hours=1)
    assert asked["dateFrom"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert result.full is False and result.pages == 1 and result.calls < PAGE_SIZE
    assert await catalog.count(CONNECTION, CFILTER) == BULK_CALLS


async def test_a_cancelled_first_sync_keeps_its_pages_and_the_next_finishes(
    shared_server, catalog, client_of
):
    client = client_of(shared_server, catalog, write_batch=PAGE_SIZE)
    # Stopped as soon as its first page is stored, with the next ones on the wire.
    client.sync.on_progress = lambda progress: task.cancel()
    task = asyncio.create_task(client.sync.run())
    with pytest.raises(asyncio.CancelledError):
        await task

    stored = await catalog.count(CONNECTION, CFILTER)
    assert stored == PAGE_SIZE  # whole batches only, each its own transaction
    state = await catalog.sync_state(CONNECTION)
    assert state is not None and not state.complete
    # The catalog is consistent: every stored call readable, the mark covers them.
    rows = await catalog.query(CONNECTION, CFILTER, CALL_ORDER, limit=BULK_CALLS)
    assert len(rows) == stored
    assert min(r.date for r in rows) == state.oldest_started_at

    resumed = client_of(shared_server, catalog)
    result = await resumed.sync.run()
    assert result.full is True
    assert resumed.transport.lists[0].get("dateTo") == state.oldest_started_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    ids = _catalog_ids(catalog.path)
    assert len(ids) == len(set(ids)) == BULK_CALLS
    finished = await catalog.sync_state(CONNECTION)
    assert finished is not None and finished.complete


def _index_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    return names


@pytest.mark.parametrize("cancelled", [False, True])
async def test_a_first_sync_builds_its_slow_sort_indexes_once_at_its_end(
    shared_server, catalog, client_of, cancelled
) -> None:
    deferred = set(DEFERRABLE_INDEXES)
    client = client_of(shared_server, catalog, write_batch=PAGE_SIZE)
    during: list[set[str]] = []

    def stored(progress: SyncProgress) -> None:
        during.append(_index_names(catalog.path))
        if cancelled:
            task.cancel()

    client.sync.on_progress = stored
    task = asyncio.create_task(client.sync.run())
    if cancelled:
        with pytest.raises(asyncio.CancelledError):
            await task
    else:
        await task
    # Written without them (each would take the batch all over), built once at the end.
    assert during and all(not names & deferred for names in during)
    assert deferred <= _index_names(catalog.path)
    order = CallOrder(SortKey.TALK_TIME, descending=False)
    statements, params = catalog.page_statements(CONNECTION, CallFilter(), order)
    for select, _ in statements:
        plan = " | ".join(
            r[3] for r in catalog.db.execute(f"EXPLAIN QUERY PLAN {select}", (*params, 50, 0))
        )
        assert "TEMP B-TREE" not in plan, plan
    # A refresh (nothing deferred) keeps them.
    if not cancelled:
        await client.sync.run()
        assert deferred <= _index_names(catalog.path)


def _search_keys(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (keys,) = db.execute(
            "SELECT count(*) FROM call_keys WHERE connection = ?", (CONNECTION,)
        ).fetchone()
    db.close()
    return keys


@pytest.mark.parametrize("cancelled", [False, True])
async def test_a_first_sync_indexes_text_search_once_at_its_end_and_finds_calls_meanwhile(
    shared_server, catalog, client_of, cancelled
) -> None:
    client = client_of(shared_server, catalog, write_batch=PAGE_SIZE)
    keys_during: list[int] = []
    found_during: list[int] = []

    def stored(progress: SyncProgress) -> None:
        keys_during.append(_search_keys(catalog.path))
        if cancelled:
            task.cancel()

    async def search_while_syncing() -> None:
        while not task.done():
            newest = await catalog.query(CONNECTION, CFILTER, CALL_ORDER, limit=1)
            if newest:
                found_during.append(
                    await catalog.count(CONNECTION, CallFilter(text=newest[0].call_id))
                )
            await asyncio.sleep(0)

    client.sync.on_progress = stored
    task = asyncio.create_task(client.sync.run())
    await asyncio.gather(task, search_while_syncing(), return_exceptions=True)
    assert task.cancelled() is cancelled
    # Written without search keys (LIKE finds them meanwhile), indexed once at the end.
    assert keys_during and set(keys_during) == {0}
    assert found_during and set(found_during) == {1}
    stored_calls = await catalog.count(CONNECTION, CFILTER)
    assert _search_keys(catalog.path) == stored_calls
    assert catalog._searchable(CONNECTION)
    rows = await catalog.query(CONNECTION, CFILTER, CALL_ORDER, limit=stored_calls)
    for row in rows[:: len(rows) // 5]:
        assert await catalog.count(CONNECTION, CallFilter(text=row.call_id)) == 1
    # A refresh (calls already there) indexes per batch, as every other write does.
    if not cancelled:
        await client.sync.run()
        assert _search_keys(catalog.path) == BULK_CALLS


async def test_the_catalog_is_readable_while_a_sync_writes(shared_server, catalog, client_of):
    client = client_of(shared_server, catalog)
    counts: list[int] = []

    async def read_while_syncing() -> None:
        while not task.done():
            counts.append(await catalog.count(CONNECTION, CFILTER))
            await asyncio.sleep(0)

    task = asyncio.create_task(client.sync.run())
    await asyncio.gather(task, read_while_syncing())
    assert counts, "the catalog answered no read during the sync"
    assert set(counts) <= {0, 200, BULK_CALLS}


async def test_new_calls_come_and_a_changed_call_in_the_overlap_is_updated(
    own_server, catalog, client_of
):
    await client_of(own_server, catalog).sync.run()
    state = await catalog.sync_state(CONNECTION)
    assert state is not None and state.newest_started_at is not None
    newest = state.newest_started_at
    # On the platform: two calls placed after the newest one, and the newest one's
    # outcome set afterwards (inside the overlap window).
    later = [
        replace(call, platform_id=f"vc_new_{n}", started_at=newest + timedelta(minutes=n + 1))
        for n, call in enumerate(synthetic_calls(2, first=BULK_CALLS))
    ]
    store = CoreStore(own_server.data_dir / "core.sqlite3")
    try:
        store.insert_calls(later)
    finally:
        store.close()
    changed_id = (await catalog.query(CONNECTION, CFILTER, CALL_ORDER, limit=1))[0].call_id
    with sqlite3.connect(own_server.data_dir / "core.sqlite3") as db:
        db.execute(
            "UPDATE core_calls SET outcome = 'Escalated', disposition = 'Completed' "
            "WHERE platform_id = ?",
            (changed_id,),
        )
    db.close()

    client = client_of(own_server, catalog)
    result = await client.sync.run()

    assert len(client.transport.lists) == 1 and result.pages == 1
    ids = _catalog_ids(catalog.path)
    assert len(ids) == len(set(ids)) == BULK_CALLS + 2
    assert {"vc_new_0", "vc_new_1"} <= set(ids)
    row = await catalog.get_row(CONNECTION, changed_id)
    assert row is not None and row.outcome == "Escalated"
    moved = await catalog.sync_state(CONNECTION)
    assert moved is not None and moved.newest_started_at == newest + timedelta(minutes=2)


async def test_call_service_refresh_syncs_a_listing_platform(shared_server, catalog, client_of):
    client = client_of(shared_server, catalog)
    service = CallService(CONNECTION, client.provider, catalog)
    seen: list[SyncProgress] = []
    assert await service.refresh(seen.append) == BULK_CALLS
    assert seen[-1].calls == BULK_CALLS
    assert await service.refresh() < PAGE_SIZE  # only the overlap, the second time
    assert len(client.transport.lists) == 4


async def test_the_high_water_mark_is_kept_per_connection(shared_server, catalog, client_of):
    await client_of(shared_server, catalog).sync.run()
    assert await catalog.sync_state("another") is None
    await catalog.upsert_calls("another", [], sync=SyncState(complete=True))
    assert (await catalog.sync_state("another")).complete
    await catalog.forget_connection(CONNECTION)
    assert await catalog.sync_state(CONNECTION) is None
    assert await catalog.count(CONNECTION, CFILTER) == 0
