"""The desk's placing services against the real local server: a request the journal
shows placed by a killed run is adopted, not dialled again; the placed call is in the
catalog at once; a Voxpria connection refreshes again and again (its list takes no date
filter); batch rows are checked line by line before anything is sent."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.support.voxpria_server import calls_where, voxpria_server
from tests.uploads.faulty_proxy import SWALLOW_RESPONSE, Fault, FaultyProxy
from voxdesk.contracts.voxpria import CALLS_PATH
from voxdesk.domain import OutboundCallRequest
from voxdesk.providers.registry import make_provider
from voxdesk.providers.voxpria import ATTEMPT_VARIABLE
from voxdesk.services.call_batch import BatchRow, BatchSummary, RowsError, RowState, read_rows
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.outbound import Attempt, AttemptState, AttemptStore
from voxdesk.services.placing import AgentChoice, CallPlacer

CONNECTION = "conn-desk-voxpria"
AGENT = AgentChoice(
    "agent_payment_reminder",
    "Payment reminder",
    (("customerName", True, ""), ("accountNumber", True, ""), ("agentName", False, "")),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with voxpria_server(tmp_path_factory.mktemp("voxpria-placing") / "data") as srv:
        yield srv


@pytest.fixture
async def service(server, tmp_path):
    provider = make_provider("voxpria", {"base_url": server.base_url, "token": server.token})
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    yield CallService(CONNECTION, provider, catalog)
    await catalog.close()
    await provider.aclose()


@pytest.fixture
async def store(tmp_path):
    journal = AttemptStore(tmp_path / "outbound.sqlite3")
    await journal.open()
    yield journal
    await journal.close()


def _request(number: str) -> OutboundCallRequest:
    return OutboundCallRequest(
        agent_id=AGENT.agent_id,
        to_number=number,
        variables={"customerName": "Maria Lopez", "accountNumber": "48213"},
    )


async def test_the_agents_are_the_platforms_with_their_variables(service, store) -> None:
    agents = {a.agent_id: a for a in await CallPlacer(service, store).agents()}
    reminder = agents["agent_payment_reminder"]
    assert reminder.required == ["customerName", "accountNumber"]
    assert reminder.missing({"customerName": "  "}) == ["customerName", "accountNumber"]


async def test_a_placed_call_is_in_the_catalog_at_once(server, service, store) -> None:
    attempt = await CallPlacer(service, store).place(_request("+14155550401"))
    assert attempt.state is AttemptState.PLACED
    cached = await service.cached_call(attempt.call_id or "")
    assert cached is not None and cached.to_number == "+14155550401"


async def test_a_request_a_killed_run_placed_is_adopted_not_dialled_again(
    server, service, store
) -> None:
    number = "+14155550402"
    # A run that died after its create reached the platform: the call exists, the
    # journal still says "sending".
    attempt_id = "killed-run-attempt"
    marked = _request(number).model_copy(
        update={"variables": {**_request(number).variables, ATTEMPT_VARIABLE: attempt_id}}
    )
    await service.provider.place_call(marked)
    await store.add(Attempt(attempt_id, CONNECTION, marked, AttemptState.SENDING, time.time()))

    attempt = await CallPlacer(service, store).place(_request(number))
    assert attempt.id == attempt_id and attempt.state is AttemptState.PLACED
    assert len(calls_where(server, lambda c: c.get("toNumber") == number)) == 1


async def test_a_lost_answer_to_the_desks_create_still_makes_exactly_one_call(
    server, tmp_path, store
) -> None:
    proxy = await FaultyProxy(server.port, [Fault("POST", CALLS_PATH, SWALLOW_RESPONSE)]).start()
    provider = make_provider("voxpria", {"base_url": proxy.base_url, "token": server.token})
    catalog = CallCatalog(tmp_path / "lost.sqlite3")
    await catalog.open()
    try:
        placer = CallPlacer(CallService(CONNECTION, provider, catalog), store)
        attempt = await placer.place(_request("+14155550405"))
        again = await placer.place(_request("+14155550406"))
    finally:
        await catalog.close()
        await provider.aclose()
        await proxy.stop()
    assert attempt.state is AttemptState.PLACED and again.state is AttemptState.PLACED
    for number, placed in (("+14155550405", attempt), ("+14155550406", again)):
        [call] = calls_where(server, lambda c, n=number: c.get("toNumber") == n)
        assert call["callId"] == placed.call_id


async def test_a_voxpria_connection_refreshes_more_than_once(server, service, store) -> None:
    await CallPlacer(service, store).place(_request("+14155550403"))
    for _ in range(3):  # the second and later refreshes once asked for a date filter
        assert await service.refresh() >= 1


async def test_follow_reads_a_ringing_call_quickly_then_stops_at_the_end(service, store) -> None:
    attempt = await CallPlacer(service, store).place(_request("+14155550404"))
    seen = []
    started = time.monotonic()
    call = await asyncio.wait_for(
        service.follow(
            attempt.call_id or "",
            on_update=lambda c: seen.append(c.disposition),
            first_delay=30.0,  # the back-off alone would not read it again for 30 s
            dialing_delay=0.2,
            until=lambda c: c.disposition is not None and c.disposition.is_final,
        ),
        timeout=60,
    )
    assert call.disposition is not None and call.disposition.is_final
    assert len(seen) >= 2 and time.monotonic() - started < 30


def test_pasted_numbers_and_csv_rows_are_checked_line_by_line() -> None:
    common = {"customerName": "Sam", "accountNumber": "1"}
    rows = read_rows("+1 415 555 0100\n\n+14155550101\n", AGENT, common)
    assert [r.number for r in rows] == ["+14155550100", "+14155550101"]
    assert rows[0].variables == common

    csv_text = "toNumber,customerName,accountNumber\n+14155550102,Ana,7\n+14155550103,,8\n"
    with pytest.raises(RowsError) as refused:
        read_rows(csv_text, AGENT, {})
    assert str(refused.value) == "Line 3 (+14155550103): no value for customerName"
    rows = read_rows(csv_text, AGENT, {"customerName": "Default"})
    assert [r.variables["customerName"] for r in rows] == ["Ana", "Default"]

    with pytest.raises(RowsError) as refused:
        read_rows("+14155550100\n0612345678\nabc\n", AGENT, common)
    lines = str(refused.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["Line 2", "Line 3"]
    assert "start with + and the country code" in lines[0]
    with pytest.raises(RowsError, match="Paste at least one number"):
        read_rows(" \n", AGENT, common)


def test_the_summary_counts_rows_and_endings_and_gives_reasons(tmp_path: Path) -> None:
    from voxdesk.domain import Disposition

    summary = BatchSummary(
        (
            BatchRow("+14155550100", state=RowState.PLACED, disposition=Disposition.COMPLETED),
            BatchRow("+15005550001", state=RowState.PLACED, disposition=Disposition.BUSY),
            BatchRow("+14155550102", state=RowState.REFUSED, reason="no such agent"),
        )
    )
    assert summary.text() == (
        "3 rows: 2 placed, 1 refused. Ended: 1 completed, 1 busy.\n+14155550102: no such agent"
    )
