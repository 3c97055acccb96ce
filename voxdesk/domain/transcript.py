"""What was said in a call, as precisely as the platform tells it.

Platforms differ: Voxxi gives each turn a start and an end (and the local server word
timings), the voice-bot platform only a start (``HH:MM:SS``), Voxpria a single block of
text. A turn's ``end`` is therefore optional; ``with_estimated_ends`` fills it where a
player needs it, and marks the turns whose end is a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from voxdesk.domain.models import DomainModel


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "speaker"

    @classmethod
    def parse(cls, raw: str | None) -> Speaker:
        text = (raw or "").strip().lower()
        if text in {"agent", "bot", "assistant", "rep"}:
            return cls.AGENT
        if text in {"customer", "caller", "user", "client"}:
            return cls.CUSTOMER
        return cls.UNKNOWN


class TranscriptWord(DomainModel):
    """One recognised word and when it was said (seconds from the call's start)."""

    text: str
    start: float
    end: float
    #: The recogniser's confidence in the word, 0–1, where the platform reports one.
    confidence: float | None = None


class TranscriptTurn(DomainModel):
    speaker: Speaker
    start: float
    #: ``None`` where the platform gives only a start (see ``with_estimated_ends``).
    end: float | None = None
    text: str
    #: Word timings where the platform gives them; empty otherwise.
    words: tuple[TranscriptWord, ...] = ()
    #: The recogniser's confidence in the turn, 0–1, where the platform reports one.
    confidence: float | None = None
    #: True when ``end`` was not given but estimated (``with_estimated_ends``).
    end_estimated: bool = False


def with_estimated_ends(
    turns: Sequence[TranscriptTurn], call_end: float | None
) -> tuple[TranscriptTurn, ...]:
    """The turns in time order, each missing end filled: a turn ends where the next one
    begins, the last where the call ends (or, when that is unknown, where it began).
    Filled ends are marked ``end_estimated``; given ends are kept as they are."""
    ordered = sorted(turns, key=lambda turn: turn.start)
    filled = []
    for index, turn in enumerate(ordered):
        if turn.end is not None:
            filled.append(turn)
            continue
        if index + 1 < len(ordered):
            end = ordered[index + 1].start
        else:
            end = call_end if call_end is not None else turn.start
        # model_copy does not validate: make the end a float here, as the field is.
        estimated = float(max(turn.start, end))
        filled.append(turn.model_copy(update={"end": estimated, "end_estimated": True}))
    return tuple(filled)
