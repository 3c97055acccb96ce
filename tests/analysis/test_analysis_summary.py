"""The summary's first sentence counts turns in words that agree with the number."""

from __future__ import annotations

from voxdesk.server.analysis.metrics import CallMetrics
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.scoring import Scored
from voxdesk.server.analysis.summary import summarise

SCORED = Scored(sections=[], score=None, outcome_label="Resolved", outcome_rationale="", failed=[])


def _metrics() -> CallMetrics:
    return CallMetrics(
        duration=12.0, speakers=["agent"], talk_time={"agent": 10.0}, word_count={"agent": 20}
    )


def _turn(start: float) -> TranscriptTurn:
    words = [("hello", start, start + 0.5), ("there", start + 0.5, start + 1.0)]
    return TranscriptTurn(
        speaker="agent", start=start, end=start + 1.0, text="hello there", words=words
    )


def test_one_turn_is_one_turn_not_one_turns() -> None:
    assert "call with 1 turn." in summarise([_turn(0.0)], _metrics(), SCORED)
    two = summarise([_turn(0.0), _turn(2.0)], _metrics(), SCORED)
    assert "with 2 turns." in two
