"""Fixtures for the upload tests: one real local server for the directory, a call
service talking to it (directly or through a fault-injecting proxy), and queues on a
per-test SQLite file that are always closed."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.local_server import LocalServer
from voxdesk.providers.base import Provider
from voxdesk.providers.http import HttpClient, RetryPolicy
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.uploads.flow import FlowTimings
from voxdesk.services.uploads.jobs import MARKER_UDF, UploadMetadata
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.store import UploadStore

FAST = FlowTimings(settle=0.2, poll_first=0.1, poll_max=0.3)
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.05, max_delay=0.2)
METADATA = UploadMetadata(
    member_id="dana@acme.example", category_id="support-qa", udfs={"ticket": "T-7"}
)

QueueFactory = Callable[..., Awaitable[UploadQueue]]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(
        tmp_path_factory.mktemp("uploads-server") / "data", extra_args=["--no-demo"]
    ) as srv:
        yield srv


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[CallCatalog]:
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    yield catalog
    await catalog.close()


@pytest.fixture
async def make_queue(
    server: LocalServer, catalog: CallCatalog, tmp_path: Path
) -> AsyncIterator[QueueFactory]:
    """``await make_queue(base_url=None, **queue_options)``: a queue on this test's
    SQLite file, talking to ``base_url`` (default: the server itself)."""
    opened: list[tuple[UploadQueue, UploadStore, Provider]] = []

    async def make(
        base_url: str | None = None, provider_type: type[Provider] = LocalProvider, **options
    ) -> UploadQueue:
        provider = provider_type(
            HttpClient(base_url or server.base_url, server.token, retry=FAST_RETRY)
        )
        store = UploadStore(tmp_path / "uploads.sqlite3")
        await store.open()
        options.setdefault("timings", FAST)
        queue = UploadQueue(CallService("local", provider, catalog), store, **options)
        opened.append((queue, store, provider))
        return queue

    yield make
    for queue, store, provider in reversed(opened):
        await queue.close()
        await store.close()
        await provider.aclose()


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait on the event loop until ``predicate()`` holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def marked_calls(server: LocalServer, job_id: str) -> list[dict]:
    """Every call on the server carrying ``job_id`` as its upload marker."""
    found, page = [], 1
    while True:
        body = httpx.get(
            server.api("/calls"), params={"page": page, "pageSize": 200}, headers=server.auth
        ).json()
        found += [
            c for c in body["data"] if (c["metadata"].get("udfs") or {}).get(MARKER_UDF) == job_id
        ]
        if page * body["pageSize"] >= body["total"]:
            return found
        page += 1


def stored_sha256(url: str) -> str:
    response = httpx.get(url)
    response.raise_for_status()
    return hashlib.sha256(response.content).hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
