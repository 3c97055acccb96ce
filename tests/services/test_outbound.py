"""Outbound calls journalled so none is dialled twice, against the real local server and
through a fault proxy: a lost answer, a process killed mid-request and one killed before
sending each end with exactly as many calls on the server as were really placed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest

from tests.support.local_server import LocalServer
from tests.support.voxpria_server import calls_where, voxpria_server
from tests.uploads.faulty_proxy import HOLD, SWALLOW_RESPONSE, Fault, FaultyProxy
from voxdesk.contracts.voxpria import BUSY_NUMBER, CALLS_PATH
from voxdesk.domain import OutboundCallRequest
from voxdesk.providers.http import RetryPolicy
from voxdesk.providers.registry import make_provider
from voxdesk.providers.voxpria import ATTEMPT_VARIABLE
from voxdesk.services.outbound import Attempt, AttemptState, AttemptStore, OutboundCalls

CONNECTION = "conn-voxpria-test"
REQUEST = OutboundCallRequest(
    agent_id="agent_payment_reminder",
    to_number=BUSY_NUMBER,
    variables={"customerName": "Maria Lopez", "accountNumber": "48213"},
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with voxpria_server(tmp_path_factory.mktemp("voxpria") / "data") as srv:
        yield srv


@pytest.fixture
async def proxy(server):
    proxy = await FaultyProxy(server.port).start()
    yield proxy
    await proxy.stop()


@contextlib.asynccontextmanager
async def _outbound(base_url: str, token: str, path: Path, **http_options: object):
    """One run of a client: its provider and its journal, closed at the end."""
    provider = make_provider("voxpria", {"base_url": base_url, "token": token}, **http_options)
    store = AttemptStore(path)
    await store.open()
    try:
        yield OutboundCalls(CONNECTION, provider, store), store
    finally:
        await store.close()
        await provider.aclose()


def _calls_marked(server: LocalServer, attempt: str) -> list[dict]:
    """Every call on the server carrying ``attempt``."""
    return calls_where(server, lambda call: call["variables"].get(ATTEMPT_VARIABLE) == attempt)


async def test_an_attempt_is_journalled_and_placed_once(server, tmp_path) -> None:
    async with _outbound(server.base_url, server.token, tmp_path / "o.sqlite3") as (calls, store):
        attempt = await calls.place(REQUEST)
        assert attempt.state is AttemptState.PLACED
        assert attempt.request.variables[ATTEMPT_VARIABLE] == attempt.id
        assert await store.get(attempt.id) == attempt
    [stored] = _calls_marked(server, attempt.id)
    assert stored["callId"] == attempt.call_id


async def test_a_lost_answer_ends_placed_with_one_call(server, proxy, tmp_path) -> None:
    proxy.faults.append(Fault("POST", CALLS_PATH, SWALLOW_RESPONSE))
    async with _outbound(proxy.base_url, server.token, tmp_path / "o.sqlite3") as (calls, _):
        attempt = await calls.place(REQUEST)
    assert attempt.state is AttemptState.PLACED
    assert proxy.count("POST", CALLS_PATH) == 1
    assert [c["callId"] for c in _calls_marked(server, attempt.id)] == [attempt.call_id]


async def test_a_run_killed_mid_request_is_settled_by_the_next(server, proxy, tmp_path) -> None:
    journal = tmp_path / "o.sqlite3"
    proxy.faults.append(Fault("POST", CALLS_PATH, HOLD, seconds=1.0))
    async with _outbound(proxy.base_url, server.token, journal) as (calls, store):
        placing = asyncio.create_task(calls.place(REQUEST))
        await asyncio.sleep(0.4)  # the request is on its way, held by the proxy
        placing.cancel()  # the process dies before the answer
        with contextlib.suppress(asyncio.CancelledError):
            await placing
        [left] = await store.open_attempts(CONNECTION)
        assert left.state is AttemptState.SENDING
    deadline = time.monotonic() + 10
    while not _calls_marked(server, left.id):  # the held request reaches the server
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)

    async with _outbound(server.base_url, server.token, journal) as (calls, store):
        [settled] = await calls.resume()
        assert settled.id == left.id and settled.state is AttemptState.PLACED
        assert await store.open_attempts(CONNECTION) == []
    assert [c["callId"] for c in _calls_marked(server, left.id)] == [settled.call_id]
    assert proxy.count("POST", CALLS_PATH) == 1


async def test_a_run_killed_before_sending_is_settled_as_not_placed(server, tmp_path) -> None:
    journal = tmp_path / "o.sqlite3"
    async with _outbound(server.base_url, server.token, journal) as (calls, store):
        # What a run that died right after writing its attempt leaves behind.
        marked = REQUEST.model_copy(
            update={"variables": {**REQUEST.variables, ATTEMPT_VARIABLE: "never-sent"}}
        )
        await store.add(
            Attempt("never-sent", CONNECTION, marked, AttemptState.SENDING, time.time())
        )
        [settled] = await calls.resume()
    assert settled.state is AttemptState.NOT_PLACED and settled.call_id is None
    assert _calls_marked(server, "never-sent") == []


async def test_a_refusal_is_a_state_and_places_nothing(server, tmp_path) -> None:
    request = REQUEST.model_copy(update={"variables": {}})
    async with _outbound(server.base_url, server.token, tmp_path / "o.sqlite3") as (calls, _):
        attempt = await calls.place(request)
    assert attempt.state is AttemptState.REFUSED
    assert "customerName" in attempt.reason
    assert _calls_marked(server, attempt.id) == []


async def test_an_unreachable_platform_places_nothing(tmp_path) -> None:
    nowhere = _outbound(
        "http://127.0.0.1:9", "token", tmp_path / "o.sqlite3", retry=RetryPolicy(attempts=1)
    )
    async with nowhere as (calls, _):
        attempt = await calls.place(REQUEST)
    assert attempt.state is AttemptState.NOT_PLACED
