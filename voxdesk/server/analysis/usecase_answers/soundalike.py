"""Whether recognised speech holds something that *sounds* like a cue word.

"Did the customer ask for a refund?" is answered No when no customer turn mentions a
refund. On recognised speech that absence may be a mishearing: "I want a refund" came
out as "highlander it fun". So before an absence becomes a No, the subject's heard words
are compared in sound with the cue words; a close miss makes the answer Not clear.

Sound is compared as in ``matching``: phoneme strings from the recogniser's own CMU
dictionary (read once per process), normalised Indel similarity over windows of heard
words. Only used for turns that came from the recogniser (they carry confidences):
typed text means what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Indel

from voxdesk.server.analysis.lexicon import cmu_dictionary

#: Heard words at least this alike in sound to a cue word (0-1) may be that word misheard.
SOUNDALIKE = 0.7
#: Cue words with fewer phonemes are not compared: any short word sounds like another.
MIN_PHONES = 5


@dataclass(frozen=True)
class CloseMiss:
    heard: str
    cue: str
    similarity: float


@cache
def _sound(word: str) -> str | None:
    """One character per phoneme (the phones' own names joined would let "AH"+"N" equal
    "A"+"HN"), or None for a word the dictionary lacks."""
    phones = cmu_dictionary().get(word)
    if phones is None:
        return None
    return "".join(chr(0xE000 + _PHONE_INDEX.setdefault(p, len(_PHONE_INDEX))) for p in phones)


_PHONE_INDEX: dict[str, int] = {}


def _phrase_sound(phrase: str) -> str | None:
    sounds = [_sound(w) for w in phrase.split()]
    return None if any(s is None for s in sounds) else "".join(sounds)  # type: ignore[arg-type]


def closest_miss(heard: list[str], cues: list[str]) -> CloseMiss | None:
    """The window of ``heard`` words sounding most like one of ``cues`` (words or
    phrases), when at least ``SOUNDALIKE`` alike."""
    best: CloseMiss | None = None
    sounds = [_sound(w) or "" for w in heard]
    for cue in cues:
        target = _phrase_sound(cue)
        if target is None or len(target) < MIN_PHONES:
            continue
        longest = len(target) * 1.5 + 2
        for first in range(len(sounds)):
            window = ""
            for last in range(first, len(sounds)):
                window += sounds[last]
                if len(window) > longest:
                    break
                score = Indel.normalized_similarity(target, window)
                if score >= SOUNDALIKE and (best is None or score > best.similarity):
                    best = CloseMiss(" ".join(heard[first : last + 1]), cue, score)
    return best
