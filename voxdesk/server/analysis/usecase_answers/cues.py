"""What a free-text question is about: who it asks about, whether it is negated, and the
cue groups (each content word with its synonyms) to look for in the call.

"If the lead is interested in the loan offer. (Yes/No)" becomes: about the customer, not
negated, stance ``interested`` (interest, keen, want, like, ...) and topic words ``loan``
(credit, borrow, ...) and ``offer`` (deal, plan, ...). "Did the customer decline the
offer?" is read as "did the customer accept the offer?", flipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from voxdesk.server.analysis.usecase_answers.language import (
    AGENT_WORDS,
    MENTION_VERBS,
    NEGATIVE_STANCES,
    SPEECH_VERBS,
    STANCE_WORDS,
    STOPWORDS,
    Token,
    is_negator,
    phrase_stems,
    stem,
    synonyms,
    words,
)
from voxdesk.server.analysis.usecase_answers.model import QuestionHints

_CUSTOMER_WORDS = frozenset({"customer", "lead", "user", "caller", "client", "prospect",
                             "consumer", "patient", "member", "buyer", "subscriber"})  # fmt: skip
PERSON_WORDS = _CUSTOMER_WORDS | AGENT_WORDS
_MARKERS = ("(yes/no)", "(yes / no)", "yes/no", "(y/n)")


@dataclass(frozen=True)
class CueGroup:
    """One content word of the question and every phrase (as stems) that counts as it."""

    word: str
    phrases: frozenset[tuple[str, ...]]
    stance: bool = False


@dataclass(frozen=True)
class Cues:
    """A question read for answering."""

    question: str
    about_agent: bool
    flipped: bool  # the question is negated: answer its positive form, then flip
    groups: tuple[CueGroup, ...]
    # "did the agent mention X", "did the customer ask for X": answered by whether the
    # subject said X (``mention_only``: even negated, as "there is no fee" mentions it)
    speech_verb: bool = False
    mention_only: bool = False
    hint_cues: frozenset[tuple[str, ...]] = frozenset()
    hint_yes: frozenset[tuple[str, ...]] = frozenset()
    hint_no: frozenset[tuple[str, ...]] = frozenset()

    @property
    def stance(self) -> CueGroup | None:
        return next((g for g in self.groups if g.stance), None)

    @property
    def topic(self) -> tuple[CueGroup, ...]:
        return tuple(g for g in self.groups if not g.stance)


def read_question(question: str, hints: QuestionHints | None = None) -> Cues:
    """The cues of ``question`` (see the module docstring), with ``hints`` added."""
    text = question.lower()
    for marker in _MARKERS:
        text = text.replace(marker, " ")
    said = words(text)
    about_agent = _about_agent(said)
    flipped = False
    groups: list[CueGroup] = []
    speech_verbs: list[str] = []
    i = 0
    while i < len(said):
        word = said[i]
        pair = f"{word} {said[i + 1]}" if i + 1 < len(said) else ""
        if pair and len(synonyms(pair)) > 1:
            groups.append(CueGroup(pair, frozenset(synonyms(pair))))
            i += 2
            continue
        i += 1
        key = stem(word)
        if is_negator(word) or (word == "no" and i < len(said)):
            flipped = not flipped
            continue
        if key in NEGATIVE_STANCES:
            flipped = not flipped
            positive = NEGATIVE_STANCES[key]
            stance = stem(positive) in STANCE_WORDS and not any(g.stance for g in groups)
            groups.append(CueGroup(positive, frozenset(synonyms(positive)), stance=stance))
            continue
        if key in STOPWORDS or word in AGENT_WORDS or word in _CUSTOMER_WORDS:
            continue
        if key in SPEECH_VERBS:
            speech_verbs.append(key)
            continue
        stance = key in STANCE_WORDS and not any(g.stance for g in groups)
        groups.append(CueGroup(word, frozenset(synonyms(word)), stance=stance))
    if not groups:  # "did the agent ask?" — the verb is all there is
        groups = [CueGroup(v, frozenset(synonyms(v))) for v in speech_verbs]
        speech_verbs = []
    hints = hints or QuestionHints()
    return Cues(
        question=question,
        about_agent=about_agent,
        flipped=flipped,
        groups=_unique(groups),
        speech_verb=bool(speech_verbs),
        mention_only=bool(speech_verbs) and all(v in MENTION_VERBS for v in speech_verbs),
        hint_cues=frozenset(phrase_stems(p) for p in hints.cues if words(p)),
        hint_yes=frozenset(phrase_stems(p) for p in hints.yes if words(p)),
        hint_no=frozenset(phrase_stems(p) for p in hints.no if words(p)),
    )


def _about_agent(said: list[str]) -> bool:
    """Whoever the question names first is who it asks about; the customer by default."""
    for word in said:
        if word in AGENT_WORDS:
            return True
        if word in _CUSTOMER_WORDS:
            return False
    return False


def _unique(groups: list[CueGroup]) -> tuple[CueGroup, ...]:
    """Groups with the same phrases once ("fee and charges" is one thing to look for)."""
    seen: set[frozenset[tuple[str, ...]]] = set()
    kept = []
    for group in groups:
        if group.phrases not in seen:
            seen.add(group.phrases)
            kept.append(group)
    return tuple(kept)


def span_at(said: list[Token], index: int, cues: Cues) -> int:
    """How many words the longest cue phrase starting at ``index`` covers (1 if none):
    "half price" is two words of evidence, not one."""
    stems = [t.stem for t in said]
    phrases = [p for g in cues.groups for p in g.phrases]
    phrases += [*cues.hint_cues, *cues.hint_yes, *cues.hint_no]
    spans = [
        len(p) + (tuple(stems[index : index + len(p)]) != p)
        for p in phrases
        if _phrase_at(stems, index, p)
    ]
    return max(spans, default=1)


_PRONOUNS = frozenset({"me", "you", "him", "her", "us", "them", "it"})


def find_phrase(said: list[Token], phrases: frozenset[tuple[str, ...]]) -> list[int]:
    """Indexes of ``said`` where any of ``phrases`` (stem sequences) starts. A pronoun
    may sit inside a phrasal verb: "call you back" is "call back"."""
    by_first = _by_first_stem(phrases)
    stems = [t.stem for t in said]
    return [
        i
        for i, first in enumerate(stems)
        if any(_phrase_at(stems, i, phrase) for phrase in by_first.get(first, ()))
    ]


@lru_cache(maxsize=1024)
def _by_first_stem(
    phrases: frozenset[tuple[str, ...]],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """``phrases`` by their first stem: a turn's words are checked against only the
    phrases they could start (each turn is read for every question)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(found) for first, found in index.items()}


def _phrase_at(stems: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    if tuple(stems[i : i + len(phrase)]) == phrase:
        return True
    return (
        len(phrase) == 2
        and i + 2 < len(stems)
        and stems[i] == phrase[0]
        and stems[i + 1] in _PRONOUNS
        and stems[i + 2] == phrase[1]
    )
