"""Answering one question from a call's evidence: the rules that turn what was found
into Yes, No or Not clear (see the package docstring for the rules in prose)."""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.analysis.usecase_answers.cues import Cues, find_phrase, span_at
from voxdesk.server.analysis.usecase_answers.evidence import (
    BARE_REPLY,
    NO_SAID,
    OWN_WORDS,
    REPLY_WORDS,
    UNSURE,
    YES_SAID,
    CallReading,
    Evidence,
    addresses,
    answer_phrases,
    group_hits,
    is_question,
    mean_confidence,
    negation_at,
    question_at,
    quote,
    role,
    stamp_of,
    unsure_near,
)
from voxdesk.server.analysis.usecase_answers.language import Token
from voxdesk.server.analysis.usecase_answers.model import (
    AGENT,
    CUSTOMER,
    NO,
    NOT_CLEAR,
    UNKNOWN,
    YES,
    QuestionAnswer,
)
from voxdesk.server.analysis.usecase_answers.soundalike import CloseMiss, closest_miss

#: Evidence whose deciding words the recogniser was less sure of than this (mean
#: posterior) cannot decide an answer on its own: it makes the answer Not clear.
LOW_CONFIDENCE = 0.3
#: Below this mean posterior of all the agent's words, not hearing the agent say
#: something is no evidence that they did not (noisy or narrowband audio).
CLEAR_SPEECH = 0.5

_ANSWER = {YES_SAID: YES, NO_SAID: NO}
NO_EVIDENCE = 0


@dataclass(frozen=True)
class Decision:
    """An answer and the level of the evidence that decided it (``BARE_REPLY``,
    ``OWN_WORDS``, or ``NO_EVIDENCE``): bucket choice prefers the customer's own words."""

    answer: QuestionAnswer
    level: int


_FLIP = {YES: NO, NO: YES}


def answer(call: CallReading, cues: Cues) -> Decision:
    """The answer to one question (read by ``cues.read_question``) from ``call``."""
    if cues.about_agent or cues.speech_verb:
        found = _said_by(call, cues, AGENT if cues.about_agent else CUSTOMER)
    else:
        found = _customer_evidence(call, cues)
    return _decide(call, cues, found)


def _customer_evidence(call: CallReading, cues: Cues) -> list[Evidence]:
    """Replies to the agent raising the question, and the customer's own words on it."""
    found: list[Evidence] = []
    in_reply: set[int] = set()
    topic_raised = False
    for index, said in enumerate(call.tokens):
        topic_raised = topic_raised or _topic_heard(cues, said)
        if call.asks(index) and _asks_about(cues, said) and is_question(said):
            reply = call.reply_to(index)
            in_reply.update(reply)
            if reply:
                found.extend(_bare_reply(call, index, reply, cues))
        if call.answers(index):
            found.extend(_own_words(call, index, cues, topic_raised or index in in_reply))
    return found


def _topic_heard(cues: Cues, said: list[Token]) -> bool:
    return bool(group_hits(said, cues.topic) or find_phrase(said, cues.hint_cues))


def _asks_about(cues: Cues, said: list[Token]) -> bool:
    """An agent question is about a feeling only when it names it ("would you be
    interested?"); "do you have other loans?" is not a question about interest."""
    if cues.stance is None or find_phrase(said, cues.hint_cues):
        return bool(addresses(cues, said))
    return bool(group_hits(said, (cues.stance,)))


def _bare_reply(call: CallReading, ask: int, reply: list[int], cues: Cues) -> list[Evidence]:
    """The first yes/no/unsure phrase in the first words of the reply to turn ``ask``."""
    said = [tok for j in reply for tok in call.tokens[j]][:REPLY_WORDS]
    phrases = answer_phrases(said)
    hint = [
        (i, len(p), polarity)
        for phrases_, polarity in ((cues.hint_yes, YES_SAID), (cues.hint_no, NO_SAID))
        for p in phrases_
        for i in find_phrase(said, frozenset({p}))
    ]
    if not phrases and not hint:
        return []
    start, length, polarity = min([*phrases, *hint])
    asked = call.turns[ask]
    first = call.turns[reply[0]]
    words = " ".join(t.text for t in said[start : start + length])
    return [
        Evidence(
            polarity=polarity,
            level=BARE_REPLY,
            turn=asked,
            quote=f"{quote(asked, call.tokens[ask])} — {quote(first, said)}",
            confidence=mean_confidence(said, list(range(start, start + length))),
            account=f'the customer answered "{words}" when the agent asked at {stamp_of(asked)}',
        )
    ]


