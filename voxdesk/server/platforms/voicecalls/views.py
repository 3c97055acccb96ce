"""Core calls as the contract's voice-call bodies, and the core columns they map to.

voice-call field  → core column:  campaignId → group_id, state → disposition,
startTime/endTime → started_at/ended_at, durationSeconds/talkTimeSeconds →
duration_seconds/talk_seconds, transcript / epaResults → transcript / survey (JSON, in
wire form), the recording → recording_key (a storage key).
"""

from __future__ import annotations

from typing import Any

from voxdesk.contracts.voicecalls import EpaResults, TranscriptTurn, VoiceCall
from voxdesk.server.core.store import CoreCall

PLATFORM = "voicecalls"


def voice_call(call: CoreCall) -> VoiceCall:
    return VoiceCall(
        id=call.platform_id,
        campaign_id=call.group_id or "",
        direction=call.direction,
        state=call.disposition,
        start_time=call.started_at,
        end_time=call.ended_at,
        duration_seconds=round(call.duration_seconds or 0),
        talk_time_seconds=round(call.talk_seconds or 0),
        outcome=call.outcome,
        transcript=[TranscriptTurn.model_validate(turn) for turn in call.transcript or []],
        epa_results=epa_results(call),
        created_at=call.created_at,
    )


def epa_results(call: CoreCall) -> EpaResults | None:
    return None if call.survey is None else EpaResults.model_validate(call.survey)


def core_call(wire: VoiceCall, recording_key: str | None) -> CoreCall:
    """The core row for a voice call (demo seeding, the bulk generator and POST)."""
    survey: dict[str, Any] | None = None if wire.epa_results is None else wire.epa_results.dump()
    return CoreCall(
        platform=PLATFORM,
        platform_id=wire.id,
        created_at=wire.created_at,
        direction=wire.direction.value,
        started_at=wire.start_time,
        ended_at=wire.end_time,
        duration_seconds=wire.duration_seconds,
        talk_seconds=wire.talk_time_seconds,
        disposition=wire.state.value,
        group_id=wire.campaign_id,
        outcome=wire.outcome,
        transcript=[turn.dump() for turn in wire.transcript],
        survey=survey,
        recording_key=recording_key,
    )
