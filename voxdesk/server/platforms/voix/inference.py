"""What VOIX infers from a transcript when the sender did not say: the call's direction
and the agent who handled it.

Both read only what the agent says in the first ``OPENING_SECONDS`` of the call (the
agent's channel; every turn of a mono recording), matched by sound with the analysis
engine's tolerant phrase matcher, since the recogniser often gets names and phrases
nearly right ("my name is linda" for Lena).

* **Direction** (``outgoing``): an inbound opening ("thank you for calling", "welcome
  to", "how can I help you") means ``false``; an outbound one ("calling from", "calling
  about", "I am calling") means ``true``; the closer-sounding cue wins. With neither,
  a call whose customer spoke first is outgoing (the callee answers "hello?");
  otherwise the direction stays unknown (``null``).
* **Agent** (``userId``): a self-introduction — "my name is N", "this is N", "N
  speaking" — where N is a member's first name from the team's local list
  (``members``); the closest-sounding member wins, and none is named when two members
  sound equally close.
"""

from __future__ import annotations

from voxdesk.server.analysis.matching import find_in_turn
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.platforms.voix.members import TeamMember

OPENING_SECONDS = 30.0
INBOUND_CUES = ("thank you for calling", "thanks for calling", "welcome to", "how can i help you")
OUTBOUND_CUES = ("calling from", "calling about", "i am calling", "i'm calling you")
INTRODUCTIONS = ("my name is {name}", "this is {name}", "{name} speaking")


def _opening_agent_turns(turns: list[TranscriptTurn]) -> list[TranscriptTurn]:
    return [t for t in turns if t.speaker != "customer" and t.start < OPENING_SECONDS]


def _best(turns: list[TranscriptTurn], phrases: list[str]) -> float:
    """The best similarity of any phrase in any turn (0 when none is close enough)."""
    scores = [
        match.similarity
        for turn in turns
        for phrase in phrases
        if (match := find_in_turn(turn, phrase)) is not None
    ]
    return max(scores, default=0.0)


def infer_outgoing(turns: list[TranscriptTurn]) -> bool | None:
    opening = _opening_agent_turns(turns)
    inbound = _best(opening, list(INBOUND_CUES))
    outbound = _best(opening, list(OUTBOUND_CUES))
    if inbound or outbound:
        if inbound != outbound:
            return outbound > inbound
        return None
    if turns and turns[0].speaker == "customer":
        return True
    return None


def attribute_agent(turns: list[TranscriptTurn], members: list[TeamMember]) -> str | None:
    """The user id of the member who introduced themselves, if exactly one did best."""
    opening = _opening_agent_turns(turns)
    scored = [
        (_best(opening, [p.format(name=m.first_name) for p in INTRODUCTIONS]), m) for m in members
    ]
    scored = sorted((s for s in scored if s[0] > 0), key=lambda s: s[0], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1].user_id
