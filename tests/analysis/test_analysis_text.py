"""Text handling without speech: timestamps, spoken numbers, extraction, matching."""

from __future__ import annotations

import pytest

from voxdesk.server.analysis.extract import extract
from voxdesk.server.analysis.matching import find_in_turn, find_phrases, normalise
from voxdesk.server.analysis.numbers import number_runs
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.summary import advice
from voxdesk.server.analysis.timefmt import clock, duration, span, stamp


def turn(text: str, speaker: str = "agent", start: float = 0.0) -> TranscriptTurn:
    """A turn whose words are 0.3 s apart from ``start``."""
    words = [(w, start + 0.3 * i, start + 0.3 * i + 0.25) for i, w in enumerate(text.split())]
    end = words[-1][2] if words else start
    return TranscriptTurn(speaker=speaker, start=start, end=end, text=text, words=words)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "00:00"), (9.99, "00:09"), (75.4, "01:15"), (3599.9, "59:59"), (3725, "1:02:05")],
)
def test_clock(seconds: float, expected: str) -> None:
    assert clock(seconds) == expected


def test_stamp_span_and_duration() -> None:
    assert stamp(5) == "[00:05]"
    assert stamp(3600) == "[1:00:00]"
    assert span(31, 55) == "[00:31]–[00:55]"
    assert duration(20) == "20 s"
    assert duration(185) == "3 min 5 s"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("five five five one two three four", "5551234"),
        ("oh two zero", "020"),
        ("one hundred and twenty five", "125"),
        ("twenty nine", "29"),
        ("three thousand four hundred", "3400"),
        ("five five five twelve thirty four", "5551234"),
    ],
)
def test_spoken_numbers(text: str, digits: str) -> None:
    runs = number_runs(text.split())
    assert len(runs) == 1 and runs[0].digits == digits


def test_number_runs_ignore_ordinary_words() -> None:
    assert number_runs(["which", "one", "do", "you", "mean"])[0].digits == "1"
    assert number_runs(["no", "numbers", "here"]) == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("my number is five five five one two three four", "phone", "555-1234"),
        ("call eight five five five five five one two one two", "phone", "855-555-1212"),
        ("it is twenty nine dollars and ninety nine cents", "amount", "$29.99"),
        ("that is fifty dollars", "amount", "$50"),
        ("my account number is four four nine one two eight", "account_number", "449128"),
        ("write to john dot smith at example dot com", "email", "john.smith@example.com"),
        ("the engineer comes on march fifth", "date", "March 5"),
        ("on the twenty first of june please", "date", "June 21"),
    ],
)
def test_extraction_from_spoken_words(text: str, kind: str, value: str) -> None:
    found = extract([turn(text, start=10.0)])
    assert [(e["type"], e["value"]) for e in found] == [(kind, value)]
    assert found[0]["time"] >= 10.0 and found[0]["text"] in text


def test_extraction_ignores_short_bare_numbers() -> None:
    assert extract([turn("i have two kids and one dog")]) == []


def test_normalise() -> None:
    assert normalise("Thank you, Acme's team — follow-up!") == [
        "thank", "you", "acme's", "team", "follow", "up",
    ]  # fmt: skip


def test_phrase_matches_despite_wrong_word_boundaries() -> None:
    match = find_in_turn(
        turn("thank you for calling back me my name is"), "thank you for calling acme"
    )
    assert match is not None and match.heard.startswith("thank you for calling back me")


def test_phrase_does_not_match_different_words() -> None:
    assert find_in_turn(turn("i can see both charges on your bill"), "guarantee") is None
    assert find_in_turn(turn("the credit is ready"), "a refund") is None


def test_short_phrases_need_an_exact_sound_match() -> None:
    assert find_in_turn(turn("a month later"), "a month") is not None
    assert find_in_turn(turn("the mouth"), "a month") is None


def test_find_phrases_filters_speaker_and_time() -> None:
    turns = [
        turn("anything else", "customer", 1.0),
        turn("is there anything else", "agent", 30.0),
    ]
    assert [m.turn.speaker for m in find_phrases(turns, ["anything else"])] == [
        "customer",
        "agent",
    ]
    assert find_phrases(turns, ["anything else"], {"agent"}, before=20) == []
    assert len(find_phrases(turns, ["anything else"], {"agent"}, before=40)) == 1


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Did the agent greet the caller?", "Greet the caller"),
        ("Was the caller left on hold?", "Work on: Was the caller left on hold?"),
    ],
)
def test_advice_from_question(question: str, expected: str) -> None:
    assert advice(question) == expected
