"""Finding text in a transcript, without Qt: whole words for aligning timed words with
the turn's text, and every case-insensitive occurrence of what the reviewer types."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

#: A match: (turn number, start, end) in the turn's displayed text.
Match = tuple[int, int, int]


def find_word(text: str, needle: str, start: int) -> tuple[int, int] | None:
    """The first whole-word, case-insensitive occurrence of ``needle`` from ``start``
    (so "a" does not land inside "can")."""
    pattern = re.escape(needle)
    if needle[0].isalnum() or needle[0] == "_":
        pattern = r"(?<!\w)" + pattern
    if needle[-1].isalnum() or needle[-1] == "_":
        pattern += r"(?!\w)"
    match = re.compile(pattern, re.IGNORECASE).search(text, start)
    return (match.start(), match.end()) if match else None


def find_matches(texts: Sequence[str], query: str) -> list[Match]:
    """Every case-insensitive occurrence of ``query`` in ``texts``, in transcript order."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return [
        (number, match.start(), match.end())
        for number, text in enumerate(texts)
        for match in pattern.finditer(text)
    ]


def first_match_from(matches: Sequence[Match], anchor: tuple[int, int]) -> int:
    """The index of the first match at or after ``anchor`` (turn, offset), wrapping round
    to the first match; ``matches`` must not be empty."""
    return bisect_left(matches, anchor, key=lambda match: match[:2]) % len(matches)
