"""Turning a stored call into the contract's JSON, through ``voxdesk.contracts.voxxi``.

``data`` of ``GET /calls/{callId}/analysis`` is exactly Voxxi's ``callId``,
``status``, ``analysis`` and ``metadata``, plus these local extensions:

* ``transcript``: ``[{speaker, start, end, text, words}]`` once completed, else
  ``null``; ``words`` is ``[{word, start, end}]``, the recogniser's word timings;
* ``memberId``, ``categoryId``: who handled the call and its scorecard;
* ``error``: why a ``failed`` call failed, else ``null``.

While a call is not completed every analysis field is ``null`` and ``sections`` is
empty. ``GET /calls`` (local) lists the same objects.

A stored call that cannot be laid out (an analysis of another shape, written by another
version or damaged) answers as ``failed`` with an ``error`` saying so, rather than
taking down the whole page of a listing that holds it.
"""

from __future__ import annotations

import logging
from typing import Any

from voxdesk.contracts import voxxi as wire
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.dates import to_wire
from voxdesk.server.platforms.voxxi.store import COMPLETED, FAILED, CallRecord

log = logging.getLogger(__name__)

UNREADABLE = "The server could not read this call's stored analysis; its log has the details."


def _sections(raw: list[dict[str, Any]]) -> list[wire.Section]:
    return [
        wire.Section(
            section_id=section.get("sectionId"),
            section_name=section.get("sectionName"),
            score=section.get("score"),
            total_score=section.get("totalScore"),
            criterias=[
                wire.Criterion(
                    criteria_id=criterion.get("criteriaId"),
                    question=criterion.get("question"),
                    result=criterion.get("result"),
                    rationale=criterion.get("rationale"),
                    auto_fail=bool(criterion.get("autoFail")),
                    confidence=criterion.get("confidence"),
                    uncertain=bool(criterion.get("uncertain")),
                    uncertain_reason=criterion.get("uncertainReason"),
                )
                for criterion in section.get("criterias", [])
            ],
        )
        for section in raw
    ]


def _turn(turn: dict[str, Any]) -> wire.Turn:
    return wire.Turn(
        speaker=turn.get("speaker"),
        start=turn.get("start"),
        end=turn.get("end"),
        text=turn.get("text"),
        words=[
            wire.Word(word=word, start=start, end=end)
            for word, start, end in turn.get("words") or []
        ],
    )


def call_data(call: CallRecord, urls: StorageUrls) -> wire.CallAnalysis:
    try:
        return _call_data(call, urls)
    except Exception:
        # Deliberately broad: whatever is wrong with one stored record, the others on
        # the page must still be answered. The record is left as it is in the store.
        log.exception("Call %s could not be laid out; answering it as unreadable", call.id)
    return _unreadable_call_data(call)


def _unreadable_call_data(call: CallRecord) -> wire.CallAnalysis:
    """The record as stored, touching nothing that could fail a second time: built
    without validation (``model_construct``), its stored texts passed through as they are."""
    return wire.CallAnalysis.model_construct(
        call_id=call.id,
        status=FAILED,
        analysis=wire.AnalysisBody.model_construct(sections=[]),
        metadata=wire.Metadata.model_construct(
            date=to_wire(call.call_date),
            audio_url=call.audio_url,
            udfs=call.udfs,
            created_at=to_wire(call.created_at),
            updated_at=to_wire(call.updated_at),
        ),
        member_id=call.member_id,
        category_id=call.category_id,
        error=UNREADABLE,
    )


def _call_data(call: CallRecord, urls: StorageUrls) -> wire.CallAnalysis:
    completed = call.status == COMPLETED
    if completed and not isinstance(call.analysis, dict):
        raise ValueError("a completed call without a readable analysis")
    result = call.analysis if completed else {}
    return wire.CallAnalysis(
        call_id=call.id,
        status=call.status,
        analysis=wire.AnalysisBody(
            score=result.get("score"),
            outcome_label=result.get("outcomeLabel"),
            outcome_rationale=result.get("outcomeRationale"),
            call_observations=result.get("callObservations"),
            areas_for_improvement=result.get("areasForImprovement"),
            extractions=result.get("extractions"),
            sections=_sections(result.get("sections") or []),
        ),
        metadata=wire.Metadata(
            date=to_wire(call.call_date),
            duration=call.duration if completed else None,
            summary=result.get("summary"),
            audio_url=urls.playback_url(call.audio_url),
            udfs=call.udfs,
            created_at=to_wire(call.created_at),
            updated_at=to_wire(call.updated_at),
        ),
        transcript=[_turn(turn) for turn in result.get("transcript", [])] if completed else None,
        member_id=call.member_id,
        category_id=call.category_id,
        error=call.error,
    )
