"""The prose parts of an analysis: summary, observations and areas for improvement.

There is no language model offline, so the summary is extractive: it states the
measured facts (length, who talked how much, the outcome) and quotes the turns that
frame a support or sales call — the opening, the customer's first request and the
close. Observations come from the metrics, advice from the criteria that failed.
"""

from __future__ import annotations

import re

from voxdesk.domain.timeline import NOTABLE_SILENCE_SECONDS
from voxdesk.server.analysis.metrics import CallMetrics
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.scoring import Scored
from voxdesk.server.analysis.timefmt import duration, span, stamp
from voxdesk.server.analysis.transcript import AGENT, CUSTOMER

QUOTE_WORDS = 14
# Talk share beyond which one side is said to dominate the conversation.
DOMINANT_SHARE = 0.7
# Speech rates outside this range (words per minute) are worth pointing out.
SLOW_WPM, FAST_WPM = 100, 190
MIN_WORDS_FOR_RATE = 20
# Turns quoted in the summary should say something; "bye" or "okay" frames nothing.
MIN_QUOTED_WORDS = 3


def _excerpt(turn: TranscriptTurn) -> str:
    words = turn.text.split()
    text = " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")
    return f'{stamp(turn.start)} {turn.speaker}: "{text}"'


def summarise(turns: list[TranscriptTurn], metrics: CallMetrics, scored: Scored) -> str:
    """A few sentences a reviewer can read before opening the call."""
    if not turns:
        return (
            f"A {duration(metrics.duration)} recording in which no speech was recognised. "
            f"Outcome: {scored.outcome_label}."
        )
    noun = "turn" if len(turns) == 1 else "turns"
    parts = [f"A {duration(metrics.duration)} call with {len(turns)} {noun}."]
    shares = [
        f"the {s} {metrics.talk_share(s):.0%} ({duration(metrics.talk_time[s])})"
        for s in metrics.speakers
        if metrics.talk_time.get(s)
    ]
    if len(metrics.speakers) > 1:
        parts.append("Talk time: " + ", ".join(shares) + ".")
    parts.append(f"Outcome: {scored.outcome_label}.")
    quotable = [t for t in turns if len(t.words) >= MIN_QUOTED_WORDS] or turns
    key = {"Opening": quotable[0]}
    first_customer = next((t for t in quotable if t.speaker == CUSTOMER), None)
    if first_customer is not None:
        key.setdefault("Customer's first words", first_customer)
    key.setdefault("Close", quotable[-1])
    seen: set[int] = set()
    for label, turn in key.items():
        if id(turn) not in seen:
            seen.add(id(turn))
            parts.append(f"{label}: {_excerpt(turn)}.")
    return " ".join(parts)


def observe(metrics: CallMetrics) -> list[str]:
    """Facts from the measurements a reviewer would want pointed out."""
    notes: list[str] = []
    if metrics.total_talk == 0:
        return ["No speech was recognised in the recording."]
    longest = metrics.longest_silence
    if longest is not None and metrics.silences:
        notes.append(
            f"Longest silence: {longest.duration:.0f} s, {span(longest.start, longest.end)}."
        )
        if len(metrics.silences) > 1:
            total = sum(s.duration for s in metrics.silences)
            notes.append(
                f"{len(metrics.silences)} silences of {NOTABLE_SILENCE_SECONDS:.0f} s or more, "
                f"{duration(total)} in all."
            )
    for speaker in (AGENT, CUSTOMER):
        share = metrics.talk_share(speaker)
        if speaker in metrics.talk_time and share > DOMINANT_SHARE:
            notes.append(f"The {speaker} did most of the talking: {share:.0%} of the talk time.")
    if metrics.overlaps:
        total = sum(o.duration for o in metrics.overlaps)
        notes.append(
            f"Both sides spoke at once {len(metrics.overlaps)} time(s), {total:.1f} s in all, "
            f"first at {stamp(metrics.overlaps[0].start)}."
        )
    for speaker in metrics.speakers:
        wpm = metrics.words_per_minute(speaker)
        if wpm is None or metrics.word_count.get(speaker, 0) < MIN_WORDS_FOR_RATE:
            continue
        pace = "fast" if wpm > FAST_WPM else "slow" if wpm < SLOW_WPM else "steady"
        notes.append(f"The {speaker} spoke at about {wpm:.0f} words a minute ({pace}).")
    return notes


_QUESTION_LEAD = re.compile(r"^(did|does|do|was|were|is|has|had)\s+the\s+(agent|rep)\s+", re.I)


def advice(question: str) -> str:
    """ "Did the agent greet the caller?" -> "Greet the caller"."""
    body = _QUESTION_LEAD.sub("", question.strip()).rstrip("?").strip()
    if body == question.strip().rstrip("?").strip():
        return f"Work on: {question.strip()}"
    return body[:1].upper() + body[1:]


def improvements(scored: Scored) -> list[str]:
    """One piece of advice per failed criterion, with the evidence that failed it."""
    items = []
    for given, result, verdict in scored.failed:
        text = given or advice(result.question)
        items.append(f"{text.rstrip('.')}. {verdict.rationale}")
    return items
