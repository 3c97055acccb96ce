"""A pronunciation for every word a scorecard or an agent script uses.

The recogniser can only ever produce words in its dictionary (pocketsphinx's CMU
dictionary), and real scorecards name companies, products and people it lacks: without
a pronunciation "thank you for calling Zentrix" can never be heard, and that criterion
would be No on every call. So each word is looked up, in this order:

1. the CMU dictionary;
2. as a compound of two or three dictionary words ("brightline" = bright + line), each
   at least ``MIN_COMPOUND_PART`` letters so that junk short entries do not glue any
   string together;
3. letter-to-sound by Debian's ``espeak-ng`` (American English), whose IPA is mapped to
   the CMU phone set the acoustic model uses.

A word with no letters to sound out (digits, another script) cannot be pronounced; the
scorecard naming it is refused with the word named. Guessed words are added to the
decoder's dictionary and language model (``asr.prepare``) before a call is recognised.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pocketsphinx import get_model_path

log = logging.getLogger(__name__)

DICTIONARY = "dictionary"
MIN_COMPOUND_PART = 3
MAX_COMPOUND_PARTS = 3
ESPEAK_TIMEOUT_SECONDS = 10

# Phrase text is cut into words at spaces, hyphens and sentence punctuation.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015,.;:!?\"()\[\]/&+]+")
_SPELLABLE = re.compile(r"[a-z]+(?:'[a-z]+)*")

# espeak-ng's American IPA -> CMU phones, longest symbols first. Stress and length marks
# are dropped first; ʔ (a glottal stop for /t/ in "button") becomes T, the syllabic n̩
# and l̩ get the schwa CMU writes (B AH T AH N).
_IPA_TO_CMU = sorted(
    {
        "aɪɚ": "AY ER", "aʊɚ": "AW ER", "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW",
        "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH", "ɜːɹ": "ER", "ɜɹ": "ER", "ɜ": "ER", "ɚ": "ER",
        "ɝ": "ER", "n̩": "AH N", "l̩": "AH L", "m̩": "AH M", "iə": "IY AH", "eə": "EH R",
        "ʊə": "UH R", "ɪə": "IH R", "æ": "AE", "ɑ": "AA", "ɒ": "AA", "ɔ": "AO", "ʌ": "AH",
        "ə": "AH", "ɐ": "AH", "ɛ": "EH", "e": "EH", "ɪ": "IH", "ᵻ": "IH", "i": "IY",
        "ʊ": "UH", "u": "UW", "o": "OW", "a": "AA", "b": "B", "d": "D", "f": "F", "ɡ": "G",
        "g": "G", "h": "HH", "j": "Y", "k": "K", "l": "L", "ɫ": "L", "m": "M", "n": "N",
        "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "ɾ": "T", "ʔ": "T", "s": "S", "ʃ": "SH",
        "t": "T", "θ": "TH", "ð": "DH", "v": "V", "w": "W", "z": "Z", "ʒ": "ZH", "x": "K",
        "ç": "HH",
    }.items(),
    key=lambda item: -len(item[0]),
)  # fmt: skip
_IPA_DROPPED = "ˈˌːˑ‿.-_ \u0361"


class PronunciationError(Exception):
    """A word that cannot be pronounced; the message names it and says why."""

    def __init__(self, word: str, reason: str, phrase: str | None = None) -> None:
        where = f' in "{phrase}"' if phrase and phrase != word else ""
        super().__init__(f'"{word}"{where} cannot be pronounced: {reason}')
        self.word = word
        self.reason = reason


@dataclass(frozen=True)
class Pronunciation:
    """``phones`` in the CMU set; ``how`` says where they came from (``DICTIONARY``, or
    how they were guessed, for the load-time log)."""

    word: str
    phones: tuple[str, ...]
    how: str

    @property
    def guessed(self) -> bool:
        return self.how != DICTIONARY


@cache
def cmu_dictionary() -> dict[str, tuple[str, ...]]:
    """Word -> phones of its first pronunciation, from the model's own dictionary."""
    table: dict[str, tuple[str, ...]] = {}
    with open(get_model_path("en-us/cmudict-en-us.dict"), encoding="utf-8") as handle:
        for line in handle:
            word, _, phones = line.partition(" ")
            if "(" not in word:
                table[word] = tuple(phones.split())
    return table


