"""Where in a call things happen: which transcript turn is playing at a moment, and the
``[MM:SS]`` timestamps that rationales quote as evidence.

The player asks "which turn is at t?" on every position tick (ten times a second over
thousands of turns), so turns are found by binary search over their start times
(Buzz's approach), and the answer only changes at turn boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from voxdesk.domain.analysis import Analysis, CriterionResult
from voxdesk.domain.transcript import TranscriptTurn

# [MM:SS] or [H:MM:SS]; minutes may run past 59 ("[75:02]") in a long call's stamps.
_STAMP = re.compile(r"\[(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\]")


def clock(seconds: float) -> str:
    """``75.4`` -> ``01:15``; ``3725`` -> ``1:02:05``. Seconds are truncated, so the
    stamp points at or just before the moment, never after it."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def stamp(seconds: float) -> str:
    """How evidence quotes a moment, ``[MM:SS]`` (``[H:MM:SS]`` past the first hour):
    what ``find_timestamps`` reads back."""
    return f"[{clock(seconds)}]"


@dataclass(frozen=True)
class Timestamp:
    """A timestamp found in text: its span in the text and the second it points at."""

    start: int
    end: int
    seconds: float

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


def find_timestamps(text: str | None) -> list[Timestamp]:
    """Every ``[MM:SS]`` / ``[H:MM:SS]`` in ``text``, in order."""
    found = []
    for match in _STAMP.finditer(text or ""):
        hours, minutes, seconds = match.groups()
        if hours is not None and int(minutes) > 59:
            continue  # "[1:75:00]" is not a time
        total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        found.append(Timestamp(match.start(), match.end(), float(total)))
    return found


class TranscriptIndex:
    """Turn lookup by time over a transcript sorted by start time."""

    def __init__(self, turns: Sequence[TranscriptTurn]) -> None:
        self.turns = sorted(turns, key=lambda turn: turn.start)
        self._starts = [turn.start for turn in self.turns]

    def __len__(self) -> int:
        return len(self.turns)

    def turn_at(self, seconds: float) -> int | None:
        """The index of the turn being spoken at ``seconds``, or ``None`` in a silence,
        before the first turn or after the last. A turn owns ``[start, end)``."""
        index = bisect_right(self._starts, seconds) - 1
        if index < 0:
            return None
        turn = self.turns[index]
        # A turn the platform gave no end (and nobody estimated one) lasts until the next.
        end = turn.end if turn.end is not None else self._next_start(index)
        return index if seconds < end else None

    def _next_start(self, index: int) -> float:
        return self._starts[index + 1] if index + 1 < len(self._starts) else float("inf")

    def turn_near(self, seconds: float) -> int | None:
        """The turn being spoken, else the last one that started before ``seconds``
        (what a transcript keeps highlighted through a pause); ``None`` before the first."""
        index = bisect_right(self._starts, seconds) - 1
        return index if index >= 0 else None


@dataclass(frozen=True)
class EvidencePin:
    """Where a failed criterion's evidence is in the call (its rationale's first stamp)."""

    seconds: float
    criterion_id: str
    question: str


def failed_evidence(analysis: Analysis | None) -> list[EvidencePin]:
    """Failed criteria whose rationale quotes a moment, in scorecard order (a failed
    criterion with nothing quoted — "never said" — has no moment to go to)."""
    pins = []
    for section in analysis.sections if analysis else ():
        for criterion in section.criteria:
            if criterion.result is not CriterionResult.NO:
                continue
            stamps = find_timestamps(criterion.rationale)
            if stamps:
                pins.append(EvidencePin(stamps[0].seconds, criterion.id, criterion.question))
    return pins
