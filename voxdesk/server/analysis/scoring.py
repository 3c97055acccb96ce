"""Scoring a transcript against a scorecard: criteria, sections, score and outcome.

Rule semantics (each criterion's result is ``Yes``, ``No`` or ``N/A``):

``said`` (optionally ``by`` and ``within_seconds``)
    Yes when a turn of the named speaker contains one of the phrases (tolerantly, see
    ``matching``) starting within the first ``within_seconds`` of the recording;
    the rationale quotes the earliest such turn. No otherwise, saying what was missing.
    N/A only when nothing at all was said in the call (no speech: nothing to judge).
    A named speaker who never speaks did not say it: that is a No.
``not_said``
    No when the named speaker said one of the phrases, quoting where; Yes otherwise.
    N/A when the named speaker never speaks (there is no speech of theirs to judge).
``max_silence_seconds``
    Yes when the longest gap with nobody talking, between the first and the last speech
    of the call, is no longer than the limit; the rationale gives the longest silence
    and its time range. N/A when nobody speaks.
``max_talk_share`` (by agent, customer or any)
    Yes when the speaker's share of the total talk time is at most the limit (``any``:
    the most talkative speaker's share). N/A when nobody speaks, and on mono recordings,
    where the one unattributed speaker always has the whole share.

Every judged (non-N/A) result carries a confidence from the recogniser's evidence and is
marked uncertain below a threshold: see ``confidence``.

On a mono recording speakers cannot be told apart, so ``said``/``not_said`` rules that
name a speaker look at every turn, and the rationale says so.

Scores: a section's ``score`` is the points of its Yes criteria, its ``totalScore`` the
points of its applicable (non-N/A) criteria; the call score is earned/applicable over
all sections as a rounded percentage (None when nothing applies). A No on an
``auto_fail`` criterion makes the call score 0. Outcomes are tried in order; the first
whose rule would score Yes wins, and the last (rule-less) outcome is the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.analysis.confidence import Confidence, heard, near_limit, not_heard
from voxdesk.server.analysis.matching import Match, closest_miss, find_phrases, speech_clarity
from voxdesk.server.analysis.metrics import CallMetrics
from voxdesk.server.analysis.result import CriterionResult, SectionResult, TranscriptTurn
from voxdesk.server.analysis.timefmt import duration, span, stamp
from voxdesk.server.analysis.transcript import UNATTRIBUTED
from voxdesk.server.scorecard import Rule, Scorecard

YES, NO, NA = "Yes", "No", "N/A"
MONO_NOTE = (
    " (Mono recording: agent and customer cannot be told apart, so any speaker's turn counted.)"
)
_QUOTE_WORDS = 16


@dataclass(frozen=True)
class Verdict:
    """The result of one rule on one call, with the evidence behind it."""

    result: str
    rationale: str
    evidence_time: float | None = None
    confidence: Confidence | None = None  # None for N/A: nothing was judged


@dataclass(frozen=True)
class Scored:
    sections: list[SectionResult]
    score: int | None
    outcome_label: str
    outcome_rationale: str
    failed: list[tuple[str, CriterionResult, Verdict]]


def quote(match: Match) -> str:
    """``[00:03] agent: "thank you for calling back me"`` — the turn around the match."""
    words = [w for w, _, _ in match.turn.words]
    heard = match.heard.split()
    start = next(
        (i for i, (_, t, _) in enumerate(match.turn.words) if t >= match.time),
        0,
    )
    lo = max(0, start - 3)
    hi = min(len(words), start + len(heard) + 4)
    text = " ".join(words[lo:hi])
    if hi - lo > _QUOTE_WORDS:
        text = " ".join(words[lo : lo + _QUOTE_WORDS])
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(words) else ""
    return f'{stamp(match.time)} {match.turn.speaker}: "{prefix}{text}{suffix}"'


def _phrases(phrases: list[str]) -> str:
    quoted = [f'"{p}"' for p in phrases]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _who(rule: Rule) -> str:
    return "speaker" if rule.by == "any" else rule.by


class RuleJudge:
    """Applies rules to one call's transcript and metrics."""

    def __init__(self, turns: list[TranscriptTurn], metrics: CallMetrics) -> None:
        self.turns = turns
        self.metrics = metrics
        self.mono = metrics.speakers == [UNATTRIBUTED]

    def judge(self, rule: Rule) -> Verdict:
        kind = rule.kind
        if kind == "said":
            return self._said(rule)
        if kind == "not_said":
            return self._not_said(rule)
        if kind == "max_silence_seconds":
            return self._silence(rule)
        return self._talk_share(rule)

    def _speakers(self, rule: Rule) -> tuple[set[str] | None, str]:
        """Turns a rule looks at, and the note to add when the speaker cannot be known."""
        if rule.by == "any":
            return None, ""
        if self.mono:
            return None, MONO_NOTE
        return {rule.by}, ""

    def _said(self, rule: Rule) -> Verdict:
        assert rule.said is not None
        if not self.turns:
            return Verdict(
                NA, "No speech was recognised in the recording, so nothing can be judged."
            )
        speakers, note = self._speakers(rule)
        matches = find_phrases(self.turns, rule.said, speakers, rule.within_seconds)
        if matches:
            m = matches[0]
            return Verdict(YES, f'{quote(m)} — matches "{m.phrase}".{note}', m.time, heard(m))
        window = f" in the first {duration(rule.within_seconds)}" if rule.within_seconds else ""
        closest = closest_miss(self.turns, rule.said, speakers, rule.within_seconds)
        clarity = speech_clarity(self.turns, speakers, rule.within_seconds)
        return Verdict(
            NO,
            f"No {_who(rule)} turn{window} said {_phrases(rule.said)}.{note}",
            confidence=not_heard(closest, clarity),
        )

    def _not_said(self, rule: Rule) -> Verdict:
        assert rule.not_said is not None
        speakers, note = self._speakers(rule)
        relevant = [t for t in self.turns if speakers is None or t.speaker in speakers]
        if not relevant:
            who = "anyone" if speakers is None else f"the {rule.by}"
            return Verdict(NA, f"Nothing was said by {who}, so there is nothing to judge.{note}")
        matches = find_phrases(self.turns, rule.not_said, speakers)
        if matches:
            m = matches[0]
            more = f" (and {len(matches) - 1} more time(s))" if len(matches) > 1 else ""
            return Verdict(NO, f'{quote(m)} — says "{m.phrase}"{more}.{note}', m.time, heard(m))
        closest = closest_miss(self.turns, rule.not_said, speakers)
        return Verdict(
            YES,
            f"No {_who(rule)} turn said {_phrases(rule.not_said)}.{note}",
            confidence=not_heard(closest, speech_clarity(self.turns, speakers)),
        )

    def _silence(self, rule: Rule) -> Verdict:
        assert rule.max_silence_seconds is not None
        if not self.turns:
            return Verdict(
                NA,
                "No speech was recognised in the recording, so there is no silence "
                "between turns to measure.",
            )
        longest = self.metrics.longest_silence
        limit = duration(rule.max_silence_seconds)
        if longest is None:
            return Verdict(
                YES, f"There was no silence between turns (limit {limit}).", None, Confidence(1.0)
            )
        text = (
            f"The longest silence was {longest.duration:.1f} s, {span(longest.start, longest.end)}"
        )
        sure = near_limit(
            longest.duration,
            rule.max_silence_seconds,
            f"longest silence ({longest.duration:.1f} s) is close to the {limit} limit",
        )
        if longest.duration <= rule.max_silence_seconds:
            return Verdict(YES, f"{text}, within the {limit} limit.", longest.start, sure)
        return Verdict(NO, f"{text}, over the {limit} limit.", longest.start, sure)

    def _talk_share(self, rule: Rule) -> Verdict:
        assert rule.max_talk_share is not None
        limit = f"{rule.max_talk_share:.0%}"
        if self.metrics.total_talk == 0:
            return Verdict(
                NA,
                "No speech was recognised in the recording, so there is no talk share to measure.",
            )
        if self.mono:
            return Verdict(
                NA,
                "Mono recording: agent and customer cannot be told apart, so talk share "
                "cannot be measured.",
            )
        if rule.by == "any":
            speaker = max(self.metrics.talk_time, key=self.metrics.talk_time.__getitem__)
        else:
            speaker = rule.by
        share = self.metrics.talk_share(speaker)
        talk = self.metrics.talk_time.get(speaker, 0.0)
        text = (
            f"The {speaker} talked {share:.0%} of the talk time "
            f"({duration(talk)} of {duration(self.metrics.total_talk)})"
        )
        sure = near_limit(
            share, rule.max_talk_share, f"{speaker}'s talk share ({share:.0%}) is close to {limit}"
        )
        if share <= rule.max_talk_share:
            return Verdict(YES, f"{text}, within the {limit} limit.", confidence=sure)
        return Verdict(NO, f"{text}, over the {limit} limit.", confidence=sure)


