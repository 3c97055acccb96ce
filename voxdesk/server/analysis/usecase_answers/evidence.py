"""Reading a call for one question: where the agent raises it, how the customer replies,
and what either says about it in their own words.

Each finding is an ``Evidence``: a polarity (yes, no, unsure), a level (a bare "yes" to
the agent's question is level 1; the customer's own words about the stance — "I am not
interested" — are level 2) and the confidence of the words that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise

from voxdesk.server.analysis.timefmt import stamp
from voxdesk.server.analysis.usecase_answers.cues import CueGroup, Cues, find_phrase
from voxdesk.server.analysis.usecase_answers.language import (
    CLAUSE_BREAKS,
    NEGATION_REACH,
    NEUTRAL_PHRASES,
    NO_NEGATES_NEXT,
    NO_PHRASES,
    UNSURE_PHRASES,
    YES_PHRASES,
    Token,
    is_negator,
    tokens,
    wordlist,
    words,
)
from voxdesk.server.analysis.usecase_answers.model import AGENT, CUSTOMER, UNKNOWN, Turn

YES_SAID, NO_SAID, UNSURE = "yes", "no", "unsure"
BARE_REPLY, OWN_WORDS = 1, 2
# The customer's reply to a question is read in its first words: people answer first and
# explain after ("no, but my wife might be").
REPLY_WORDS = 12
# A reply more than this long after the question ends is not a reply to it.
REPLY_WITHIN_SECONDS = 20.0
# Unsure words this close to a stance word make the statement unsure.
UNSURE_REACH = 5
QUOTE_WORDS = 24

_AUXILIARIES = frozenset(
    wordlist("would do does did are is can could shall should will have has may were was")
)
_SUBJECTS = frozenset(wordlist("you i we it that this there your"))
_ANSWER_PHRASES = [
    *((tuple(words(p)), YES_SAID) for p in YES_PHRASES),
    *((tuple(words(p)), NO_SAID) for p in NO_PHRASES),
    *((tuple(words(p)), UNSURE) for p in UNSURE_PHRASES),
]
_NEUTRAL = [tuple(words(p)) for p in NEUTRAL_PHRASES]


def role(turn: Turn) -> str:
    return turn.speaker if turn.speaker in (AGENT, CUSTOMER) else UNKNOWN


@dataclass(frozen=True)
class Evidence:
    polarity: str  # YES_SAID, NO_SAID or UNSURE
    level: int  # BARE_REPLY or OWN_WORDS
    turn: Turn  # whose start is the timestamp
    quote: str
    confidence: float
    account: str  # what happened, in plain words, for the reason


class CallReading:
    """One call's turns with their tokens, read once for all questions."""

    def __init__(self, turns: list[Turn]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.tokens = [tokens(t) for t in self.turns]

    @cached_property
    def mono(self) -> bool:
        """No turn is attributed: anyone may ask and anyone may answer."""
        return all(role(t) == UNKNOWN for t in self.turns)

    def asks(self, index: int) -> bool:
        return role(self.turns[index]) in (AGENT, UNKNOWN)

    def answers(self, index: int) -> bool:
        return role(self.turns[index]) in (CUSTOMER, UNKNOWN)

    def clarity(self, speaker: str) -> float | None:
        """Mean word confidence of ``speaker``'s turns (None when they never speak)."""
        said = [
            tok.confidence
            for turn, toks in zip(self.turns, self.tokens, strict=True)
            if role(turn) in (speaker, UNKNOWN)
            for tok in toks
        ]
        return sum(said) / len(said) if said else None

    def reply_to(self, index: int) -> list[int]:
        """The turns answering turn ``index``: the first answering turn after it starts
        (within ``REPLY_WITHIN_SECONDS`` of its end) and the answering turns right after
        that one, up to the next asking turn."""
        ask = self.turns[index]
        ask_end = ask.end if ask.end is not None else ask.start
        reply: list[int] = []
        for j in range(index + 1, len(self.turns)):
            turn = self.turns[j]
            if not reply:
                if turn.start > ask_end + REPLY_WITHIN_SECONDS:
                    break
                if self.answers(j) and (self.mono or role(turn) != role(ask)):
                    reply.append(j)
                continue
            if self.mono or role(turn) == AGENT:
                break  # on a mono call the next turn may be anyone's: one turn only
            reply.append(j)
        return reply


def is_question(said: list[Token]) -> bool:
    """Whether a turn asks something: a written question mark, or, since recognised
    speech has none, question words ("would you", "do you", "can I"...)."""
    return any(t.asked for t in said) or bool(_question_starts(said))


def question_at(said: list[Token], index: int) -> bool:
    """Whether word ``index`` is inside a question: its sentence ends with a written
    question mark, or question words start at or before it in its sentence ("no, I am
    not interested, do you understand" asks nothing about the interest)."""
    if said[index].asked:
        return True
    return any(
        start <= index and said[start].sentence == said[index].sentence
        for start in _question_starts(said)
    )


def _question_starts(said: list[Token]) -> list[int]:
    return [
        i
        for i, (a, b) in enumerate(pairwise(t.text for t in said))
        if a in _AUXILIARIES and b in _SUBJECTS and said[i].sentence == said[i + 1].sentence
    ]


def negation_at(said: list[Token], index: int) -> int | None:
    """Where a negator reaching the word at ``index`` is, if any."""
    for j in range(index - 1, max(-1, index - NEGATION_REACH - 1), -1):
        word = said[j].text
        if word in CLAUSE_BREAKS:
            return None
        if is_negator(word):
            return j
        if word == "no" and index - j <= NO_NEGATES_NEXT:
            return j
        if word == "longer" and j > 0 and said[j - 1].text == "no":
            return j - 1
    return None


def answer_phrases(said: list[Token]) -> tuple[tuple[int, int, str], ...]:
    """Every yes/no/unsure phrase in ``said`` as (start, length, polarity), neutral
    phrases ("no problem") left out; where phrases overlap, unsure wins ("I'm not sure"
    is not "I'm not"), then the longer."""
    return _answer_phrases(tuple(t.text for t in said))


# Each turn is read for every question (and every bucket): remember the last few.
@lru_cache(maxsize=4096)
def _answer_phrases(texts: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    covered: set[int] = set()
    for i in range(len(texts)):
        for phrase in _NEUTRAL:
            if tuple(texts[i : i + len(phrase)]) == phrase:
                covered.update(range(i, i + len(phrase)))
    found = [
        (i, len(phrase), polarity)
        for i in range(len(texts))
        for phrase, polarity in _ANSWER_PHRASES
        if tuple(texts[i : i + len(phrase)]) == phrase
        and not covered.intersection(range(i, i + len(phrase)))
    ]
    kept: list[tuple[int, int, str]] = []
    for start, length, polarity in sorted(
        found, key=lambda f: (f[2] == UNSURE, f[1]), reverse=True
    ):
        if not any(start < s + n and s < start + length for s, n, _ in kept):
            kept.append((start, length, polarity))
    return tuple(sorted(kept))


def unsure_near(said: list[Token], index: int) -> bool:
    """An unsure phrase anywhere before word ``index`` in its turn ("I am not sure yet.
    I have to check my schedule."), or just after it in its sentence ("interested,
    maybe")."""
    return any(
        polarity == UNSURE
        and (
            start < index
            or (said[start].sentence == said[index].sentence and start - index <= UNSURE_REACH)
        )
        for start, _, polarity in answer_phrases(said)
    )


def mean_confidence(said: list[Token], indexes: list[int]) -> float:
    chosen = [said[i].confidence for i in indexes if 0 <= i < len(said)]
    return sum(chosen) / len(chosen) if chosen else 1.0


def quote(turn: Turn, said: list[Token], around: int = 0) -> str:
    """``customer: "…I am not interested in that…"`` — the turn near word ``around``."""
    texts = [t.text for t in said]
    lo = max(0, min(around - QUOTE_WORDS // 3, len(texts) - QUOTE_WORDS))
    hi = min(len(texts), lo + QUOTE_WORDS)
    text = " ".join(texts[lo:hi])
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(texts) else ""
    return f'{role(turn)}: "{prefix}{text}{suffix}"'


def group_hits(said: list[Token], groups: tuple[CueGroup, ...]) -> dict[CueGroup, list[int]]:
    """For each group found in ``said``, where."""
    hits = {}
    for group in groups:
        found = find_phrase(said, group.phrases)
        if found:
            hits[group] = found
    return hits


def addresses(cues: Cues, said: list[Token]) -> list[int]:
    """Where a turn raises the question's topic: the stance word, half the topic words,
    or a hint cue. Empty when it does not."""
    hits = group_hits(said, cues.groups)
    hint = find_phrase(said, cues.hint_cues)
    stance = cues.stance
    if hint:
        return hint
    if stance is not None and stance in hits:
        return hits[stance]
    topic = [g for g in cues.topic if g in hits]
    if cues.topic and 2 * len(topic) >= len(cues.topic):
        return sorted(i for g in topic for i in hits[g])
    return []


def stamp_of(turn: Turn) -> str:
    return stamp(turn.start)
