"""The transcript index (turn lookup by time) and the ``[MM:SS]`` timestamp parser."""

from __future__ import annotations

import pytest

from voxdesk.domain import Speaker, TranscriptTurn
from voxdesk.domain.timeline import (
    NOTABLE_SILENCE_SECONDS,
    Timestamp,
    TranscriptIndex,
    find_timestamps,
    notable_silences,
    silent_gaps,
)


def _turn(start: float, end: float, speaker: Speaker = Speaker.AGENT) -> TranscriptTurn:
    return TranscriptTurn(speaker=speaker, start=start, end=end, text=f"{start}-{end}")


TURNS = [_turn(1.0, 3.0), _turn(3.0, 5.5, Speaker.CUSTOMER), _turn(8.0, 9.0)]


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, None),  # before the first turn
        (0.999, None),
        (1.0, 0),  # a turn owns its start…
        (2.999, 0),
        (3.0, 1),  # …and not its end: the next turn starts there
        (5.499, 1),
        (5.5, None),  # the silence between turns
        (7.9, None),
        (8.0, 2),
        (9.0, None),  # after the last
        (1e9, None),
    ],
)
def test_turn_at_boundaries(seconds: float, expected: int | None) -> None:
    assert TranscriptIndex(TURNS).turn_at(seconds) == expected


@pytest.mark.parametrize(("seconds", "expected"), [(0.5, None), (6.0, 1), (8.5, 2), (99.0, 2)])
def test_turn_near_keeps_the_last_turn_through_a_pause(seconds: float, expected: int | None):
    assert TranscriptIndex(TURNS).turn_near(seconds) == expected


def test_turns_out_of_order_are_sorted_by_start() -> None:
    index = TranscriptIndex(list(reversed(TURNS)))
    assert [t.start for t in index.turns] == [1.0, 3.0, 8.0]
    assert index.turn_at(4.0) == 1


def test_an_empty_transcript_has_no_turn_anywhere() -> None:
    index = TranscriptIndex([])
    assert len(index) == 0
    assert index.turn_at(0.0) is None and index.turn_near(10.0) is None


def test_timestamps_in_a_rationale() -> None:
    text = 'Agent said "thank you for calling" at [00:03]; customer asked at [01:12]–[01:30].'
    found = find_timestamps(text)
    assert [t.seconds for t in found] == [3.0, 72.0, 90.0]
    assert [t.text_in(text) for t in found] == ["[00:03]", "[01:12]", "[01:30]"]
    assert found[0] == Timestamp(text.index("[00:03]"), text.index("[00:03]") + 7, 3.0)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("[1:02:05]", [3725.0]),
        ("[75:02]", [4502.0]),  # minutes past an hour, as some platforms write them
        ("[0:07]", [7.0]),
        ("[00:60]", []),  # not a time
        ("[1:75:00]", []),
        ("00:03", []),  # a bare clock is not a link: only bracketed evidence is
        ("[ 00:03 ]", []),
        ("", []),
        (None, []),
    ],
)
def test_timestamp_forms(text: str | None, seconds: list[float]) -> None:
    assert [t.seconds for t in find_timestamps(text)] == seconds


def test_failed_evidence_is_in_scorecard_order_and_skips_what_has_no_moment() -> None:
    from voxdesk.domain import Analysis, Criterion, CriterionResult, Section
    from voxdesk.domain.timeline import EvidencePin, failed_evidence

    def criterion(cid: str, result: CriterionResult, rationale: str) -> Criterion:
        return Criterion(id=cid, question=f"q{cid}", result=result, rationale=rationale)

    analysis = Analysis(
        sections=(
            Section(
                id="s1",
                name="Opening",
                criteria=(
                    criterion("c1", CriterionResult.YES, "Greeted at [00:02]."),
                    criterion("c2", CriterionResult.NO, "Never gave a name."),
                    criterion("c3", CriterionResult.NO, "Interrupted at [01:40] and [01:50]."),
                ),
            ),
            Section(
                id="s2",
                name="Close",
                criteria=(criterion("c4", CriterionResult.NO, "Hung up at [00:30]."),),
            ),
        )
    )
    assert failed_evidence(analysis) == [
        EvidencePin(100.0, "c3", "qc3"),
        EvidencePin(30.0, "c4", "qc4"),
    ]
    assert failed_evidence(None) == []


def test_silent_gaps_lie_between_the_first_and_last_speech_only() -> None:
    # Out of order and overlapping, as platforms send them; the ring before 2 s and
    # the line after 30 s are no gap anyone sat through.
    spoken = [(20.0, 30.0), (2.0, 6.0), (4.0, 8.123), (10.0, 15.0), (14.0, 16.0)]
    assert silent_gaps(spoken) == [(8.12, 10.0), (16.0, 20.0)]
    assert silent_gaps([]) == []
    assert silent_gaps([(1.0, 2.0)]) == []


def test_notable_silences_are_those_at_least_the_threshold_long() -> None:
    just_short = NOTABLE_SILENCE_SECONDS - 0.01
    spoken = [(0.0, 10.0), (10.0 + just_short, 20.0), (20.0 + NOTABLE_SILENCE_SECONDS, 30.0)]
    assert notable_silences(spoken) == [(20.0, 20.0 + NOTABLE_SILENCE_SECONDS)]
    assert notable_silences(spoken, minimum=1.0) == [
        (10.0, round(10.0 + just_short, 2)),
        (20.0, 20.0 + NOTABLE_SILENCE_SECONDS),
    ]
