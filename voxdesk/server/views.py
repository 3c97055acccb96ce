"""Turning a stored call into the contract's JSON, field for field.

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

from voxdesk.server.dates import to_wire
from voxdesk.server.store import COMPLETED, FAILED, CallRecord
from voxdesk.server.urls import StorageUrls

log = logging.getLogger(__name__)

UNREADABLE = "The server could not read this call's stored analysis; its log has the details."

ANALYSIS_FIELDS = (
    "score",
    "outcomeLabel",
    "outcomeRationale",
    "callObservations",
    "areasForImprovement",
    "extractions",
)
SECTION_FIELDS = ("sectionId", "sectionName", "score", "totalScore")
CRITERION_FIELDS = ("criteriaId", "question", "result", "rationale")
# Local extension: reviewers must see which criteria zero the whole call.
CRITERION_EXTENSION_FIELDS = ("autoFail",)
TURN_FIELDS = ("speaker", "start", "end", "text")


def _sections(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **{name: section.get(name) for name in SECTION_FIELDS},
            "criterias": [
                {
                    **{name: criterion.get(name) for name in CRITERION_FIELDS},
                    **{name: bool(criterion.get(name)) for name in CRITERION_EXTENSION_FIELDS},
                }
                for criterion in section.get("criterias", [])
            ],
        }
        for section in raw
    ]


def _turn(turn: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: turn.get(name) for name in TURN_FIELDS},
        "words": [
            {"word": word, "start": start, "end": end}
            for word, start, end in turn.get("words") or []
        ],
    }


def call_data(call: CallRecord, urls: StorageUrls) -> dict[str, Any]:
    try:
        return _call_data(call, urls)
    except Exception:
        # Deliberately broad: whatever is wrong with one stored record, the others on
        # the page must still be answered. The record is left as it is in the store.
        log.exception("Call %s could not be laid out; answering it as unreadable", call.id)
    return _unreadable_call_data(call)


def _unreadable_call_data(call: CallRecord) -> dict[str, Any]:
    """The record as stored, touching nothing that could fail a second time."""
    return {
        "callId": call.id,
        "status": FAILED,
        "analysis": {**dict.fromkeys(ANALYSIS_FIELDS), "sections": []},
        "metadata": {
            "date": to_wire(call.call_date),
            "duration": None,
            "summary": None,
            "audioUrl": call.audio_url,
            "udfs": call.udfs,
            "createdAt": to_wire(call.created_at),
            "updatedAt": to_wire(call.updated_at),
        },
        "transcript": None,
        "memberId": call.member_id,
        "categoryId": call.category_id,
        "error": UNREADABLE,
    }


def _call_data(call: CallRecord, urls: StorageUrls) -> dict[str, Any]:
    completed = call.status == COMPLETED
    if completed and not isinstance(call.analysis, dict):
        raise ValueError("a completed call without a readable analysis")
    result = call.analysis if completed else {}
    analysis = {name: result.get(name) for name in ANALYSIS_FIELDS}
    analysis["sections"] = _sections(result.get("sections") or [])
    transcript = [_turn(turn) for turn in result.get("transcript", [])] if completed else None
    return {
        "callId": call.id,
        "status": call.status,
        "analysis": analysis,
        "metadata": {
            "date": to_wire(call.call_date),
            "duration": call.duration if completed else None,
            "summary": result.get("summary"),
            "audioUrl": urls.playback_url(call.audio_url),
            "udfs": call.udfs,
            "createdAt": to_wire(call.created_at),
            "updatedAt": to_wire(call.updated_at),
        },
        "transcript": transcript,
        "memberId": call.member_id,
        "categoryId": call.category_id,
        "error": call.error,
    }
