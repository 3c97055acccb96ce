"""The voice-bot platform's wire bodies (the contract's own models) mapped onto the
neutral domain, and a neutral call query mapped onto the contract's parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from voxdesk.contracts import voicecalls as wire
from voxdesk.domain import (
    AgentKind,
    CallStatus,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    Speaker,
    SurveyResponse,
    SurveyResult,
)
from voxdesk.providers.base import CallQuery
from voxdesk.providers.errors import UnsupportedOperation
from voxdesk.providers.voicecalls import list_params, map_call

# The contract's example object, as the contract prints it.
CONTRACT_EXAMPLE = {
    "id": "vc_abc123",
    "campaignId": "camp_456",
    "direction": "Outbound",
    "state": "Completed",
    "startTime": "2024-01-15T10:30:00Z",
    "endTime": "2024-01-15T10:35:12Z",
    "durationSeconds": 312,
    "talkTimeSeconds": 287,
    "outcome": "Successful",
    "transcript": [
        {"role": "agent", "text": "Hello, this is...", "timestamp": "00:00:01"},
        {"role": "customer", "text": "Hi, yes...", "timestamp": "00:00:04"},
    ],
    "epaResults": {
        "state": "Completed",
        "completionReason": "AllAnswered",
        "totalQuestions": 3,
        "questionsAnswered": 3,
        "calculatedScore": 85.5,
        "responses": [
            {"question": "How satisfied are you?", "answer": "Very satisfied", "score": 5}
        ],
    },
    "createdAt": "2024-01-15T10:30:00Z",
}


def test_the_contract_example_maps_onto_the_domain() -> None:
    call = map_call(wire.VoiceCall.model_validate(CONTRACT_EXAMPLE))
    start = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert call.id == "vc_abc123"
    assert call.status is CallStatus.COMPLETED
    assert call.disposition is Disposition.COMPLETED
    assert call.direction is Direction.OUTBOUND
    assert call.grouping == Grouping(kind=GroupingKind.CAMPAIGN, id="camp_456")
    assert call.agent_kind is AgentKind.BOT
    assert (call.started_at, call.ended_at, call.date) == (
        start,
        start + timedelta(seconds=312),
        start,
    )
    assert (call.duration, call.talk_time) == (312.0, 287.0)
    assert call.analysis.outcome_label == "Successful"
    assert call.analysis.survey == SurveyResult(
        state="Completed",
        completion_reason="AllAnswered",
        total_questions=3,
        questions_answered=3,
        score=85.5,
        responses=(
            SurveyResponse(question="How satisfied are you?", answer="Very satisfied", score=5),
        ),
    )
    # Start-only timestamps: each turn ends where the next begins, the last with the call.
    assert [(t.speaker, t.start, t.end, t.end_estimated) for t in call.transcript] == [
        (Speaker.AGENT, 1.0, 4.0, True),
        (Speaker.CUSTOMER, 4.0, 312.0, True),
    ]
    assert call.recording is None  # fetched on demand: the URL lasts 15 minutes


@pytest.mark.parametrize(
    ("state", "disposition"),
    [
        ("Busy", Disposition.BUSY),
        ("NoAnswer", Disposition.NO_ANSWER),
        ("Failed", Disposition.FAILED),
    ],
)
def test_a_call_that_never_connected_has_a_disposition_but_no_transcript(state, disposition):
    body = {**CONTRACT_EXAMPLE, "state": state, "transcript": [], "epaResults": None}
    call = map_call(wire.VoiceCall.model_validate(body))
    assert call.disposition is disposition
    assert call.status is CallStatus.COMPLETED
    assert call.transcript is None and call.analysis.survey is None


def test_a_connected_call_with_nothing_said_has_an_empty_transcript() -> None:
    call = map_call(wire.VoiceCall.model_validate({**CONTRACT_EXAMPLE, "transcript": []}))
    assert call.transcript == ()


def test_a_neutral_query_becomes_the_contracts_parameters() -> None:
    query = CallQuery(
        page=3,
        page_size=25,
        grouping_id="camp_456",
        disposition=Disposition.NO_ANSWER,
        direction=Direction.INBOUND,
        date_from=datetime(2024, 1, 15, 16, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        date_to=datetime(2024, 1, 31, tzinfo=UTC),
    )
    assert list_params(query) == {
        "campaignId": "camp_456",
        "state": "NoAnswer",
        "direction": "Inbound",
        "dateFrom": "2024-01-15T10:30:00Z",
        "dateTo": "2024-01-31T00:00:00Z",
        "page": 3,
        "pageSize": 25,
    }
    assert list_params(CallQuery(category_id="camp_9"))["campaignId"] == "camp_9"


@pytest.mark.parametrize(
    "query",
    [
        CallQuery(disposition=Disposition.RINGING),  # every call listed has ended
        CallQuery(status=CallStatus.PROCESSING),  # every call listed is analysed
        CallQuery(member_id="dana@acme.example"),  # a bot spoke, not a member
    ],
)
def test_a_query_no_voice_call_can_match_asks_nothing(query) -> None:
    assert list_params(query) is None


def test_text_search_is_refused_in_plain_words() -> None:
    with pytest.raises(UnsupportedOperation, match="cannot search calls by text"):
        list_params(CallQuery(text="refund"))
