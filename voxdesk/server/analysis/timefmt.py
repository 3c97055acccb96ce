"""How times in a call are written in rationales and summaries: ``[MM:SS]``, or
``[H:MM:SS]`` past the first hour, so a reviewer can seek the player to the moment."""

from __future__ import annotations


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
    """``clock`` in square brackets, as quoted evidence starts."""
    return f"[{clock(seconds)}]"


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
