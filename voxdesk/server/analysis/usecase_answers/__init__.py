"""Answering a Vozzo use case's Yes/No questions and choosing its bucket, offline.

Public API (stable; the server's pipeline calls it)::

    answer_questions(turns, questions, hints=None) -> list[QuestionAnswer]
    choose_bucket(turns, buckets) -> BucketChoice
    turns_from_transcript(transcript) -> list[Turn]   # the analysis engine's turns

Pure: no I/O, no model, no Qt. Questions are free text ("If the lead is interested in
the loan offer. (Yes/No)"), so the engine reads each one for cues and then looks for
them in the call. Every answer is **Yes**, **No** or **Not clear**, with the quote and
timestamp that decided it and a reason in plain words; it never guesses.

Reading a question (``cues``)
    Who it is about: the agent when it names the agent before the customer ("did the
    agent mention the fee"), else the customer. Its content words, stemmed (``stem``:
    interested = interest, offered = offer), each with its synonyms from a small
    hand-made table (loan = credit = borrow; interested = keen = want = like), two-word
    terms kept together ("interest rate" = APR = percent). A stance word ("interested",
    "agree", "satisfied", "book", ...) is the question's stance; the others its topic. A
    negated question ("shows no interest", "did the customer decline/refuse the offer")
    is answered as its positive form and flipped. Optional ``QuestionHints`` add topic
    cues and customer phrases that mean Yes or No on their own.
Questions about the customer
    Evidence comes in two levels. *Bare replies*: an agent turn that raises the topic
    (the stance word, half the topic words, or a hint cue) and is a question by its
    words ("would you", "are you", ... — recognised speech has no "?") is answered by
    the customer's next turn(s): its first yes/no/unsure phrase within 12 words.
    *Own words*: a customer turn that says the stance word (with the topic in the same
    turn or as a reply to the agent raising it) or, for a question without a stance,
    half its topic words: affirmed, negated (not/never/n't/"no longer" within four words
    before, inside the clause; "no" only right before) or unsure ("not sure", "maybe",
    "let me think"). Own words outrank a bare reply ("yes, but I am not interested" is
    No). At the top level: one polarity → that answer (the latest such evidence quoted);
    both → **Not clear** (conflicting, both quoted); only unsure → **Not clear**. Never
    raised → **Not clear** ("never addressed": nobody knows the answer).
Questions about the agent
    An agent turn raising the topic is Yes; negated ("we cannot offer a discount") it is
    No, unless the question only asks whether something was *mentioned*. Never raised →
    **No** when the agent was heard clearly (mean word confidence ≥ ``CLEAR_SPEECH``),
    else **Not clear** (it may have been said and misheard).
Recogniser confidence
    Each piece of evidence carries the mean posterior of the words that decided it (the
    answer phrase, or the stance word and its negator). Evidence below
    ``LOW_CONFIDENCE`` cannot decide: when nothing surer exists, the answer is **Not
    clear** and the reason says the audio was unclear.
Buckets (``buckets``)
    A description that states something ("if user shows no interest") is answered like
    a question; a Yes supports the bucket (own words more than a bare reply). A
    description that lists a topic ("billing: invoices, charges, payments") is supported
    by how often its words are heard (the customer's count double). The best-supported
    bucket wins. A tie or no support chooses the catch-all bucket (named or described as
    "not clear", "unclear", "other", "unknown") when the use case has one, else no bucket
    (``BucketChoice.name`` None, the reason says why).

Measured by ``tests/bench/bench_usecase_answers.py`` (README, "Use-case answers").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.usecase_answers.answers import CLEAR_SPEECH, LOW_CONFIDENCE, answer
from voxdesk.server.analysis.usecase_answers.buckets import choose
from voxdesk.server.analysis.usecase_answers.cues import read_question
from voxdesk.server.analysis.usecase_answers.evidence import CallReading
from voxdesk.server.analysis.usecase_answers.model import (
    AGENT,
    CUSTOMER,
    NO,
    NOT_CLEAR,
    UNKNOWN,
    YES,
    Bucket,
    BucketChoice,
    QuestionAnswer,
    QuestionHints,
    Turn,
)

__all__ = [
    "AGENT",
    "CLEAR_SPEECH",
    "CUSTOMER",
    "LOW_CONFIDENCE",
    "NO",
    "NOT_CLEAR",
    "UNKNOWN",
    "YES",
    "Bucket",
    "BucketChoice",
    "QuestionAnswer",
    "QuestionHints",
    "Turn",
    "answer_questions",
    "choose_bucket",
    "turns_from_transcript",
]


def answer_questions(
    turns: Sequence[Turn],
    questions: Sequence[str],
    hints: Mapping[str, QuestionHints] | None = None,
) -> list[QuestionAnswer]:
    """One answer per question, in order. ``hints`` is keyed by the question's text."""
    call = CallReading(list(turns))
    hints = hints or {}
    return [answer(call, read_question(q, hints.get(q))).answer for q in questions]


def choose_bucket(turns: Sequence[Turn], buckets: Sequence[Bucket]) -> BucketChoice:
    """The bucket whose description the call supports best (see the module docstring)."""
    if not buckets:
        return BucketChoice(None, "The use case has no buckets.")
    return choose(CallReading(list(turns)), list(buckets))


def turns_from_transcript(transcript: Sequence[TranscriptTurn]) -> list[Turn]:
    """The analysis engine's transcript as the engine's turns: word posteriors kept
    when the recogniser gave them, the mono "speaker" read as unknown."""
    return [
        Turn(
            speaker=t.speaker if t.speaker in (AGENT, CUSTOMER) else UNKNOWN,
            start=t.start,
            end=t.end,
            text=" ".join(w for w, _, _ in t.words) if t.words else t.text,
            confidences=tuple(t.confidences) if t.words else (),
        )
        for t in transcript
    ]