def _own_words(call: CallReading, index: int, cues: Cues, on_topic: bool) -> list[Evidence]:
    """What the customer says about the question's stance (or, for a question without
    one, its topic) in turn ``index``: negated, unsure or affirmed. A stance word counts
    only once the topic has been raised (``on_topic``) or with it in the same turn ("I
    want to change my address" is not interest in a loan nobody mentioned)."""
    said = call.tokens[index]
    found: list[Evidence] = []
    for phrases, polarity in ((cues.hint_yes, YES_SAID), (cues.hint_no, NO_SAID)):
        for i in find_phrase(said, phrases):
            if not question_at(said, i):
                found.append(_statement(call, cues, index, i, polarity))
    hits = group_hits(said, cues.groups)
    stance = cues.stance
    topic_heard = any(g in hits for g in cues.topic) or bool(find_phrase(said, cues.hint_cues))
    if stance is not None:
        if stance not in hits or not (topic_heard or on_topic or not cues.topic):
            return found
        where_all = hits[stance]
    else:
        where_all = addresses(cues, said)
    # The customer's questions ("what is the interest rate?") are not statements.
    where_all = [i for i in where_all if not question_at(said, i)]
    if not where_all:
        return found
    where = where_all[0]
    if unsure_near(said, where):
        polarity = UNSURE
    elif negation_at(said, where) is not None:
        polarity = NO_SAID
    else:
        polarity = YES_SAID
    found.append(_statement(call, cues, index, where, polarity))
    return found


def _statement(call: CallReading, cues: Cues, index: int, where: int, polarity: str) -> Evidence:
    """Evidence from turn ``index``'s own words at word ``where``; its confidence is that
    of the cue phrase there and of the negator reaching it."""
    turn, said = call.turns[index], call.tokens[index]
    negator = negation_at(said, where)
    deciding = list(range(where, where + span_at(said, where, cues)))
    if negator is not None:
        deciding.insert(0, negator)
    words = " ".join(t.text for t in said[deciding[0] : deciding[-1] + 1])
    who = "agent" if turn.speaker == AGENT else "customer"
    return Evidence(
        polarity=polarity,
        level=OWN_WORDS,
        turn=turn,
        quote=quote(turn, said, where),
        confidence=mean_confidence(said, deciding),
        account=f'the {who} said "{words}" at {stamp_of(turn)}',
    )


def _said_by(call: CallReading, cues: Cues, subject: str) -> list[Evidence]:
    """The ``subject``'s turns that raise the topic; negated ones ("we cannot offer a
    discount", "I don't want a refund") are a No unless the question only asks whether
    it was mentioned."""
    found = []
    for index, said in enumerate(call.tokens):
        if not (call.asks(index) if subject == AGENT else call.answers(index)):
            continue
        where = addresses(cues, said) if cues.topic or cues.hint_cues else []
        if not where and not cues.topic and cues.stance is not None:
            where = group_hits(said, (cues.stance,)).get(cues.stance, [])
        if not where:
            continue
        negated = not cues.mention_only and negation_at(said, where[0]) is not None
        found.append(_statement(call, cues, index, where[0], NO_SAID if negated else YES_SAID))
    return found


