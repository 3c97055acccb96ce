"""Buckets for the customer who hedges or defers ("Warm Lead: The customer may be
interested later") and the customer's words that support them.

Answered like a question, "The customer may be interested later" reads as "is the
customer interested" — the hedge ("may", "later") is dropped with the function words —
so a flat "yes, I am very interested" would support it exactly as much as "The customer
is interested in the loan offer", and "maybe later, call me next month" (unsure: Not
clear) would support neither. The hedge *is* such a bucket's content: it is supported by
the customer hedging or deferring about its subject, and not by a flat answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.analysis.usecase_answers.answers import LOW_CONFIDENCE
from voxdesk.server.analysis.usecase_answers.cues import CueGroup, Cues, find_phrase
from voxdesk.server.analysis.usecase_answers.evidence import (
    UNSURE,
    CallReading,
    answer_phrases,
    group_hits,
    mean_confidence,
    question_at,
)
from voxdesk.server.analysis.usecase_answers.language import (
    Token,
    phrase_stems,
    wordlist,
    words,
)
from voxdesk.server.analysis.usecase_answers.model import Bucket, Turn

# What makes a description tentative: it speaks of possibility or of later.
_TENTATIVE_WORDS = frozenset(
    wordlist(
        "may might maybe perhaps possibly later future eventually someday undecided unsure "
        "hesitant hesitates hesitating considering deferred defers postponed postpones"
    )
)
_TENTATIVE_PHRASES = ("not sure", "not yet", "not now", "call back", "callback", "follow up",
                      "think about", "not decided", "thinking about")  # fmt: skip
# What the customer says when deferring (the unsure phrases — "maybe", "not sure", "let
# me think" — count as hedges too). "call back" also matches "call me back".
DEFERRAL_PHRASES = ("later", "not now", "not right now", "not at the moment", "not yet",
                    "next week", "next month", "next year", "another time", "some other time",
                    "call back", "get back to", "in a few weeks", "in a few months",
                    "few weeks", "few months")  # fmt: skip
_DEFERRALS = frozenset(phrase_stems(p) for p in DEFERRAL_PHRASES)
# Asked, these are still a deferral: "can you call me back later?" is a request.
_REQUESTS = frozenset(phrase_stems(p) for p in ("call back", "get back to"))
_TENTATIVE_STEMS = frozenset(phrase_stems(w) for w in _TENTATIVE_WORDS) | frozenset(
    phrase_stems(p) for p in _TENTATIVE_PHRASES
)


@dataclass(frozen=True)
class Hedge:
    """A customer turn that hedges or defers, and the words that do."""

    turn: Turn
    index: int  # the turn's index in the call
    start: int  # first hedge word in the turn
    heard: tuple[str, ...]  # every hedge phrase in the turn, as said
    confidence: float


def is_tentative(bucket: Bucket) -> bool:
    """Whether the bucket's description speaks of possibility or of later."""
    text = " ".join(words(bucket.description or bucket.name))
    return any(w in _TENTATIVE_WORDS for w in text.split()) or any(
        f" {p} " in f" {text} " for p in _TENTATIVE_PHRASES
    )


def is_hedge_group(group: CueGroup) -> bool:
    """A description's cue group that is itself a hedge ("later"), not its subject."""
    return bool(group.phrases & (_TENTATIVE_STEMS | _DEFERRALS))


def hedge_subject(cues: Cues, others: list[Cues]) -> tuple[CueGroup, ...]:
    """What a tentative description hedges about: its content words other than the hedge
    ("cancel" in "might cancel later"). A bare feeling ("may be interested later") is
    about what the use case is about: it borrows the other buckets' topic words ("loan",
    "offer"), so "maybe later" to "would a personal loan help you?" is about it."""
    own = tuple(g for g in cues.groups if not is_hedge_group(g))
    if any(not g.stance for g in own):
        return own
    borrowed = [g for other in others for g in other.topic if not is_hedge_group(g)]
    unique: dict[frozenset[tuple[str, ...]], CueGroup] = {}
    for group in (*own, *borrowed):
        unique.setdefault(group.phrases, group)
    return tuple(unique.values())


def hedges(call: CallReading, subject: tuple[CueGroup, ...]) -> list[Hedge]:
    """The customer's statements that hedge or defer about ``subject`` (``hedge_subject``):
    in a turn naming it, or replying to a turn that raises it ("would you be
    interested?" — "maybe later"); a "maybe Friday" to "can I call you on Friday?" defers
    the call, not the interest. With no subject, any customer statement. A hedge the
    recogniser was unsure of (below ``LOW_CONFIDENCE``) is left out: it cannot decide."""
    replies: set[int] = set()  # the customer's answers to a turn raising the subject
    found = []
    for index, said in enumerate(call.tokens):
        on_subject = bool(group_hits(said, subject))
        if on_subject and call.asks(index):
            replies.update(call.reply_to(index))
        if not call.answers(index) or not (on_subject or index in replies or not subject):
            continue
        spans = _hedge_spans(said)
        spans = [(s, n) for s, n in spans if not question_at(said, s) or _request(said, s)]
        confident = [
            (s, n)
            for s, n in spans
            if mean_confidence(said, list(range(s, s + n))) >= LOW_CONFIDENCE
        ]
        if not confident:
            continue
        found.append(
            Hedge(
                turn=call.turns[index],
                index=index,
                start=confident[0][0],
                heard=tuple(" ".join(t.text for t in said[s : s + n]) for s, n in confident),
                confidence=min(mean_confidence(said, list(range(s, s + n))) for s, n in confident),
            )
        )
    return found


def _hedge_spans(said: list[Token]) -> list[tuple[int, int]]:
    """(start, length) of each unsure or deferring phrase in a turn."""
    spans = [(s, n) for s, n, polarity in answer_phrases(said) if polarity == UNSURE]
    taken = {i for s, n in spans for i in range(s, s + n)}
    for start in find_phrase(said, _DEFERRALS):
        if start not in taken:
            length = _deferral_length(said, start)
            spans.append((start, length))
            taken.update(range(start, start + length))
    return sorted(spans)


def _request(said: list[Token], start: int) -> bool:
    return bool(find_phrase(said[start:], _REQUESTS)[:1] == [0])


def _deferral_length(said: list[Token], start: int) -> int:
    stems = tuple(t.stem for t in said)
    lengths = [len(p) for p in _DEFERRALS if stems[start : start + len(p)] == p]
    return max(lengths, default=3)  # "call me back": the phrasal verb with its pronoun
