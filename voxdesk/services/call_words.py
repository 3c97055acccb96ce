"""Plain words for call facts that platforms spell as codes (``NoAnswer``, ``HangUp``),
shared by the desk and the command line so both say the same thing."""

from __future__ import annotations

from voxdesk.domain import Direction, Disposition

DISPOSITION_WORDS = {
    Disposition.QUEUED: "Queued",
    Disposition.RINGING: "Ringing",
    Disposition.IN_PROGRESS: "In progress",
    Disposition.COMPLETED: "Completed",
    Disposition.BUSY: "Busy",
    Disposition.NO_ANSWER: "No answer",
    Disposition.FAILED: "Failed",
}
DIRECTION_WORDS = {Direction.INBOUND: "Inbound", Direction.OUTBOUND: "Outbound"}
#: Why a call that never connected has no recording, transcript or survey.
NEVER_CONNECTED = {
    Disposition.BUSY: "the line was busy",
    Disposition.NO_ANSWER: "nobody answered",
    Disposition.FAILED: "the call failed to go through",
}
SURVEY_STATE_WORDS = {"Completed": "Completed", "Partial": "Partial", "NotStarted": "Not started"}
COMPLETION_REASON_WORDS = {
    "AllAnswered": "All questions answered",
    "HangUp": "The caller hung up",
    "Timeout": "The caller stopped answering (timed out)",
}


def disposition_text(disposition: Disposition | None) -> str | None:
    return DISPOSITION_WORDS[disposition] if disposition is not None else None


def direction_text(direction: Direction | None) -> str | None:
    return DIRECTION_WORDS[direction] if direction is not None else None


def never_connected(disposition: Disposition | None) -> str | None:
    """Why the call has nothing to play or read ("nobody answered"), or ``None`` for a
    call that connected (or whose platform does not say)."""
    return NEVER_CONNECTED.get(disposition) if disposition is not None else None


def no_recording_text(disposition: Disposition | None) -> str | None:
    """The player's sentence for a call that never connected or has not ended yet (a
    placed call, followed live), else ``None``."""
    if disposition is not None and not disposition.is_final:
        state = DISPOSITION_WORDS[disposition].lower()
        return f"This call is {state}: its recording can be played once the call has ended."
    reason = never_connected(disposition)
    if reason is None:
        return None
    return f"This call never connected ({reason}), so there is no recording to play."


def survey_state_text(state: str | None) -> str | None:
    return SURVEY_STATE_WORDS.get(state, state) if state else None


def completion_reason_text(reason: str | None) -> str | None:
    return COMPLETION_REASON_WORDS.get(reason, reason) if reason else None
