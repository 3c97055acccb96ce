"""Choosing a use case's bucket by its description.

A description is either a proposition about the call ("If user is interested in the
loan offer", "if user shows no interest") or a topic ("Billing: invoices, charges,
payments"). A proposition is answered like a question; a topic is matched by how many
of its words the call raises; a tentative one ("may be interested later") by the customer
hedging or deferring (``hedges``). The bucket with the strongest support wins, then the
later, then the one with more of its distinctive words said; a tie in all, or no
support, goes to the catch-all bucket ("Not clear", "Other", ...) when there is one,
else to no bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voxdesk.server.analysis.usecase_answers.answers import answer
from voxdesk.server.analysis.usecase_answers.cues import (
    PERSON_WORDS,
    CueGroup,
    Cues,
    read_question,
)
from voxdesk.server.analysis.usecase_answers.evidence import (
    OWN_WORDS,
    CallReading,
    group_hits,
    quote,
    role,
    stamp_of,
)
from voxdesk.server.analysis.usecase_answers.hedges import (
    hedge_subject,
    hedges,
    is_hedge_group,
    is_tentative,
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
    distinctive: tuple[str, ...] = ()  # its own description words the customer said


def is_catch_all(bucket: Bucket) -> bool:
    """A bucket for calls that fit no other: named or described as not clear / other."""
    if _CATCH_ALL_NAME.fullmatch(" ".join(words(bucket.name))):
        return True
    opening = bucket.description.lower().split(" that ")[0].split(" whether ")[0]
    return any(phrase in opening for phrase in _CATCH_ALL_DESCRIPTION)


def choose(call: CallReading, buckets: list[Bucket]) -> BucketChoice:
    catch_all = next((b for b in buckets if is_catch_all(b)), None)
    competing = [b for b in buckets if b is not catch_all]
    supported = [s for b in competing if (s := _support(call, b, competing)) is not None]
    # Equal support goes to the later evidence: a call's outcome is what it ends with
    # ("I want to cancel" ... "okay, I will stay then"); evidence at the same moment goes
    # to the bucket more of whose own words (not shared with another) the customer said.
    supported.sort(key=_rank, reverse=True)
    if supported and (len(supported) == 1 or _rank(supported[0]) != _rank(supported[1])):
        best = supported[0]
        reason = best.reason
        if len(supported) > 1 and _rank(supported[1])[:2] == _rank(best)[:2]:
            reason += (
                f' It fits "{supported[1].bucket.name}" as well, but the customer said '
                f"more of its own words ({', '.join(best.distinctive)})."
            )
        return BucketChoice(best.bucket.name, reason, best.evidence, best.timestamp)
    if supported:
        tied = [s for s in supported if _rank(s) == _rank(supported[0])]
        why = "The call fits " + " and ".join(f'"{s.bucket.name}"' for s in tied) + " equally."
    else:
        why = "The call supports none of the buckets' descriptions."
    if catch_all is not None:
        return BucketChoice(catch_all.name, f"{why} Chose the catch-all bucket.")
    return BucketChoice(None, why)


def _rank(support: _Support) -> tuple[float, float, int]:
    return (support.score, support.timestamp or 0.0, len(support.distinctive))


def _distinctive(bucket: Bucket, competing: list[Bucket]) -> tuple[CueGroup, ...]:
    """The bucket's description words that no competing bucket's description shares
    ("loan" in "interested in the loan offer" against "not interested in the offer").
    A tentative bucket's hedge words are left out: the hedge is already its support, so
    "yes, I am interested, I will read it later" fits Hot and Warm equally (no bucket)."""
    others = {
        phrase
        for b in competing
        if b is not bucket
        for g in read_question(_description(b)).groups
        for phrase in g.phrases
    }
    groups = read_question(_description(bucket)).groups
    return tuple(g for g in groups if not g.phrases & others and not is_hedge_group(g))


def _description(bucket: Bucket) -> str:
    return bucket.description.strip() or bucket.name


def _heard(call: CallReading, groups: tuple[CueGroup, ...]) -> tuple[str, ...]:
    """Which of ``groups`` the customer says somewhere in the call, as quoted words."""
    said = set()
    for index, tokens in enumerate(call.tokens):
        if call.answers(index):
            said.update(group_hits(tokens, groups))
    return tuple(f'"{g.word}"' for g in groups if g in said)


def _support(call: CallReading, bucket: Bucket, competing: list[Bucket]) -> _Support | None:
    description = _description(bucket)
    cues = read_question(description)
    own = _heard(call, _distinctive(bucket, competing))
    if is_tentative(bucket):
        others = [read_question(_description(b)) for b in competing if b is not bucket]
        return _hedge_support(call, bucket, description, hedge_subject(cues, others), own)
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
            own,
        )
    return _topic_support(call, bucket, cues, own)


def _hedge_support(
    call: CallReading,
    bucket: Bucket,
    description: str,
    subject: tuple[CueGroup, ...],
    own: tuple[str, ...],
) -> _Support | None:
    """A tentative bucket ("may be interested later") is supported by the customer
    hedging or deferring, as much as an answer in their own words; a flat answer does not
    support it (see ``hedges``)."""
    found = hedges(call, subject)
    if not found:
        return None
    last = found[-1]  # the call's outcome is what it ends with
    heard = ", ".join(f'"{h}"' for h in last.heard)
    return _Support(
        bucket,
        2.0 + OWN_WORDS,
        f'"{description}": the customer hedged or deferred — said {heard} at '
        f"{stamp_of(last.turn)}.",
        quote(last.turn, call.tokens[last.index], last.start),
        last.turn.start,
        own,
    )


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


def _topic_support(
    call: CallReading, bucket: Bucket, cues: Cues, own: tuple[str, ...]
) -> _Support | None:
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
        own,
    )
