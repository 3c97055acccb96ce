"""Voxpria: AI voice calls placed on request, listed and read back with their
recordings and transcripts (``shared/api-contracts/voxpria-calls.txt``; wire bodies in
``voxdesk.contracts.voxpria``).

**Never dial twice.** The contract has no idempotency key, so a create whose answer is
lost must not be sent again blindly: that could ring a customer twice. Every create
carries an attempt id in its ``variables`` under ``ATTEMPT_VARIABLE`` (the caller may
set it — and persist it — before sending; otherwise one is made). The platform stores
variables with the call and the list returns them (a local-server extension), so after
a lost answer the provider searches the list for the attempt id: found, that call is
the answer; proven absent twice, ``RECONCILE_PAUSE`` apart, sending again cannot make a
second call. A caller that crashed mid-request calls ``find_attempt`` on its next start
with the id it persisted. Any other refusal (4xx) is final and never retried.

Statuses: the call's own progress is its ``disposition`` (queued … busy); ``status`` is
the analysis status a reviewer acts on: pending while the call is under way,
processing while the completed call is being scored, then completed (or failed).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from voxdesk.contracts import voxpria as wire
from voxdesk.contracts.voxxi import AnalysisBody
from voxdesk.domain import (
    AgentKind,
    Analysis,
    Call,
    CallStatus,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    OutboundCallRequest,
    Recording,
    Speaker,
    TranscriptTurn,
)
from voxdesk.providers.answers import WireT, parse_answer
from voxdesk.providers.base import CallPage, CallQuery, CreatedCall, Provider
from voxdesk.providers.errors import (
    MalformedResponse,
    NetworkError,
    ProviderError,
    ServerError,
    UnsupportedOperation,
)
from voxdesk.providers.http import HttpClient
from voxdesk.providers.settings import ConnectionSettings, TokenSettings
from voxdesk.providers.signed_urls import url_expiry
from voxdesk.providers.voxxi import map_analysis

#: The documented key in ``variables`` that marks one attempt to place one call.
ATTEMPT_VARIABLE = "voxdeskAttempt"
#: How long to wait before looking a second time for a lost create (a request still in
#: flight inside the platform would show by then).
RECONCILE_PAUSE = 2.0
#: How far back the list is searched for an attempt: calls are listed newest first, so
#: the search stops at the first call created this long before the attempt began.
RECONCILE_WINDOW = timedelta(minutes=30)
#: At most this many sends of one attempt, each after proof the previous made no call.
MAX_SENDS = 2
_FILTERS = (
    *("status", "member_id", "category_id", "date_from", "date_to", "text"),
    *("grouping_id", "direction", "disposition"),
)


class VoxpriaSettings(TokenSettings):
    """A base URL (``https://app.voxpria.com`` or a local server) and an API key."""


class AttemptUnresolved(NetworkError):
    """The create's answer was lost and the list could not prove whether the call was
    placed; ``attempt_id`` lets the caller check again later (``find_attempt``)."""

    def __init__(self, message: str, attempt_id: str) -> None:
        super().__init__(message, request_sent=True)
        self.attempt_id = attempt_id


# --- mapping to the domain -------------------------------------------------------------


def _parse(model: type[WireT], value: Any) -> WireT:
    return parse_answer(model, value, "the Voxpria contract")


def _data(body: Any) -> Any:
    if not isinstance(body, dict) or body.get("success") is not True or "data" not in body:
        raise MalformedResponse("The server's answer is not a Voxpria success envelope.")
    return body["data"]


def analysis_status(call: wire.VoxpriaCall) -> CallStatus:
    if not call.status.is_final:
        return CallStatus.PENDING
    if call.status is not wire.CallStatus.COMPLETED:
        return CallStatus.COMPLETED  # nothing to score: the call never connected
    return {
        None: CallStatus.COMPLETED,
        wire.AnalysisStatus.PENDING: CallStatus.PROCESSING,
        wire.AnalysisStatus.COMPLETED: CallStatus.COMPLETED,
        wire.AnalysisStatus.FAILED: CallStatus.FAILED,
    }[call.analysis_status]


def map_call(
    call: wire.VoxpriaCall, analysis: Analysis | None = None, agent_name: str | None = None
) -> Call:
    variables = {k: v for k, v in call.variables.items() if k != ATTEMPT_VARIABLE}
    recording = (
        Recording(url=call.recording, expires_at=url_expiry(call.recording))
        if call.recording
        else None
    )
    return Call(
        id=call.call_id,
        status=analysis_status(call),
        date=call.started_at or call.created_at,
        duration=None if call.duration is None else float(call.duration),
        summary=call.failure_reason,
        recording=recording,
        udfs=variables,
        created_at=call.created_at,
        analysis=analysis or (Analysis(outcome_label=call.outcome) if call.outcome else None),
        transcript=tuple(
            TranscriptTurn(speaker=Speaker.parse(t.role), start=t.start, end=t.end, text=t.text)
            for t in call.turns
        )
        or None,
        transcript_text=call.transcript,
        direction=Direction.OUTBOUND,
        to_number=call.to_number,
        started_at=call.started_at,
        ended_at=call.completed_at,
        disposition=Disposition.parse(call.status.value),
        # A Voxpria agent is a bot with one script: the nearest neutral group is a campaign.
        grouping=Grouping(kind=GroupingKind.CAMPAIGN, id=call.agent_id, name=agent_name)
        if call.agent_id
        else None,
        agent_kind=AgentKind.BOT,
    )


def _created(call: wire.VoxpriaCall | wire.CreatedCall) -> CreatedCall:
    status = call.status
    return CreatedCall(
        call_id=call.call_id,
        status=CallStatus.PENDING if not status.is_final else CallStatus.COMPLETED,
    )


# --- the provider ----------------------------------------------------------------------


class VoxpriaProvider(Provider):
    platform: ClassVar[str] = "voxpria"
    settings_model: ClassVar[type[ConnectionSettings]] = VoxpriaSettings
    filters_calls_by_date: ClassVar[bool] = False

    def __init__(self, http: HttpClient, settings: ConnectionSettings | None = None) -> None:
        super().__init__(http, settings)
        #: Agent names by id, read once (``_agent_names``).
        self._names: dict[str, str] | None = None

    async def _agent_names(self) -> dict[str, str]:
        """The agents' names by id, so calls are listed under "Payment reminder" rather
        than its id; read once per connection. Empty when they cannot be read (the ids
        are shown then, and the next read tries again)."""
        if self._names is None:
            try:
                self._names = {agent.agent_id: agent.name for agent in await self.list_agents()}
            except ProviderError:
                return {}
        return self._names

    def _named(
        self, call: wire.VoxpriaCall, names: dict[str, str], analysis: Analysis | None = None
    ) -> Call:
        return map_call(call, analysis, names.get(call.agent_id or ""))

    def _path(self, call_id: str, tail: str = "") -> str:
        return f"{wire.CALLS_PATH}/{quote(call_id, safe='')}{tail}"

    async def _page(self, page: int, limit: int) -> wire.CallPage:
        body = await self.http.request_json(
            "GET", wire.CALLS_PATH, params={"page": page, "limit": limit}
        )
        return _parse(wire.CallPage, body)

    async def list_calls(self, query: CallQuery) -> CallPage:
        filters = [name for name in _FILTERS if getattr(query, name) is not None]
        if filters:
            raise UnsupportedOperation(
                f"Voxpria's call list cannot be filtered (asked: {', '.join(filters)})."
            )
        page = await self._page(query.page, min(query.page_size, wire.MAX_LIMIT))
        names = await self._agent_names()
        return CallPage(
            calls=[self._named(call, names) for call in page.data],
            page=page.page,
            page_size=page.limit,
            total=page.total,
        )

    async def _wire_call(self, call_id: str) -> wire.VoxpriaCall:
        body = await self.http.request_json("GET", self._path(call_id))
        return _parse(wire.VoxpriaCall, _data(body))

    async def get_call(self, call_id: str) -> Call:
        call = await self._wire_call(call_id)
        analysis = None
        if call.analysis_status is wire.AnalysisStatus.COMPLETED:
            body = await self.http.request_json("GET", self._path(call_id, "/analysis"))
            scored = _parse(wire.CallAnalysis, _data(body))
            if scored.analysis is not None:
                analysis = map_analysis(_parse(AnalysisBody, scored.analysis))
        return self._named(call, await self._agent_names(), analysis)

    async def recording_url(self, call_id: str) -> Recording | None:
        # Each read of a call signs its recording URL afresh.
        return map_call(await self._wire_call(call_id)).recording

    async def list_agents(self) -> list[wire.Agent]:
        """The platform's voice agents and their variables (a local-server extension)."""
        body = await self.http.request_json("GET", wire.AGENTS_PATH)
        data = _data(body)
        if not isinstance(data, list):
            raise MalformedResponse("The server's agent list is not a list.")
        return [_parse(wire.Agent, agent) for agent in data]

    # placing calls

    async def place_call(self, request: OutboundCallRequest) -> CreatedCall:
        """Place one call, at most once (see the module's docstring). Raises
        ``AttemptUnresolved`` when that cannot be known yet."""
        attempt = request.variables.get(ATTEMPT_VARIABLE) or uuid.uuid4().hex
        body = wire.CreateCallRequest(
            agent_id=request.agent_id,
            to_number=request.to_number,
            variables={**request.variables, ATTEMPT_VARIABLE: attempt},
        ).dump()
        since = datetime.now(UTC) - RECONCILE_WINDOW
        for _ in range(MAX_SENDS):
            try:
                answer = await self.http.request_json(
                    "POST", wire.CALLS_PATH, json=body, idempotent=False
                )
            except (NetworkError, ServerError) as exc:
                if isinstance(exc, NetworkError) and not exc.request_sent:
                    raise  # it never reached the platform: nothing was placed
                found = await self._search_twice(attempt, since, exc)
                if found is not None:
                    return found
                continue  # proven absent: sending again cannot ring twice
            return _created(_parse(wire.CreatedCall, _data(answer)))
        raise AttemptUnresolved(
            "The call request's answer was lost and the platform shows no such call yet; "
            f"look for attempt {attempt} in the call list before placing it again.",
            attempt,
        )

    async def _search_twice(
        self, attempt: str, since: datetime, lost: ProviderError
    ) -> CreatedCall | None:
        """The call a lost create made, or ``None`` once its absence is proven; an
        unreadable list proves nothing, so it ends the attempt unresolved."""
        for pause in (0.0, RECONCILE_PAUSE):
            await asyncio.sleep(pause)
            try:
                found = await self.find_attempt(attempt, since)
            except ProviderError as exc:
                raise AttemptUnresolved(
                    f"The call request's answer was lost ({lost}) and the call list could not "
                    f"be read to check it ({exc}); look for attempt {attempt} before placing "
                    "the call again.",
                    attempt,
                ) from exc
            if found is not None:
                return found
        return None

    async def find_attempt(self, attempt: str, since: datetime) -> CreatedCall | None:
        """The call placed with ``attempt`` (its ``ATTEMPT_VARIABLE``), looking back to
        calls created at ``since``; ``None`` when there is none."""
        page = 1
        while True:
            found = await self._page(page, wire.MAX_LIMIT)
            for call in found.data:
                if call.variables.get(ATTEMPT_VARIABLE) == attempt:
                    return _created(call)
            oldest = found.data[-1].created_at if found.data else None
            if (
                not found.data
                or page * found.limit >= found.total
                or (oldest is not None and oldest < since)
            ):
                return None
            page += 1
