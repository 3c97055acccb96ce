"""Plain-text forms of durations and scores, shared by the CLI and the UI."""

from __future__ import annotations

#: What every view prints for a value that is not known (yet): one mark, everywhere.
PLACEHOLDER = "–"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return PLACEHOLDER
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_score(score: float | None) -> str:
    if score is None:
        return PLACEHOLDER
    return f"{score:.0f}" if float(score).is_integer() else f"{score:.1f}"
