"""How times in a call are written in rationales and summaries: ``[MM:SS]``, or
``[H:MM:SS]`` past the first hour, so a reviewer can seek the player to the moment."""

from __future__ import annotations

from voxdesk.domain.timeline import clock, stamp

__all__ = ["clock", "duration", "span", "stamp"]


def span(start: float, end: float) -> str:
    """A time range, ``[00:31]–[00:55]``."""
    return f"{stamp(start)}–{stamp(end)}"


def duration(seconds: float) -> str:
    """A length for prose: ``42 s`` under two minutes, ``3 min 5 s`` beyond."""
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"
