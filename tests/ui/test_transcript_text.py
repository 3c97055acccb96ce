"""The transcript's pure text code, without Qt: turn text and its UTF-16 offsets, word
alignment, and search matching. Importing it must load no Qt at all."""

from __future__ import annotations

import subprocess
import sys

from voxdesk.domain import Speaker, TranscriptTurn, TranscriptWord
from voxdesk.ui.transcript.document import LINE_SEPARATOR, TurnText, utf16_length
from voxdesk.ui.transcript.search import find_matches, find_word, first_match_from


def turn(text: str, words: list[str] | None = None) -> TranscriptTurn:
    timed = tuple(
        TranscriptWord(text=word, start=float(i), end=i + 0.5)
        for i, word in enumerate(words if words is not None else text.split())
    )
    return TranscriptTurn(speaker=Speaker.AGENT, start=0.0, end=9.0, text=text, words=timed)


def test_the_text_modules_load_no_qt() -> None:
    code = (
        "import sys, voxdesk.ui.transcript.document, voxdesk.ui.transcript.search; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_paragraph_breaks_become_line_breaks_of_the_same_length() -> None:
    shown = TurnText(turn("one\ntwo\u2029three"))
    assert shown.text == f"one{LINE_SEPARATOR}two{LINE_SEPARATOR}three"


def test_words_only_turns_get_text_from_their_words() -> None:
    shown = TurnText(turn("", ["hello", "there"]))
    assert shown.text == "hello there"


def test_offsets_beyond_the_bmp_count_twice_for_qt() -> None:
    shown = TurnText(turn("a😀b c"))
    assert utf16_length("😀") == 2
    assert shown.to_qt(2) == 3  # "a😀" is three UTF-16 units
    assert shown.from_qt(3) == 2
    assert [shown.from_qt(shown.to_qt(i)) for i in range(len(shown.text))] == [0, 1, 2, 3, 4]


def test_words_align_in_order_and_as_whole_words() -> None:
    shown = TurnText(turn("a cat can a", ["a", "can", "a", "missing"]))
    assert shown.word_spans == [(0, 1), (6, 9), (10, 11), None]
    assert shown.word_at(7) == 1
    assert shown.word_at(4) is None  # "cat" is no timed word
    assert find_word("can a", "a", 0) == (4, 5)  # not the "a" inside "can"


def test_matches_are_case_insensitive_in_transcript_order() -> None:
    matches = find_matches(["Refund please", "no refund", "REFUND refund"], "refund")
    assert matches == [(0, 0, 6), (1, 3, 9), (2, 0, 6), (2, 7, 13)]
    assert find_matches(["anything"], "") == []
    assert find_matches(["a.b", "axb"], ".") == [(0, 1, 2)]  # literal, not a pattern


def test_the_first_match_from_an_anchor_wraps_round() -> None:
    matches = [(0, 0, 6), (1, 3, 9), (2, 0, 6)]
    assert first_match_from(matches, (1, 0)) == 1
    assert first_match_from(matches, (1, 3)) == 1
    assert first_match_from(matches, (2, 1)) == 0
