"""Finding a scorecard phrase in what the recogniser heard, tolerantly.

The recogniser often gets a phrase almost right with the wrong word boundaries or a
near-homophone ("thank you for calling acme" comes out as "thank you for calling back
me"). Comparing words would miss that, so both the phrase and the heard words are
turned into phoneme strings with the recogniser's own pronunciations (``lexicon``) and
compared with a normalised edit-distance similarity over every window of whole heard
words. A window close enough in sound is a match; its first word gives the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Indel

from voxdesk.server.analysis.lexicon import PronunciationError, fold, phrase_words, pronounce
from voxdesk.server.analysis.result import TranscriptTurn

# Similarity (0-1) of phoneme strings at or above which a window counts as the phrase.
# Measured on the evaluation set: one wrong or missing phoneme in a typical 8-20 phoneme
# phrase passes, two wrong phonemes in a short word do not.
MATCH_THRESHOLD = 0.8
# Phrases this short (in phonemes) are matched only exactly: one phoneme off in a
# three-phoneme word is a different word.
MIN_FUZZY_PHONES = 5

_WORD = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Match:
    """Where ``phrase`` was heard (or came closest): the turn, the heard words, when they
    start, how alike they sound (0-1) and the recogniser's mean posterior of them."""

    phrase: str
    turn: TranscriptTurn
    heard: str
    time: float
    similarity: float
    confidence: float = 1.0

    @property
    def close_enough(self) -> bool:
        exact = len(phrase_phonemes(self.phrase)) < MIN_FUZZY_PHONES
        return self.similarity >= (1.0 if exact else MATCH_THRESHOLD)


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation, as the recogniser spells them."""
    return _WORD.findall(fold(text).replace("-", " "))


def _phone_char(phone: str) -> str:
    """One private-use character per phoneme, so phonemes never equal the plain letters
    used for words the dictionary lacks."""
    return chr(0xE000 + _PHONES.index(phone))


_PHONES = (
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G",
    "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T",
    "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
)  # fmt: skip


@cache
def phonemes(word: str) -> str:
    """The word's phoneme string (one character per phoneme), guessed for words the
    dictionary lacks (``lexicon``); a word that cannot be pronounced falls back to its
    letters (so it can still match itself, but never a dictionary word's sound)."""
    try:
        return "".join(_phone_char(p) for p in pronounce(word).phones)
    except PronunciationError:
        return word


def phrase_phonemes(phrase: str) -> str:
    """The phrase's phoneme string; scorecards are checked at load, so every word of a
    loaded scorecard's phrase has a pronunciation."""
    try:
        words = phrase_words(phrase)
    except PronunciationError:
        words = normalise(phrase)
    return "".join(phonemes(w) for w in words)


def find_in_turn(turn: TranscriptTurn, phrase: str) -> Match | None:
    """The best-sounding occurrence of ``phrase`` in ``turn``, if close enough."""
    best = closest_in_turn(turn, phrase)
    return best if best is not None and best.close_enough else None


def closest_in_turn(turn: TranscriptTurn, phrase: str) -> Match | None:
    """The window of ``turn`` that sounds most like ``phrase``, however far off."""
    target = phrase_phonemes(phrase)
    if not target or not turn.words:
        return None
    heard = [phonemes(w) for w, _, _ in turn.words]
    longest = len(target) * 1.5 + 2
    best: tuple[float, int, int] | None = None
    for first in range(len(heard)):
        window = ""
        for last in range(first, len(heard)):
            window += heard[last]
            if len(window) > longest:
                break
            score = Indel.normalized_similarity(target, window)
            if best is None or score > best[0]:
                best = (score, first, last)
    if best is None:
        return None
    score, first, last = best
    words = turn.words[first : last + 1]
    heard_text = " ".join(w for w, _, _ in words)
    posterior = turn.word_confidence(first, last)
    return Match(phrase, turn, heard_text, words[0][1], score, posterior)


def find_phrases(
    turns: list[TranscriptTurn],
    phrases: list[str],
    speakers: set[str] | None = None,
    before: float | None = None,
) -> list[Match]:
    """Every turn's best match of any of ``phrases``, earliest first.

    ``speakers`` limits the turns searched (None: everyone); ``before`` keeps only
    matches that start before that many seconds into the call.
    """
    found: list[Match] = []
    for turn in turns:
        if speakers is not None and turn.speaker not in speakers:
            continue
        if before is not None and turn.start >= before:
            continue
        candidates = [m for p in phrases if (m := find_in_turn(turn, p)) is not None]
        candidates = [m for m in candidates if before is None or m.time < before]
        if candidates:
            found.append(max(candidates, key=lambda m: m.similarity))
    return sorted(found, key=lambda m: m.time)


def closest_miss(
    turns: list[TranscriptTurn],
    phrases: list[str],
    speakers: set[str] | None = None,
    before: float | None = None,
) -> Match | None:
    """Of the turns ``find_phrases`` would search, the window sounding most like any of
    ``phrases`` (for judging how sure a "not heard" is)."""
    candidates = [
        m
        for turn in turns
        if (speakers is None or turn.speaker in speakers)
        and (before is None or turn.start < before)
        for p in phrases
        if (m := closest_in_turn(turn, p)) is not None and (before is None or m.time < before)
    ]
    return max(candidates, key=lambda m: m.similarity, default=None)


def speech_clarity(
    turns: list[TranscriptTurn], speakers: set[str] | None = None, before: float | None = None
) -> float:
    """Mean posterior of every word ``find_phrases`` would search (1.0 without evidence):
    how sure the recogniser was of that speech as a whole."""
    posteriors = [
        p
        for turn in turns
        if (speakers is None or turn.speaker in speakers)
        and (before is None or turn.start < before)
        for p in turn.confidences
    ]
    return sum(posteriors) / len(posteriors) if posteriors else 1.0
