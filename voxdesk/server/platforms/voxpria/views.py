"""Core calls as Voxpria's call bodies, and the core columns they map to.

call field → core column: callId → platform_id, status → disposition, toNumber →
to_number, agentId → agent_id, createdAt → created_at and also started_at (the core
orders "newest first" by started_at, and a queued call has not started yet: placing
it is its start from the list's point of view), completedAt → ended_at, duration →
duration_seconds, outcome → outcome, the transcript turns → transcript (JSON), the
recording → recording_key. In ``extra``: the contract's ``startedAt`` (answered, or
dialling began for a call that never connected), ``variables``, ``failureReason``,
and the analysis (``analysisStatus``, ``scorecardId``, ``analysis``, ``analysisError``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from voxdesk.contracts.voxpria import (
    AnalysisStatus,
    CallAnalysis,
    CallStatus,
    CreatedCall,
    TranscriptTurn,
    VoxpriaCall,
)
from voxdesk.server.core.store import CoreCall, parse_stored_time, stored_time
from voxdesk.server.urls import StorageUrls

PLATFORM = "voxpria"
DIRECTION = "Outbound"
#: Recording URLs handed out in call bodies stay valid this long unless the server's
#: --recording-url-ttl asks for shorter: long enough to play a call opened from a list.
RECORDING_URL_TTL_SECONDS = 3600


def extra_time(call: CoreCall, name: str) -> datetime | None:
    return parse_stored_time((call.extra or {}).get(name))


def with_extra(call: CoreCall, **changes: Any) -> dict[str, Any]:
    """``call``'s extra with ``changes`` applied (times stored as fixed-width text)."""
    extra = dict(call.extra or {})
    for name, value in changes.items():
        extra[name] = stored_time(value) if isinstance(value, datetime) else value
    return extra


def transcript_text(turns: list[dict[str, Any]]) -> str:
    return "\n".join(f"{turn['role'].capitalize()}: {turn['text']}" for turn in turns)


def created_call(call: CoreCall) -> CreatedCall:
    return CreatedCall(
        call_id=call.platform_id,
        status=CallStatus(call.disposition),
        to_number=call.to_number or "",
        agent_id=call.agent_id or "",
        created_at=call.created_at,
    )


def voxpria_call(call: CoreCall, urls: StorageUrls, recording_ttl: int) -> VoxpriaCall:
    extra = call.extra or {}
    turns = call.transcript or []
    status = CallStatus(call.disposition)
    return VoxpriaCall(
        call_id=call.platform_id,
        status=status,
        duration=None if call.duration_seconds is None else round(call.duration_seconds),
        recording=(
            None
            if call.recording_key is None
            else urls.download_url(call.recording_key, recording_ttl)
        ),
        transcript=transcript_text(turns) if status is CallStatus.COMPLETED else None,
        outcome=call.outcome,
        started_at=extra_time(call, "startedAt"),
        completed_at=call.ended_at,
        to_number=call.to_number,
        agent_id=call.agent_id,
        created_at=call.created_at,
        variables=extra.get("variables") or {},
        failure_reason=extra.get("failureReason"),
        turns=[TranscriptTurn.model_validate(turn) for turn in turns],
        analysis_status=extra.get("analysisStatus"),
    )


def call_analysis(call: CoreCall) -> CallAnalysis | None:
    """The analysis extension's body, or ``None`` for a call that will never have one."""
    extra = call.extra or {}
    status = extra.get("analysisStatus")
    if status is None:
        return None
    return CallAnalysis(
        call_id=call.platform_id,
        status=AnalysisStatus(status),
        scorecard_id=extra.get("scorecardId", ""),
        analysis=extra.get("analysis"),
        error=extra.get("analysisError"),
    )
