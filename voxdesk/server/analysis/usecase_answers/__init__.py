"""Answering a Vozzo use case's Yes/No questions and choosing its bucket, offline.

Public API (stable; the server's pipeline calls it)::

    answer_questions(turns, questions, hints=None) -> list[QuestionAnswer]
    choose_bucket(turns, buckets) -> BucketChoice
    turns_from_transcript(transcript) -> list[Turn]   # the analysis engine's turns

Pure: no database, network or Qt; the only file it reads is the recogniser's own
pronunciation dictionary, once per process, for ``soundalike``. Questions are free text
("If the lead is interested in the loan offer. (Yes/No)"), so the engine reads each one
for cues and then looks for them in the call. Every answer is **Yes**, **No** or **Not
clear**, with the quote and timestamp that decided it and a reason in plain words; it
never guesses.

Reading a question (``cues``)
    Who it is about: the agent when it names the agent before the customer ("did the
    agent offer a discount"), else the customer. Its content words, stemmed (``stem``:
    interested = interest, offered = offer), each with its synonyms from a small
    hand-made table (loan = credit = borrow; appointment = booking = opening), two-word
    terms kept together ("interest rate" = APR = percent). A feeling ("interested",
    "happy", "satisfied", "want", ...) is the question's *stance*; the other words are
    its *topic* (verbs such as "agree", "book", "accept" included: a yes to the agent
    proposing the topic is the assent). A verb of speaking ("mention", "ask for",
    "request") makes it a question about what its subject *said*. A negated question
    ("shows no interest", "did the customer decline the offer") is answered as its
    positive form and flipped. Optional ``QuestionHints`` add topic cues and customer
    phrases that mean Yes or No on their own.
Whether the customer felt or agreed to something
    Evidence comes in two levels. *Bare replies*: an agent turn that raises the
    question — names the feeling ("would you be interested?"), or, without one, half
    the topic words or a hint cue — and is a question (a "?" in written text, or "would
    you", "do you", "can I"... since recognised speech has no punctuation) is answered
    by the customer's next turn(s): the first yes/no/unsure phrase in its first 12
    words ("no problem" is neither). *Own words*: a customer statement (not a question)
    with the feeling word, once the topic has come up in the call, or — without a
    feeling — half the topic words: affirmed, negated (not/never/n't/"no longer" within
    four words before it in the clause; "no" only right before it) or unsure ("not
    sure", "maybe", "let me think" earlier in the turn or just after). Own words outrank
    a bare reply ("yes, but I am not interested" is No). At the top level: one
    polarity → that answer (its latest evidence quoted); both → **Not clear**
    (conflicting, both quoted); only unsure → **Not clear**. Never raised → **Not
    clear** ("never addressed": nobody knows the answer).
Whether someone did or said something (the agent; the customer asking)
    A turn of that side raising the topic is Yes; negated ("we cannot offer a
    discount", "I don't want a refund") it is No, unless the question only asks whether
    something was *mentioned* ("there is no fee" mentions the fee). Never raised →
    **No** only when that side was heard clearly (mean word confidence ≥
    ``CLEAR_SPEECH``) and, on recognised speech, none of its words sounds like a cue
    word (``soundalike``: "it fun" may be "refund"); else **Not clear**.
Recogniser confidence
    Each piece of evidence carries the mean posterior of the words that decided it (the
    answer phrase, or the cue phrase and its negator). Evidence below ``LOW_CONFIDENCE``
    cannot decide: when nothing surer exists the answer is **Not clear** and the reason
    says the audio was unclear. Its value (0.3) was chosen on the benchmark's tuning set:
    pocketsphinx gives correctly heard short words posteriors of 0.2-0.5.
Buckets (``buckets``)
    A description that states something about someone ("The customer cancels
    anyway", "if user shows no interest") is answered like a question; a Yes supports
    the bucket (own words more than a bare reply). A description that lists a topic
    ("Invoices, charges, payments or refunds") is supported by how often its words are
    heard (the customer's count double), always less than an answered statement. The
    best-supported bucket wins; equal support goes to the later evidence (a call's
    outcome is what it ends with). No support, or a tie at the same moment, chooses the
    catch-all bucket (named or described as "not clear", "unclear", "other",
    "unknown") when the use case has one, else no bucket (``BucketChoice.name`` None,
    the reason says why).

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
