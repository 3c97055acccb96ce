"""How far the recogniser's evidence supports a verdict, and when to say "check by ear".

Every non-N/A criterion result carries a confidence from 0 to 1; below
``UNCERTAIN_BELOW`` it is marked uncertain with the reason (a local extension of Voxxi's
analysis: ``confidence``, ``uncertain``, ``uncertainReason`` on each criterion). The
evidence is:

Phrase heard (a ``said`` Yes, a ``not_said`` No)
    ``margin + (1 - margin) * posterior``, where ``margin`` is how far the match's sound
    similarity clears the match threshold (0 at the threshold, 1 for an exact match) and
    ``posterior`` is the recogniser's mean posterior probability of the matched words. An
    exact match is certain; a barely-passing match of words the recogniser was unsure of
    is not.
Phrase not heard (a ``said`` No, a ``not_said`` Yes)
    The same formula over the closest miss: ``margin`` is how far its similarity falls
    short of the threshold (1 at ``NEAR_MISS_FLOOR`` or below). Something almost like the
    phrase, in words the recogniser was unsure of: the phrase may have been said and
    misheard. And no higher than ``clarity / CLEAR_SPEECH``, where ``clarity`` is the
    mean posterior of every word heard in the speech searched: when the recogniser was
    unsure of nearly everything (noise, a narrowband line), not hearing the phrase says
    little. Measured: ~0.75 on clean 16 kHz calls, ~0.2 on telephone-band ones.
Measured limits (silence, talk share)
    ``|value - limit| / (LIMIT_MARGIN * limit)``, capped at 1: a value within a tenth of
    the limit could tip either way with a slightly different speech detection.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.analysis.matching import (
    MATCH_THRESHOLD,
    MIN_FUZZY_PHONES,
    Match,
    phrase_phonemes,
)

#: Results with a confidence below this are marked uncertain. bench_analysis.py prints
#: the accuracy of the results on each side of it, per recording condition (README).
UNCERTAIN_BELOW = 0.5
#: A closest miss this unlike the phrase (or less) is no evidence the phrase was said.
NEAR_MISS_FLOOR = 0.5
#: Mean word posterior of speech the recogniser hears well (clean calls measure ~0.75).
CLEAR_SPEECH = 0.6
#: Measured values within this fraction of their limit are uncertain.
LIMIT_MARGIN = 0.1


@dataclass(frozen=True)
class Confidence:
    value: float
    reason: str | None = None  # why it is low, when it is

    @property
    def uncertain(self) -> bool:
        return self.value < UNCERTAIN_BELOW


def _threshold(phrase: str) -> float:
    return 1.0 if len(phrase_phonemes(phrase)) < MIN_FUZZY_PHONES else MATCH_THRESHOLD


def _blend(margin: float, posterior: float) -> float:
    margin = min(1.0, max(0.0, margin))
    return round(margin + (1.0 - margin) * posterior, 3)


def heard(match: Match) -> Confidence:
    """Confidence that ``match`` really is the phrase being said."""
    threshold = _threshold(match.phrase)
    margin = 1.0 if threshold >= 1.0 else (match.similarity - threshold) / (1.0 - threshold)
    value = _blend(margin, match.confidence)
    reason = (
        f'Heard "{match.heard}" ({match.similarity:.0%} alike in sound to "{match.phrase}"), '
        f"and the recogniser was only {match.confidence:.0%} sure of those words."
    )
    return Confidence(value, reason if value < UNCERTAIN_BELOW else None)


def not_heard(closest: Match | None, clarity: float = 1.0) -> Confidence:
    """Confidence that none of the phrases was said, from the closest miss and the
    ``clarity`` of the speech searched (mean word posterior)."""
    unclear = round(min(1.0, clarity / CLEAR_SPEECH), 3)
    unclear_reason = (
        f"The recogniser was only {clarity:.0%} sure, on average, of the words it heard in "
        "this speech (noisy or telephone-band audio?): the phrase may have been said and "
        "not recognised."
    )
    if closest is None:
        return Confidence(unclear, unclear_reason if unclear < UNCERTAIN_BELOW else None)
    threshold = _threshold(closest.phrase)
    margin = (threshold - closest.similarity) / (threshold - NEAR_MISS_FLOOR)
    value = _blend(margin, closest.confidence)
    if unclear < value:
        return Confidence(unclear, unclear_reason if unclear < UNCERTAIN_BELOW else None)
    reason = (
        f'The closest speech was "{closest.heard}" ({closest.similarity:.0%} alike in sound '
        f'to "{closest.phrase}"), and the recogniser was only {closest.confidence:.0%} sure '
        "of those words: the phrase may have been said and misheard."
    )
    return Confidence(value, reason if value < UNCERTAIN_BELOW else None)


def near_limit(value: float, limit: float, what: str) -> Confidence:
    """Confidence in a measured ``value`` compared with ``limit``; ``what`` names both
    as the rationale does ("longest silence 19.6 s, limit 20 s")."""
    confidence = round(min(1.0, abs(value - limit) / (LIMIT_MARGIN * limit)), 3)
    reason = (
        f"The {what}: within {LIMIT_MARGIN:.0%} of the limit, so slightly different "
        "speech detection could tip it."
    )
    return Confidence(confidence, reason if confidence < UNCERTAIN_BELOW else None)
