"""The Voxpria provider against the real local server on loopback, and through a fault
proxy between them: a call is placed exactly once however its answer is lost, a refusal
is never retried, and a placed call reads back with its recording, transcript and
analysis."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.local_server import LocalServer
from tests.support.voxpria_server import calls_where, voxpria_server
from tests.uploads.faulty_proxy import ANSWER_503, SWALLOW_RESPONSE, Fault, FaultyProxy
from voxdesk.contracts.voxpria import BUSY_NUMBER, CALLS_PATH, NO_ANSWER_NUMBER
from voxdesk.domain import CallStatus, Disposition, GroupingKind, OutboundCallRequest, Speaker
from voxdesk.providers.base import CallQuery
from voxdesk.providers.errors import NotFound, UnsupportedOperation, ValidationError
from voxdesk.providers.registry import make_provider
from voxdesk.providers.voxpria import ATTEMPT_VARIABLE, AttemptUnresolved, VoxpriaProvider

AGENT = "agent_payment_reminder"
VARIABLES = {"customerName": "Maria Lopez", "accountNumber": "48213"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with voxpria_server(tmp_path_factory.mktemp("voxpria") / "data") as srv:
        yield srv


def _provider(base_url: str, token: str) -> VoxpriaProvider:
    provider = make_provider("voxpria", {"base_url": base_url, "token": token})
    assert isinstance(provider, VoxpriaProvider)
    return provider


@pytest.fixture
async def provider(server):
    provider = _provider(server.base_url, server.token)
    yield provider
    await provider.aclose()


@pytest.fixture
async def proxy(server):
    proxy = await FaultyProxy(server.port).start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def proxied(server, proxy):
    provider = _provider(proxy.base_url, server.token)
    yield provider
    await provider.aclose()


def _calls_marked(server: LocalServer, attempt: str) -> list[dict]:
    """Every call on the server carrying ``attempt``."""
    return calls_where(server, lambda call: call["variables"].get(ATTEMPT_VARIABLE) == attempt)


def _request(number: str, attempt: str | None = None) -> OutboundCallRequest:
    variables = dict(VARIABLES)
    if attempt:
        variables[ATTEMPT_VARIABLE] = attempt
    return OutboundCallRequest(agent_id=AGENT, to_number=number, variables=variables)


async def test_a_placed_call_is_marked_and_reads_back(server, provider) -> None:
    created = await provider.place_call(_request(BUSY_NUMBER, "attempt-plain"))
    assert created.status is CallStatus.PENDING
    [stored] = _calls_marked(server, "attempt-plain")
    assert stored["callId"] == created.call_id
    deadline = time.monotonic() + 60
    while (call := await provider.get_call(created.call_id)).disposition is not Disposition.BUSY:
        assert time.monotonic() < deadline, call.disposition
        await asyncio.sleep(0.1)
    assert call.status is CallStatus.COMPLETED and call.recording is None
    assert call.udfs == VARIABLES, "the attempt marker is not a variable for reviewers"
    assert call.grouping.kind is GroupingKind.CAMPAIGN and call.grouping.id == AGENT
    assert await provider.recording_url(created.call_id) is None


async def test_a_lost_answer_is_reconciled_through_the_list_not_replayed(
    server, proxy, proxied
) -> None:
    proxy.faults.append(Fault("POST", CALLS_PATH, SWALLOW_RESPONSE))
    created = await proxied.place_call(_request(NO_ANSWER_NUMBER, "attempt-lost"))
    assert proxy.count("POST", CALLS_PATH) == 1
    [stored] = _calls_marked(server, "attempt-lost")
    assert stored["callId"] == created.call_id


async def test_a_create_that_never_arrived_is_sent_again_once_proven_absent(
    server, proxy, proxied
) -> None:
    proxy.faults.append(Fault("POST", CALLS_PATH, ANSWER_503))
    created = await proxied.place_call(_request(BUSY_NUMBER, "attempt-503"))
    assert proxy.count("POST", CALLS_PATH) == 2
    [stored] = _calls_marked(server, "attempt-503")
    assert stored["callId"] == created.call_id


async def test_an_attempt_that_stays_unknown_is_reported_not_guessed(
    server, proxy, proxied
) -> None:
    proxy.faults += [
        Fault("POST", CALLS_PATH, ANSWER_503, times=5),
        Fault("GET", CALLS_PATH, ANSWER_503, times=50),
    ]
    with pytest.raises(AttemptUnresolved) as caught:
        await proxied.place_call(_request(BUSY_NUMBER, "attempt-unknown"))
    assert caught.value.attempt_id == "attempt-unknown" and caught.value.request_sent
    assert proxy.count("POST", CALLS_PATH) == 1
    assert _calls_marked(server, "attempt-unknown") == []


async def test_a_crash_mid_request_is_resolved_on_the_next_start(server, provider) -> None:
    # A previous run persisted its attempt, sent the create and died before the answer.
    began = datetime.now(UTC)
    body = {"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": {**VARIABLES}}
    body["variables"][ATTEMPT_VARIABLE] = "attempt-crashed"
    httpx.post(f"{server.base_url}{CALLS_PATH}", json=body, headers=server.auth)
    found = await provider.find_attempt("attempt-crashed", began - timedelta(seconds=5))
    assert found is not None
    assert [c["callId"] for c in _calls_marked(server, "attempt-crashed")] == [found.call_id]
    assert await provider.find_attempt("attempt-never-sent", began - timedelta(minutes=5)) is None
    # The attempt that was never sent is placed now, once.
    await provider.place_call(_request(BUSY_NUMBER, "attempt-never-sent"))
    assert len(_calls_marked(server, "attempt-never-sent")) == 1


async def test_a_refusal_is_final_and_not_retried(server, proxy, proxied) -> None:
    request = OutboundCallRequest(agent_id=AGENT, to_number=BUSY_NUMBER, variables={})
    with pytest.raises(ValidationError) as caught:
        await proxied.place_call(request)
    assert "customerName" in str(caught.value) and "accountNumber" in str(caught.value)
    assert proxy.count("POST", CALLS_PATH) == 1
    with pytest.raises(NotFound):
        await proxied.place_call(
            OutboundCallRequest(agent_id="agent_nobody", to_number=BUSY_NUMBER)
        )


async def test_the_list_pages_and_refuses_filters_it_cannot_apply(provider) -> None:
    for _ in range(3):
        await provider.place_call(_request(BUSY_NUMBER))
    page = await provider.list_calls(CallQuery(page=1, page_size=2))
    assert len(page.calls) == 2 and page.page_size == 2 and page.total >= 3
    assert page.calls[0].created_at >= page.calls[1].created_at
    capped = await provider.list_calls(CallQuery(page=1, page_size=500))
    assert capped.page_size == 100
    with pytest.raises(UnsupportedOperation):
        await provider.list_calls(CallQuery(disposition=Disposition.BUSY))


async def test_agents_are_listed_with_their_variables(provider) -> None:
    agents = {agent.agent_id: agent for agent in await provider.list_agents()}
    required = {v.name for v in agents[AGENT].variables if v.required}
    assert required == set(VARIABLES)


async def test_an_answered_call_reads_back_with_recording_transcript_and_analysis(
    provider,
) -> None:
    created = await provider.place_call(_request("+14155550123"))
    deadline = time.monotonic() + 240
    while not (call := await provider.get_call(created.call_id)).status.is_final:
        assert time.monotonic() < deadline, (call.disposition, call.status)
        await asyncio.sleep(0.5)
    assert call.status is CallStatus.COMPLETED, call.error
    assert call.disposition is Disposition.COMPLETED
    assert call.recording is not None and call.recording.expires_at is not None
    assert httpx.get(call.recording.url, headers={"Range": "bytes=0-3"}).content == b"OggS"
    assert call.transcript and call.transcript[0].speaker is Speaker.AGENT
    assert "Maria Lopez" in call.transcript[0].text
    assert call.analysis is not None and call.analysis.score is not None
    assert call.analysis.sections
