"""Where in a call things happen: which transcript turn is playing at a moment, the
``[MM:SS]`` timestamps that rationales quote as evidence, and where the silences are.

The player asks "which turn is at t?" on every position tick (ten times a second over
thousands of turns), so turns are found by binary search over their start times
(Buzz's approach), and the answer only changes at turn boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
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


#: A gap at least this long (seconds, nobody speaking) is a silence worth showing and
#: listing: dead air or a hold rather than a breath between sentences.
NOTABLE_SILENCE_SECONDS = 3.0


def silent_gaps(spoken: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ``(start, end)`` stretches between the first and the last speech during which
    nobody talks, to the centisecond; ``spoken`` is every turn's span, in any order.

    This is the one definition of silence: the scorecard's ``max_silence_seconds`` rule
    measures these gaps and the call map shades the notable ones, so the map never shows
    dead air the scorecard does not count. The ring before the agent answers and the
    line after the goodbye are not silences anyone sat through."""
    gaps: list[tuple[float, float]] = []
    covered_until: float | None = None
    for start, end in sorted(spoken):
        if covered_until is not None and start > covered_until:
            gaps.append((round(covered_until, 2), round(start, 2)))
        covered_until = end if covered_until is None else max(covered_until, end)
    return gaps


def notable_silences(
    spoken: Iterable[tuple[float, float]], minimum: float = NOTABLE_SILENCE_SECONDS
) -> list[tuple[float, float]]:
    """The silent gaps (see :func:`silent_gaps`) at least ``minimum`` seconds long."""
    return [(start, end) for start, end in silent_gaps(spoken) if end - start >= minimum]