def _decide(call: CallReading, cues: Cues, found: list[Evidence]) -> Decision:
    if not found:
        return Decision(_unaddressed(call, cues), NO_EVIDENCE)
    sure = [e for e in found if e.confidence >= LOW_CONFIDENCE]
    if not sure:
        best = max(found, key=lambda e: e.confidence)
        return _result(
            best.level,
            cues,
            NOT_CLEAR,
            best,
            f"The only evidence is unclear audio: {best.account}, but the recogniser was only "
            f"{best.confidence:.0%} sure of those words.",
        )
    top = max(e.level for e in sure)
    deciding = [e for e in sure if e.level == top]
    said = {e.polarity for e in deciding} - {UNSURE}
    if len(said) > 1:
        first_yes = next(e for e in deciding if e.polarity == YES_SAID)
        first_no = next(e for e in deciding if e.polarity == NO_SAID)
        return _result(
            top,
            cues,
            NOT_CLEAR,
            deciding[-1],
            f"The call says both: at {stamp_of(first_yes.turn)} {first_yes.quote}, and at "
            f"{stamp_of(first_no.turn)} {first_no.quote}.",
        )
    if not said:
        unsure = deciding[-1]
        return _result(top, cues, NOT_CLEAR, unsure, f"Unsure: {unsure.account} without deciding.")
    polarity = said.pop()
    last = [e for e in deciding if e.polarity == polarity][-1]
    result = _answer_for(cues, _ANSWER[polarity])
    flip = f" The question is negated, so that means {result}." if cues.flipped else ""
    reason = f"{last.account[0].upper()}{last.account[1:]}.{flip}"
    return _result(top, cues, result, last, reason)


def _answer_for(cues: Cues, answer_: str) -> str:
    return _FLIP[answer_] if cues.flipped else answer_


def _unaddressed(call: CallReading, cues: Cues) -> QuestionAnswer:
    """Nothing in the call bears on the question. Whether the customer felt or agreed to
    something: Not clear (nobody asked, so nobody knows). Whether someone did or said
    something (the agent; the customer asking, mentioning): No, when that side was heard
    clearly enough for its absence to mean something."""
    looked_for = ", ".join(f'"{g.word}"' for g in cues.groups) or "its words"
    if not (cues.about_agent or cues.speech_verb):
        return QuestionAnswer(
            cues.question, NOT_CLEAR, "", None,
            f"Never addressed: nobody raised it in the call (looked for {looked_for}).", 0.0,
        )  # fmt: skip
    subject = AGENT if cues.about_agent else CUSTOMER
    clarity = call.clarity(subject)
    if clarity is None:
        return QuestionAnswer(
            cues.question, NOT_CLEAR, "", None, f"The {subject} is not heard in the call.", 0.0
        )
    if clarity < CLEAR_SPEECH:
        return QuestionAnswer(
            cues.question, NOT_CLEAR, "", None,
            f"No {subject} turn mentions it (looked for {looked_for}), but the recogniser "
            f"was only {clarity:.0%} sure of the {subject}'s words: it may have been said "
            "and misheard.", 0.0,
        )  # fmt: skip
    miss = _misheard(call, cues, subject)
    if miss is not None:
        return QuestionAnswer(
            cues.question, NOT_CLEAR, "", None,
            f'No {subject} turn mentions it (looked for {looked_for}), but the {subject} '
            f'said something heard as "{miss.heard}", which sounds like "{miss.cue}" '
            f"({miss.similarity:.0%} alike): it may have been said and misheard.", 0.0,
        )  # fmt: skip
    return QuestionAnswer(
        cues.question, _answer_for(cues, NO), "", None,
        f"No {subject} turn mentions it (looked for {looked_for}).", round(clarity, 3),
    )  # fmt: skip


def _misheard(call: CallReading, cues: Cues, subject: str) -> CloseMiss | None:
    """On recognised speech (turns with confidences), the subject's words that sound
    like one of the question's cue words."""
    turns = [
        said
        for turn, said in zip(call.turns, call.tokens, strict=True)
        if role(turn) in (subject, UNKNOWN) and turn.confidences
    ]
    if not turns:
        return None
    cue_words = [g.word for g in cues.groups]
    misses = [m for said in turns if (m := closest_miss([t.text for t in said], cue_words))]
    return max(misses, key=lambda m: m.similarity, default=None)


def _result(level: int, cues: Cues, result: str, evidence: Evidence, reason: str) -> Decision:
    qa = QuestionAnswer(
        question=cues.question,
        answer=result,
        evidence=evidence.quote,
        timestamp=evidence.turn.start,
        reason=reason,
        confidence=round(evidence.confidence, 3),
    )
    return Decision(qa, level)
