"""A first sync's pass in a child process (``sync_worker``), against the real local
server and a real catalog file: the same calls, progress, listeners and resumption as
in-process, with none of the paging done by the window's process."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.local_server import LocalServer
from voxdesk.providers.errors import AuthError
from voxdesk.providers.registry import make_provider
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder
from voxdesk.services.sync import PAGE_SIZE, CallSync, SyncProgress
from voxdesk.services.sync_worker import WORKER_MODULE

BULK_CALLS = 450  # three pages of 200: 200, 200, 50
CONNECTION = "vc-conn"


class ListRequests(httpx.AsyncHTTPTransport):
    """Counts this process's list requests (and still sends them)."""

    def __init__(self) -> None:
        super().__init__()
        self.lists = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.lists += request.url.path.endswith("/voice-calls")
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("sync-worker") / "data"
    with LocalServer(data, extra_args=["--no-demo", "--bulk-voice-calls", str(BULK_CALLS)]) as s:
        yield s


@pytest.fixture
async def catalog(tmp_path):
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    yield catalog
    await catalog.close()


@pytest.fixture
async def providers():
    made = []

    def make(server: LocalServer, token: str | None = None):
        transport = ListRequests()
        settings = {"base_url": server.base_url, "token": token or server.token}
        made.append(make_provider("voicecalls", settings, transport=transport))
        return made[-1], transport

    yield make
    for provider in made:
        await provider.aclose()


def _catalog_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        ids = [
            r[0]
            for r in db.execute("SELECT call_id FROM calls WHERE connection = ?", (CONNECTION,))
        ]
    db.close()
    return ids


def _workers() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process(os.getpid()).children(recursive=True)
        if WORKER_MODULE in " ".join(child.cmdline())
    ]


async def test_a_first_pass_in_a_child_stores_every_call_with_progress_and_listeners(
    server, catalog, providers
):
    provider, transport = providers(server)
    progress: list[SyncProgress] = []
    told: list[str] = []
    catalog.subscribe(lambda connection, ids: told.extend(ids))
    sync = CallSync(
        CONNECTION, provider, catalog, on_progress=progress.append, first_pass_in_child=True
    )
    searches: list[int] = []

    async def search_while_syncing() -> None:
        while not task.done():
            newest = await catalog.query(CONNECTION, CallFilter(), CallOrder(), limit=1)
            if newest:
                searches.append(await catalog.count(CONNECTION, CallFilter(text=newest[0].call_id)))
            await asyncio.sleep(0)

    task = asyncio.create_task(sync.run())
    await asyncio.gather(task, search_while_syncing())
    result = task.result()

    assert transport.lists == 0, "the window's process paged through the list itself"
    assert (result.pages, result.calls, result.full) == (3, BULK_CALLS, True)
    ids = _catalog_ids(catalog.path)
    assert len(ids) == len(set(ids)) == BULK_CALLS
    assert sorted(told) == sorted(ids)  # the list hears of every batch, as in-process
    assert [(p.pages, p.calls, p.total) for p in progress] == [
        (1, PAGE_SIZE, BULK_CALLS),
        (3, BULK_CALLS, BULK_CALLS),
    ]
    state = await catalog.sync_state(CONNECTION)
    assert state is not None and state.complete
    # Searchable while the child wrote (by LIKE) and after (indexed at the end).
    assert searches and set(searches) == {1}
    assert catalog.searchable(CONNECTION)
    assert await catalog.count(CONNECTION, CallFilter(text=ids[7])) == 1
    assert not _workers()
    # The next refresh runs here: one small page.
    again = await sync.run()
    assert again.full is False and transport.lists == 1


async def test_a_cancelled_child_pass_stops_the_child_keeps_whole_batches_and_resumes(
    server, catalog, providers
):
    provider, _ = providers(server)
    sync = CallSync(CONNECTION, provider, catalog, write_batch=PAGE_SIZE, first_pass_in_child=True)
    sync.on_progress = lambda progress: task.cancel()
    task = asyncio.create_task(sync.run())
    with pytest.raises(asyncio.CancelledError):
        await task

    assert not _workers(), "the child outlived its cancelled sync"
    stored = await catalog.count(CONNECTION, CallFilter())
    assert stored in (PAGE_SIZE, 2 * PAGE_SIZE, BULK_CALLS)  # whole batches only
    state = await catalog.sync_state(CONNECTION)
    assert state is not None
    rows = await catalog.query(CONNECTION, CallFilter(), CallOrder(), limit=BULK_CALLS)
    assert len(rows) == stored and min(r.date for r in rows) == state.oldest_started_at

    sync.on_progress = None
    result = await sync.run()
    assert result.full is True
    ids = _catalog_ids(catalog.path)
    assert len(ids) == len(set(ids)) == BULK_CALLS
    finished = await catalog.sync_state(CONNECTION)
    assert finished is not None and finished.complete


async def test_a_child_pass_that_fails_raises_the_providers_own_error(server, catalog, providers):
    provider, _ = providers(server, token="not-the-token")
    sync = CallSync(CONNECTION, provider, catalog, first_pass_in_child=True)

    with pytest.raises(AuthError) as refused:
        await sync.run()

    assert refused.value.status == 401
    assert "token" in str(refused.value).lower()
    assert await catalog.count(CONNECTION, CallFilter()) == 0
    assert not _workers()