def fold(text: str) -> str:
    """Lower case with accents removed ("Zürich" -> "zurich"), as the dictionary spells."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def phrase_words(phrase: str) -> list[str]:
    """The words of ``phrase`` as the recogniser would spell them.

    Raises ``PronunciationError`` for a word with nothing to sound out (digits, another
    script): the recogniser only produces spelled-out words, so it could never match.
    """
    words = []
    for token in _SEPARATORS.split(fold(phrase)):
        token = token.strip("'")
        if not token:
            continue
        if not _SPELLABLE.fullmatch(token):
            hint = " (write numbers as words)" if any(c.isdigit() for c in token) else ""
            raise PronunciationError(token, f"it has characters other than letters{hint}")
        words.append(token)
    return words


@cache
def pronounce(word: str) -> Pronunciation:
    """The word's pronunciation: dictionary, compound, or letter-to-sound (see module)."""
    table = cmu_dictionary()
    if word in table:
        return Pronunciation(word, table[word], DICTIONARY)
    parts = _split_compound(word.replace("'", ""))
    if parts:
        phones = tuple(p for part in parts for p in table[part])
        return Pronunciation(word, phones, f"compound of {' + '.join(parts)}")
    return Pronunciation(word, _letter_to_sound(word), "letter-to-sound (espeak-ng)")


def _split_compound(word: str) -> list[str] | None:
    """``word`` as the fewest dictionary words (2 to ``MAX_COMPOUND_PARTS``), or None."""
    table = cmu_dictionary()
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(MIN_COMPOUND_PART, len(word) + 1):
        for start in range(0, end - MIN_COMPOUND_PART + 1):
            before = best[start]
            piece = word[start:end]
            if before is None or piece not in table:
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = [*before, piece]
    parts = best[len(word)]
    if parts is None or not 2 <= len(parts) <= MAX_COMPOUND_PARTS:
        return None
    return parts


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _letter_to_sound(word: str) -> tuple[str, ...]:
    if not espeak_available():
        raise PronunciationError(
            word,
            "it is not in the dictionary and espeak-ng, which guesses pronunciations, is "
            "not installed (Debian/Ubuntu: apt-get install espeak-ng)",
        )
    try:
        done = subprocess.run(
            ["espeak-ng", "-q", "--ipa", "-v", "en-us", word],
            capture_output=True,
            text=True,
            check=True,
            timeout=ESPEAK_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise PronunciationError(word, f"espeak-ng failed ({exc})") from exc
    phones = ipa_to_cmu(done.stdout)
    if not phones:
        raise PronunciationError(word, "espeak-ng gave no sounds for it")
    return phones


def ipa_to_cmu(ipa: str) -> tuple[str, ...]:
    """CMU phones for espeak-ng's IPA; symbols with no English counterpart are skipped."""
    text = "".join(c for c in ipa.strip() if c not in _IPA_DROPPED)
    phones: list[str] = []
    position = 0
    while position < len(text):
        for symbol, cmu in _IPA_TO_CMU:
            if text.startswith(symbol, position):
                phones.extend(cmu.split())
                position += len(symbol)
                break
        else:
            position += 1
    return tuple(phones)


def pronounce_phrases(
    phrases: Iterable[str], origin: str | None = None
) -> dict[str, Pronunciation]:
    """Every word of ``phrases`` pronounced; with ``origin`` (the scorecard or script the
    phrases come from, at load) each guessed word is logged. Raises ``PronunciationError``
    naming the first word that cannot be pronounced, and the phrase it is in."""
    found: dict[str, Pronunciation] = {}
    for phrase in phrases:
        try:
            for word in phrase_words(phrase):
                found[word] = pronounce(word)
        except PronunciationError as exc:
            raise PronunciationError(exc.word, exc.reason, phrase) from exc
    for guess in (p for p in found.values() if p.guessed and origin):
        log.info("%s: %r guessed by %s: %s", origin, guess.word, guess.how, " ".join(guess.phones))
    return found
