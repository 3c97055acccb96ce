"""The facts at the top of the call detail, as (label, object name, text) rows.

Each platform fills different ``Call`` fields; a row is listed only when its value is
known, so a Voxxi call reads as before (date, duration, category, outcome) and a
voice-bot call adds who called whom, when it started and ended, how long the parties
talked, its campaign and how the call went.
"""

from __future__ import annotations

from datetime import datetime

from voxdesk.domain import Call, GroupingKind
from voxdesk.services.call_words import direction_text, disposition_text
from voxdesk.services.formatting import format_duration

GROUPING_LABELS = {
    GroupingKind.CAMPAIGN: "Campaign",
    GroupingKind.CATEGORY: "Category",
    GroupingKind.USE_CASE: "Use case",
    GroupingKind.TEAM: "Team",
}

Fact = tuple[str, str, str]


def _minute(moment: datetime | None) -> str | None:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else None


def _second(moment: datetime | None) -> str | None:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else None


def _end(call: Call) -> str | None:
    """The end, without the date again when the call ended on the day it started."""
    if call.ended_at is None:
        return None
    if call.started_at is not None and (
        call.started_at.astimezone().date() == call.ended_at.astimezone().date()
    ):
        return call.ended_at.astimezone().strftime("%H:%M:%S")
    return _second(call.ended_at)


def call_facts(call: Call, category: str | None) -> list[Fact]:
    """The header rows for ``call``; ``category`` is the category's display name."""
    grouping = call.grouping
    grouping_row: Fact | None = None
    if grouping is not None and grouping.kind is not GroupingKind.CATEGORY:
        grouping_row = (
            GROUPING_LABELS[grouping.kind],
            f"detail-{grouping.kind.value.replace('_', '-')}",
            grouping.display_name,
        )
    rows: list[tuple[str, str, str | None]] = [
        # A call with a start time shows start and end instead of the list's date.
        ("Date", "detail-date", None if call.started_at else _minute(call.date)),
        ("Direction", "detail-direction", direction_text(call.direction)),
        ("From", "detail-from", call.from_number),
        ("To", "detail-to", call.to_number),
        grouping_row or ("", "", None),
        ("State", "detail-state", disposition_text(call.disposition)),
        ("Start", "detail-start", _second(call.started_at)),
        ("End", "detail-end", _end(call)),
        (
            "Duration",
            "detail-duration",
            format_duration(call.duration) if call.duration is not None else None,
        ),
        (
            "Talk time",
            "detail-talk-time",
            format_duration(call.talk_time) if call.talk_time is not None else None,
        ),
        ("Category", "detail-category", category),
    ]
    analysis = call.analysis
    if analysis is not None:
        rows.append(("Outcome", "detail-outcome", analysis.outcome_label))
        rows.append(("Why", "detail-outcome-rationale", analysis.outcome_rationale))
    return [(label, name, value) for label, name, value in rows if value]
