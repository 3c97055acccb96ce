"""Turns with only a start get ends estimated from the next turn, and say so."""

from __future__ import annotations

from voxdesk.domain import Speaker, TranscriptTurn, with_estimated_ends
from voxdesk.domain.timeline import TranscriptIndex


def _turn(start: float, end: float | None = None) -> TranscriptTurn:
    return TranscriptTurn(speaker=Speaker.AGENT, start=start, end=end, text=str(start))


def test_a_turn_ends_where_the_next_begins_and_the_last_where_the_call_ends() -> None:
    turns = with_estimated_ends([_turn(4.0), _turn(1.0), _turn(9.0)], call_end=20)
    assert [(t.start, t.end) for t in turns] == [(1.0, 4.0), (4.0, 9.0), (9.0, 20.0)]
    assert all(t.end_estimated for t in turns)
    assert all(isinstance(t.end, float) for t in turns)


def test_given_ends_are_kept_and_not_marked() -> None:
    turns = with_estimated_ends([_turn(0.0, 2.5), _turn(3.0)], call_end=None)
    assert (turns[0].end, turns[0].end_estimated) == (2.5, False)
    # The call's end is unknown: the last turn ends where it began, and says it is a guess.
    assert (turns[1].end, turns[1].end_estimated) == (3.0, True)


def test_a_call_end_before_the_last_start_never_gives_a_negative_turn() -> None:
    (turn,) = with_estimated_ends([_turn(30.0)], call_end=12.0)
    assert turn.end == 30.0


def test_the_index_treats_a_missing_end_as_lasting_until_the_next_turn() -> None:
    index = TranscriptIndex([_turn(1.0), _turn(5.0, 6.0), _turn(8.0)])
    assert index.turn_at(4.9) == 0
    assert index.turn_at(7.0) is None
    assert index.turn_at(1e6) == 2


def test_confidence_is_optional() -> None:
    assert _turn(0.0).confidence is None
    assert TranscriptTurn(speaker="agent", start=0, text="hi", confidence=0.92).confidence == 0.92
