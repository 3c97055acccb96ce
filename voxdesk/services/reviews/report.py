"""The review report of one call or a selection, as HTML for Qt's PDF writer: a header
(call, agent, date, scores, review state), the scorecard with the AI's and the human
answers and the reasons, the notes, and transcript excerpts around each piece of
evidence (a moment a rationale quotes, a note's moment). Qt-free: the desk and the
command line hand it to ``QTextDocument`` + ``QPdfWriter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from voxdesk.domain import Call
from voxdesk.domain.review import Review, ReviewState
from voxdesk.domain.review_scoring import human_result, human_score
from voxdesk.domain.timeline import find_timestamps, stamp
from voxdesk.services.formatting import format_duration, format_score

#: An excerpt shows the turns from this long before a moment to this long after it.
EXCERPT_BEFORE, EXCERPT_AFTER = 5.0, 10.0
TABLE = "<table border='1' cellpadding='3' cellspacing='0' width='100%'>"
PAGE_BREAK = '<div style="page-break-before: always"></div>'
#: Calls in one PDF at most: a report per call is pages long.
PDF_LIMIT = 500


@dataclass(frozen=True)
class ReportItem:
    call: Call
    review: Review | None
    agent: str | None = None
    category: str | None = None


def _row(*cells: str, header: bool = False) -> str:
    tag = "th" if header else "td"
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def _header(item: ReportItem) -> str:
    call, review = item.call, item.review
    score = human_score(call.analysis, review)
    state = review.state if review else ReviewState.UNREVIEWED
    facts = [
        ("Agent", item.agent or call.member_id or "—"),
        ("Category", item.category or call.category_id or "—"),
        ("Date", call.date.strftime("%Y-%m-%d %H:%M") if call.date else "—"),
        ("Duration", format_duration(call.duration)),
        ("AI score", format_score(score.ai_score)),
        ("Human score", format_score(score.score)),
        ("Δ", "—" if score.delta is None else f"{score.delta:+.0f}"),
        ("AI outcome", call.analysis.outcome_label if call.analysis else "—"),
        ("Human outcome", score.outcome or "—"),
        ("Review", state.value),
    ]
    if review is not None and review.reviewer:
        facts.append(("Reviewer", review.reviewer))
    if review is not None and review.submitted_at:
        facts.append(("Submitted", review.submitted_at.strftime("%Y-%m-%d %H:%M UTC")))
    if review is not None and review.seconds_spent:
        facts.append(("Time spent", format_duration(review.seconds_spent)))
    if review is not None and review.outcome is not None:
        facts.append(
            ("Outcome override", _reason(review.outcome.reason.value, review.outcome.comment))
        )
    rows = "".join(_row(f"<b>{escape(k)}</b>", escape(str(v or "—"))) for k, v in facts)
    return f"<h1>Call {escape(call.id)}</h1><table cellpadding='3'>{rows}</table>"


def _reason(reason: str, comment: str) -> str:
    return f"{reason}: {comment}" if comment else reason


def _scorecard(item: ReportItem) -> str:
    analysis, review = item.call.analysis, item.review
    if analysis is None or not analysis.sections:
        return "<p>No scorecard for this call.</p>"
    parts = ["<h2>Scorecard</h2>"]
    for section in analysis.sections:
        parts.append(f"<h3>{escape(section.name)}</h3>")
        rows = [_row("Criterion", "AI", "Human", "Reason", "AI rationale", header=True)]
        for criterion in section.criteria:
            override = review.override_for(criterion.id) if review else None
            human = human_result(criterion, review).value
            ai = escape(criterion.result.value)
            rows.append(
                _row(
                    escape(criterion.question),
                    f"<s>{ai}</s>" if override else ai,
                    f"<b>{escape(human)}</b>" if override else escape(human),
                    escape(_reason(override.reason.value, override.comment)) if override else "",
                    escape(criterion.rationale),
                )
            )
        parts.append(f"{TABLE}{''.join(rows)}</table>")
    return "".join(parts)


def _notes(item: ReportItem) -> str:
    notes = item.review.notes if item.review else ()
    if not notes:
        return "<h2>Notes</h2><p>No notes.</p>"
    lines = "".join(
        f"<li>{escape(stamp(n.start))} {escape(n.text)}"
        + (f" <i>({escape(n.criterion_id)})</i>" if n.criterion_id else "")
        + "</li>"
        for n in notes
    )
    return f"<h2>Notes</h2><ul>{lines}</ul>"


def evidence_moments(item: ReportItem) -> list[float]:
    """Every moment a rationale quotes, and every note's, in time order."""
    moments = {n.start for n in (item.review.notes if item.review else ())}
    for section in item.call.analysis.sections if item.call.analysis else ():
        for criterion in section.criteria:
            moments.update(t.seconds for t in find_timestamps(criterion.rationale))
    return sorted(moments)


def _excerpts(item: ReportItem) -> str:
    turns = item.call.transcript or ()
    moments = evidence_moments(item)
    if not turns or not moments:
        return ""
    parts = ["<h2>Transcript excerpts</h2>"]
    shown: set[int] = set()
    for moment in moments:
        lo, hi = moment - EXCERPT_BEFORE, moment + EXCERPT_AFTER
        near = [
            i
            for i, t in enumerate(turns)
            if t.start <= hi and (t.end if t.end is not None else t.start) >= lo and i not in shown
        ]
        if not near:
            continue
        shown.update(near)
        lines = "".join(
            f"<p>{escape(stamp(turns[i].start))} <b>{escape(turns[i].speaker.value)}</b>: "
            f"{escape(turns[i].text)}</p>"
            for i in near
        )
        parts.append(f"<h3>Around {escape(stamp(moment))}</h3>{lines}")
    return "".join(parts)


def report_html(items: list[ReportItem]) -> str:
    """One document, a call per page group (each call starts on a new page)."""
    bodies = [_header(i) + _scorecard(i) + _notes(i) + _excerpts(i) for i in items]
    return "<html><body>" + PAGE_BREAK.join(bodies) + "</body></html>"
