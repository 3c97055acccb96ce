"""Calls as plain text for a terminal: the list's rows and one call's analysis.

Both name the agent and the category the same way (the names the catalog learned from
the platform, else the ids) and print the same placeholder for anything not known yet.
A platform whose calls carry the neutral facts (the voice-bot one: ``facts=True``) gets
its own columns: date, direction, campaign, state, outcome, survey score; ``show``
prints those facts, the survey and the transcript wherever a call has them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from voxdesk.domain import Call, SurveyResult, TranscriptTurn
from voxdesk.services.catalog import CallRow
from voxdesk.services.formatting import PLACEHOLDER, format_duration, format_score

LIST_HEADER = ("CALL ID", "DATE", "AGENT", "CATEGORY", "DURATION", "SCORE", "OUTCOME", "STATUS")
FACTS_HEADER = ("CALL ID", "DATE", "DIRECTION", "CAMPAIGN", "STATE", "OUTCOME", "SURVEY")
DATE_FORMAT = "%Y-%m-%d %H:%M"
COLUMN_GAP = "  "


def _text(value: str | None) -> str:
    return value or PLACEHOLDER


def _date(moment: datetime | None) -> str:
    return moment.strftime(DATE_FORMAT) if moment else PLACEHOLDER


def facts_fields(row: CallRow) -> list[str]:
    return [
        row.call_id,
        _date(row.date),
        _text(row.direction),
        _text(row.grouping),
        _text(row.disposition),
        _text(row.outcome),
        format_score(row.survey_score),
    ]


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


def list_table(rows: Sequence[CallRow], *, terminal: bool, facts: bool = False) -> list[str]:
    """The list's lines: on a terminal, aligned columns under a header row; otherwise one
    tab-separated line per call and no header, for scripts to split."""
    header, fields_of = (FACTS_HEADER, facts_fields) if facts else (LIST_HEADER, list_fields)
    table = [fields_of(row) for row in rows]
    if not terminal:
        return ["\t".join(fields) for fields in table]
    table.insert(0, list(header))
    widths = [max(len(fields[i]) for fields in table) for i in range(len(header))]
    return [
        COLUMN_GAP.join(f.ljust(w) for f, w in zip(fields, widths, strict=True)).rstrip()
        for fields in table
    ]


def list_json(row: CallRow, *, facts: bool = False) -> str:
    fields = {
        "callId": row.call_id,
        "status": row.status.value,
        "agent": row.agent,
        "category": row.category,
        "date": row.date.isoformat() if row.date else None,
        "duration": row.duration,
        "score": row.score,
        "outcome": row.outcome,
    }
    if facts:
        fields |= {
            "direction": row.direction,
            "campaign": row.grouping,
            "state": row.disposition,
            "talkTime": row.talk_time,
            "surveyScore": row.survey_score,
        }
    return json.dumps(fields)


def _call_facts(call: Call) -> list[tuple[str, str]]:
    """The neutral facts, for a call of a platform that has them."""
    grouping = call.grouping
    return [
        ("Direction", _text(call.direction)),
        ("From", _text(call.from_number)),
        ("To", _text(call.to_number)),
        (
            grouping.kind.value.replace("_", " ").capitalize() if grouping else "Group",
            _text(grouping.display_name if grouping else None),
        ),
        ("State", _text(call.disposition)),
        ("Started", _date(call.started_at)),
        ("Ended", _date(call.ended_at)),
        ("Duration", format_duration(call.duration)),
        ("Talk time", format_duration(call.talk_time)),
        ("Outcome", _text(call.analysis.outcome_label if call.analysis else None)),
    ]


def _survey_lines(survey: SurveyResult) -> list[str]:
    answered = (
        f"{survey.questions_answered}/{survey.total_questions}"
        if survey.total_questions is not None
        else PLACEHOLDER
    )
    lines = [
        "",
        "Survey:",
        f"  State: {_text(survey.state)}",
        f"  Reason: {_text(survey.completion_reason)}",
        f"  Answered: {answered}",
        f"  Score: {format_score(survey.score)}",
    ]
    for number, response in enumerate(survey.responses, 1):
        lines.append(f"  {number}. {response.question}")
        lines.append(f"     {_text(response.answer)} (score {format_score(response.score)})")
    return lines


def _transcript_lines(turns: Sequence[TranscriptTurn]) -> list[str]:
    return ["", "Transcript:"] + [
        f"  [{format_duration(turn.start)}] {turn.speaker.value}: {turn.text}" for turn in turns
    ]


def render_facts_call(call: Call) -> str:
    """A call of a platform with the neutral facts (the voice-bot one) as plain text."""
    lines = [f"Call {call.id}"]
    lines += [f"  {label}: {value}" for label, value in _call_facts(call)]
    survey = call.analysis.survey if call.analysis else None
    if survey is not None:
        lines += _survey_lines(survey)
    if call.transcript:
        lines += _transcript_lines(call.transcript)
    elif call.transcript_text:
        lines += ["", "Transcript:", f"  {call.transcript_text}"]
    return "\n".join(lines)


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
