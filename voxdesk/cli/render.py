"""Calls as plain text for a terminal: the list's rows and one call's analysis.

Both name the agent and the category the same way (the names the catalog learned from
the platform, else the ids) and print the same placeholder for anything not known yet.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from voxdesk.domain import Call
from voxdesk.services.catalog import CallRow
from voxdesk.services.formatting import PLACEHOLDER, format_duration, format_score

LIST_HEADER = ("CALL ID", "DATE", "AGENT", "CATEGORY", "DURATION", "SCORE", "OUTCOME", "STATUS")
DATE_FORMAT = "%Y-%m-%d %H:%M"
COLUMN_GAP = "  "


def _text(value: str | None) -> str:
    return value or PLACEHOLDER


def list_fields(row: CallRow) -> list[str]:
    return [
        row.call_id,
        row.date.strftime(DATE_FORMAT) if row.date else PLACEHOLDER,
        _text(row.agent),
        _text(row.category),
        format_duration(row.duration),
        format_score(row.score),
        _text(row.outcome),
        row.status.value,
    ]


def list_table(rows: Sequence[CallRow], *, terminal: bool) -> list[str]:
    """The list's lines: on a terminal, aligned columns under a header row; otherwise one
    tab-separated line per call and no header, for scripts to split."""
    table = [list_fields(row) for row in rows]
    if not terminal:
        return ["\t".join(fields) for fields in table]
    table.insert(0, list(LIST_HEADER))
    widths = [max(len(fields[i]) for fields in table) for i in range(len(LIST_HEADER))]
    return [
        COLUMN_GAP.join(f.ljust(w) for f, w in zip(fields, widths, strict=True)).rstrip()
        for fields in table
    ]


def list_json(row: CallRow) -> str:
    return json.dumps(
        {
            "callId": row.call_id,
            "status": row.status.value,
            "agent": row.agent,
            "category": row.category,
            "date": row.date.isoformat() if row.date else None,
            "duration": row.duration,
            "score": row.score,
            "outcome": row.outcome,
        }
    )


def render_call(call: Call, agent: str | None = None, category: str | None = None) -> str:
    """A call's analysis as plain text; ``agent``/``category`` are the names to show
    (the ids when not given)."""
    analysis = call.analysis
    lines = [f"Call {call.id}: {call.status.value}"]
    if call.error:
        lines.append(f"  Error: {call.error}")
    facts = [
        ("Agent", _text(agent or call.member_id)),
        ("Category", _text(category or call.category_id)),
        ("Date", call.date.strftime(DATE_FORMAT) if call.date else PLACEHOLDER),
        ("Duration", format_duration(call.duration)),
        ("Score", format_score(analysis.score if analysis else None)),
        ("Outcome", _text(analysis.outcome_label if analysis else None)),
    ]
    lines += [f"  {label}: {value}" for label, value in facts]
    if analysis is not None and analysis.outcome_rationale:
        lines.append(f"    {analysis.outcome_rationale}")
    if call.summary:
        lines += ["", "Summary:", f"  {call.summary}"]
    for section in analysis.sections if analysis else ():
        total = format_score(section.total_score)
        lines += ["", f"{section.name}: {format_score(section.score)} / {total}"]
        for criterion in section.criteria:
            flag = " (auto-fail)" if criterion.auto_fail else ""
            lines.append(f"  [{criterion.result.value}] {criterion.question}{flag}")
            if criterion.rationale:
                lines.append(f"        {criterion.rationale}")
    return "\n".join(lines)
