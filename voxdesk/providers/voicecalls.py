"""The voice-bot platform: calls a bot placed or answered, with their transcripts,
post-call surveys (EPA) and 15-minute SAS recording URLs
(``shared/api-contracts/voice-calls.txt``; wire bodies in ``voxdesk.contracts``).

Every call it lists has already ended, so its analysis status is always ``completed``:
what varies is the call's disposition (answered, busy, no answer, failed). Transcript
turns carry only a start (``HH:MM:SS``); their ends are estimated from the next turn.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from voxdesk.contracts import voicecalls as wire
from voxdesk.domain import (
    AgentKind,
    Analysis,
    Call,
    CallStatus,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    Recording,
    Speaker,
    SurveyResponse,
    SurveyResult,
    TranscriptTurn,
    with_estimated_ends,
)
from voxdesk.providers.answers import WireT, parse_answer, parse_json_answer
from voxdesk.providers.base import CallPage, CallQuery, Provider
from voxdesk.providers.errors import NotFound, UnsupportedOperation
from voxdesk.providers.settings import ConnectionSettings, TokenSettings
from voxdesk.providers.signed_urls import url_expiry

_DISPOSITIONS = {
    wire.CallState.COMPLETED: Disposition.COMPLETED,
    wire.CallState.BUSY: Disposition.BUSY,
    wire.CallState.NO_ANSWER: Disposition.NO_ANSWER,
    wire.CallState.FAILED: Disposition.FAILED,
}
_STATES = {disposition: state for state, disposition in _DISPOSITIONS.items()}
_DIRECTIONS = {
    wire.CallDirection.INBOUND: Direction.INBOUND,
    wire.CallDirection.OUTBOUND: Direction.OUTBOUND,
}
_WIRE_DIRECTIONS = {direction: wired for wired, direction in _DIRECTIONS.items()}


class VoiceCallsSettings(TokenSettings):
    """A base URL and a Bearer token with the ``voice:read`` (and, to play recordings,
    ``audio:download``) scopes."""


# --- mapping to the domain -------------------------------------------------------------


def map_survey(epa: wire.EpaResults) -> SurveyResult:
    return SurveyResult(
        state=epa.state.value,
        completion_reason=epa.completion_reason.value,
        total_questions=epa.total_questions,
        questions_answered=epa.questions_answered,
        score=epa.calculated_score,
        responses=tuple(
            SurveyResponse(question=r.question, answer=r.answer, score=r.score)
            for r in epa.responses
        ),
    )


def map_transcript(
    turns: list[wire.TranscriptTurn], call_seconds: float
) -> tuple[TranscriptTurn, ...]:
    return with_estimated_ends(
        [
            TranscriptTurn(speaker=Speaker.parse(t.role.value), start=t.offset_seconds, text=t.text)
            for t in turns
        ],
        call_end=call_seconds,
    )


def map_call(call: wire.VoiceCall) -> Call:
    disposition = _DISPOSITIONS[call.state]
    return Call(
        id=call.id,
        # The platform lists only calls that have ended: nothing of theirs is pending.
        status=CallStatus.COMPLETED,
        date=call.start_time,
        duration=float(call.duration_seconds),
        created_at=call.created_at,
        analysis=Analysis(
            outcome_label=call.outcome,
            survey=map_survey(call.epa_results) if call.epa_results else None,
        ),
        transcript=(
            map_transcript(call.transcript, call.duration_seconds)
            if call.transcript or call.state.connected
            else None
        ),
        direction=_DIRECTIONS[call.direction],
        started_at=call.start_time,
        ended_at=call.end_time,
        talk_time=float(call.talk_time_seconds),
        disposition=disposition,
        grouping=Grouping(kind=GroupingKind.CAMPAIGN, id=call.campaign_id),
        agent_kind=AgentKind.BOT,
    )


def _parse(model: type[WireT], value: Any) -> WireT:
    return parse_answer(model, value, "the voice-call contract")


def _call_page(raw: bytes) -> CallPage:
    page = parse_json_answer(wire.VoiceCallPage, raw, "the voice-call contract")
    return CallPage(
        calls=[map_call(call) for call in page.data],
        page=page.page,
        page_size=page.page_size,
        total=page.total,
    )


def _wire_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def list_params(query: CallQuery) -> dict[str, Any] | None:
    """The contract's query parameters for ``query``, or ``None`` when no call of this
    platform can match it (a call still ringing, an analysis still pending, an agent:
    the platform's calls have ended, are analysed and are spoken by a bot)."""
    if query.text:
        raise UnsupportedOperation("The voice-bot platform cannot search calls by text.")
    if query.status not in (None, CallStatus.COMPLETED) or query.member_id:
        return None
    state = None
    if query.disposition is not None:
        state = _STATES.get(query.disposition)
        if state is None:
            return None
    direction = _WIRE_DIRECTIONS[query.direction] if query.direction else None
    return {
        "campaignId": query.grouping_id or query.category_id,
        "state": state.value if state else None,
        "direction": direction.value if direction else None,
        "dateFrom": _wire_time(query.date_from) if query.date_from else None,
        "dateTo": _wire_time(query.date_to) if query.date_to else None,
        "page": query.page,
        "pageSize": query.page_size,
    }


# --- the provider ----------------------------------------------------------------------


class VoiceCallsProvider(Provider):
    platform: ClassVar[str] = "voicecalls"
    settings_model: ClassVar[type[ConnectionSettings]] = VoiceCallsSettings

    def _path(self, call_id: str, tail: str = "") -> str:
        return f"{wire.VOICE_CALLS_PATH}/{quote(call_id, safe='')}{tail}"

    async def list_calls(self, query: CallQuery) -> CallPage:
        params = list_params(query)
        if params is None:
            return CallPage(calls=[], page=query.page, page_size=query.page_size, total=0)
        raw = await self.http.request_bytes("GET", wire.VOICE_CALLS_PATH, params=params)
        # Decoding, validating and mapping a page of 200 calls takes 5 ms of CPU (more
        # under load): on a worker thread, the event loop (the GUI) keeps ticking
        # through a sync of thousands of pages. The loop thread gets the GIL back at
        # each switch interval.
        return await asyncio.to_thread(_call_page, raw)

    async def get_call(self, call_id: str) -> Call:
        body = await self.http.request_json("GET", self._path(call_id))
        return map_call(_parse(wire.VoiceCall, body))

    async def recording_url(self, call_id: str) -> Recording | None:
        body = await self.http.request_json("GET", self._path(call_id, "/recording-url"))
        signed = _parse(wire.RecordingUrl, body)
        # The storage enforces the URL's own ``se``; trust the earlier of the two.
        expiries = [e for e in (signed.expires_at, url_expiry(signed.recording_url)) if e]
        return Recording(url=signed.recording_url, expires_at=min(expiries))

    async def playback(self, call: Call) -> Recording | None:
        # A call that never connected has no audio: do not ask for a URL to refuse.
        if call.disposition not in (None, Disposition.COMPLETED):
            return None
        return await self.recording_url(call.id)

    async def survey_results(self, call_id: str) -> SurveyResult | None:
        try:
            body = await self.http.request_json("GET", self._path(call_id, "/epa-results"))
        except NotFound:
            # 404 means either "no such call" or "no survey": only the first is an error.
            await self.get_call(call_id)
            return None
        return map_survey(_parse(wire.EpaResults, body))
