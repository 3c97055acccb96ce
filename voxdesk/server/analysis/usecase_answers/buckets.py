"""Choosing a use case's bucket by its description.

A description is either a proposition about the call ("If user is interested in the
loan offer", "if user shows no interest") or a topic ("Billing: invoices, charges,
payments"). A proposition is answered like a question; a topic is matched by how many
of its words the call raises. The bucket with the strongest support wins; a tie, or no
support, goes to the catch-all bucket ("Not clear", "Other", ...) when there is one,
else to no bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voxdesk.server.analysis.usecase_answers.answers import answer
from voxdesk.server.analysis.usecase_answers.cues import PERSON_WORDS, Cues, read_question
from voxdesk.server.analysis.usecase_answers.evidence import (
    CallReading,
    group_hits,
    quote,
    role,
    stamp_of,
)
from voxdesk.server.analysis.usecase_answers.language import words
from voxdesk.server.analysis.usecase_answers.model import (
    AGENT,
    YES,
    Bucket,
    BucketChoice,
)

# A catch-all bucket's whole name ("Not Clear", "Other", "Unknown lead"), or what its
# description opens with ("if it is not clear that...", "anything else").
_CATCH_ALL_NAME = re.compile(
    r"(not clear|unclear|unknown|undetermined|other|others|misc|miscellaneous|none|"
    r"no category)( (lead|leads|bucket|category|calls?|cases?))?"
)
_CATCH_ALL_DESCRIPTION = ("not clear", "unclear", "cannot tell", "can't tell", "none of the",
                          "anything else", "everything else", "no other bucket")  # fmt: skip
#: A topic bucket needs this many of its words heard in one turn, or in the call in all.
MIN_TOPIC_WORDS = 2
#: A topic's words in a customer turn count this much more than in an agent turn: the
#: customer says why they call; the agent's script may mention every topic.
CUSTOMER_WEIGHT = 2.0


@dataclass(frozen=True)
class _Support:
    bucket: Bucket
    score: float
    reason: str
    evidence: str
    timestamp: float | None


def is_catch_all(bucket: Bucket) -> bool:
    """A bucket for calls that fit no other: named or described as not clear / other."""
    if _CATCH_ALL_NAME.fullmatch(" ".join(words(bucket.name))):
        return True
    opening = bucket.description.lower().split(" that ")[0].split(" whether ")[0]
    return any(phrase in opening for phrase in _CATCH_ALL_DESCRIPTION)


def choose(call: CallReading, buckets: list[Bucket]) -> BucketChoice:
    catch_all = next((b for b in buckets if is_catch_all(b)), None)
    supported = [s for b in buckets if b is not catch_all and (s := _support(call, b)) is not None]
    # Equal support goes to the later evidence: a call's outcome is what it ends with
    # ("I want to cancel" ... "okay, I will stay then").
    supported.sort(key=lambda s: (s.score, s.timestamp or 0.0), reverse=True)
    if supported and (
        len(supported) == 1
        or (supported[0].score, supported[0].timestamp)
        != (supported[1].score, supported[1].timestamp)
    ):
        best = supported[0]
        return BucketChoice(best.bucket.name, best.reason, best.evidence, best.timestamp)
    if supported:
        tied = [s for s in supported if s.score == supported[0].score]
        why = "The call fits " + " and ".join(f'"{s.bucket.name}"' for s in tied) + " equally."
    else:
        why = "The call supports none of the buckets' descriptions."
    if catch_all is not None:
        return BucketChoice(catch_all.name, f"{why} Chose the catch-all bucket.")
    return BucketChoice(None, why)


def _support(call: CallReading, bucket: Bucket) -> _Support | None:
    description = bucket.description.strip() or bucket.name
    cues = read_question(description)
    if _is_proposition(description):
        decision = answer(call, cues)
        found = decision.answer
        if found.answer != YES:
            return None
        # Answered in the customer's own words beats a bare yes.
        return _Support(
            bucket,
            2.0 + decision.level,
            f'"{description}": yes — {found.reason}',
            found.evidence,
            found.timestamp,
        )
    return _topic_support(call, bucket, cues)


def _is_proposition(description: str) -> bool:
    """A description that states something about someone on the call ("The customer
    cancels anyway", a stance, a negation) rather than listing a topic."""
    said = words(description)
    cues = read_question(description)
    return (
        cues.stance is not None
        or cues.flipped
        or (bool(said) and said[0] in ("if", "when"))
        or any(w in PERSON_WORDS for w in said)
    )


def _topic_support(call: CallReading, bucket: Bucket, cues: Cues) -> _Support | None:
    best: tuple[float, int] | None = None
    total = 0.0
    for index, (turn, said) in enumerate(zip(call.turns, call.tokens, strict=True)):
        hits = group_hits(said, cues.groups)
        weight = 1.0 if role(turn) == AGENT else CUSTOMER_WEIGHT
        score = weight * len(hits)
        total += score
        if hits and (best is None or score > best[0]):
            best = (score, index)
    if best is None or total < MIN_TOPIC_WORDS:
        return None
    turn, said = call.turns[best[1]], call.tokens[best[1]]
    first = min(i for hits in group_hits(said, cues.groups).values() for i in hits)
    heard = ", ".join(f'"{g.word}"' for g in group_hits(said, cues.groups))
    return _Support(
        bucket,
        min(2.0, total / 10.0),  # below any answered proposition
        f"The call is about {heard} ({bucket.description or bucket.name}), "
        f"most clearly at {stamp_of(turn)}.",
        quote(turn, said, first),
        turn.start,
    )