def score_call(card: Scorecard, turns: list[TranscriptTurn], metrics: CallMetrics) -> Scored:
    """Apply every criterion and outcome rule of ``card`` to the call."""
    judge = RuleJudge(turns, metrics)
    sections: list[SectionResult] = []
    failed: list[tuple[str, CriterionResult, Verdict]] = []
    auto_failed: list[CriterionResult] = []
    earned = applicable = 0
    for section in card.sections:
        results: list[CriterionResult] = []
        score = total = 0
        for criterion in section.criteria:
            verdict = judge.judge(criterion.rule)
            result = CriterionResult(
                criteriaId=criterion.id,
                question=criterion.question,
                result=verdict.result,
                rationale=verdict.rationale,
                autoFail=criterion.auto_fail and verdict.result == NO,
                **_confidence_fields(verdict.confidence),
            )
            results.append(result)
            if verdict.result != NA:
                total += criterion.points
            if verdict.result == YES:
                score += criterion.points
            if verdict.result == NO:
                failed.append((criterion.advice or "", result, verdict))
                if criterion.auto_fail:
                    auto_failed.append(result)
        sections.append(
            SectionResult(
                sectionId=section.id,
                sectionName=section.name,
                score=score,
                totalScore=total,
                criterias=results,
            )
        )
        earned += score
        applicable += total
    call_score = round(100 * earned / applicable) if applicable else None
    label, rationale = _outcome(card, judge)
    if auto_failed:
        call_score = 0
        names = "; ".join(f'"{r.question}" ({r.rationale})' for r in auto_failed)
        rationale = f"{rationale} Score set to 0: auto-fail criterion failed: {names}"
    return Scored(sections, call_score, label, rationale, failed)


def _confidence_fields(confidence: Confidence | None) -> dict:
    if confidence is None:
        return {}
    return {
        "confidence": confidence.value,
        "uncertain": confidence.uncertain,
        "uncertainReason": confidence.reason,
    }


def _outcome(card: Scorecard, judge: RuleJudge) -> tuple[str, str]:
    """The first outcome whose rule holds, else the default, with the reason."""
    misses: list[str] = []
    for outcome in card.outcomes:
        if outcome.rule is None:
            if not misses:
                return outcome.label, f"{outcome.label}: the scorecard has a single outcome."
            return outcome.label, (
                f"{outcome.label} (default): none of the other outcomes applied. "
                + " ".join(misses)
            )
        verdict = judge.judge(outcome.rule)
        if verdict.result == YES:
            return outcome.label, f"{outcome.label}: {verdict.rationale}"
        misses.append(f"Not {outcome.label}: {verdict.rationale}")
    raise AssertionError("a validated scorecard ends with a default outcome")
