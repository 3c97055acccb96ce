"""Vozzo's recordings in the neutral domain: a recording is a ``Call`` whose id is its
organization, use case and recording ids (``CallRef``), its state the analysis status,
its answers a scorecard section (and ``Analysis.answers``), its bucket the outcome.

A question's answer becomes a criterion whose rationale ends in ``[MM:SS]``, the moment
its evidence was said, so the desk's scorecard panel shows it as a link that plays from
there. "Not clear" is an unknown result, never a Yes or a No.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from voxdesk.contracts import vozzo as wire
from voxdesk.domain import (
    Analysis,
    Call,
    CallRef,
    CallStatus,
    Classification,
    Criterion,
    CriterionResult,
    Grouping,
    GroupingKind,
    QuestionAnswer,
    Section,
    Speaker,
    TranscriptTurn,
    TranscriptWord,
)
from voxdesk.domain.timeline import stamp

PLATFORM = "vozzo"
#: The metadata key that carries the client's upload id (see ``VozzoProvider``).
UPLOAD_MARKER = "voxdesk_upload_id"
#: The section the use case's questions are shown under.
QUESTIONS_SECTION = "Use-case questions"

STATUS_OF_STATE = {
    wire.RecordingState.INITIATED: CallStatus.PENDING,
    wire.RecordingState.TRANSCRIPTION_COMPLETED: CallStatus.PROCESSING,
    wire.RecordingState.ANALYSIS_COMPLETED: CallStatus.COMPLETED,
    wire.RecordingState.FAILED: CallStatus.FAILED,
}
STATE_OF_STATUS = {status: state for state, status in STATUS_OF_STATE.items()}
_RESULTS = {
    wire.Answer.YES: CriterionResult.YES,
    wire.Answer.NO: CriterionResult.NO,
    wire.Answer.NOT_CLEAR: CriterionResult.NOT_CLEAR,
}


def recording_ref(org_uuid: str, usecase_uuid: str | None, recording_uuid: str) -> CallRef:
    """A recording's reference; a recording whose use case was deleted keeps ``-``."""
    return CallRef(platform=PLATFORM, parts=(org_uuid, usecase_uuid or "-", recording_uuid))


def split_ref(call_id: str) -> tuple[str, str | None, str]:
    """``(org_uuid, usecase_uuid, recording_uuid)`` of a ``Call.id``."""
    ref = CallRef.from_key(PLATFORM, call_id)
    if len(ref.parts) != 3:
        raise ValueError(f"{call_id!r} is not a Vozzo recording reference (org/use case/id)")
    org, usecase, recording = ref.parts
    return org, None if usecase == "-" else usecase, recording


def _call_date(recording: wire.Recording) -> datetime:
    if recording.call_date:
        return datetime.combine(date.fromisoformat(recording.call_date), time(), UTC)
    return recording.created_at


def map_answer(answer: wire.QuestionAnswer) -> QuestionAnswer:
    return QuestionAnswer(
        question=answer.question,
        answer=answer.answer.value,
        rationale=answer.evidence,
        evidence=answer.evidence,
        time=answer.timestamp,
    )


def answer_criterion(index: int, answer: wire.QuestionAnswer) -> Criterion:
    if answer.evidence and answer.timestamp is not None:
        # The evidence as the platform quotes it (the local server names the speaker and
        # quotes the words itself), then the moment, as a link.
        rationale = f"{answer.evidence} {stamp(answer.timestamp)}"
    else:
        rationale = answer.evidence or "The platform quoted no words for this answer."
    if answer.reason:
        rationale = f"{rationale}\n{answer.reason}"
    not_clear = answer.answer is wire.Answer.NOT_CLEAR
    return Criterion(
        id=f"q{index + 1}",
        question=answer.question,
        result=_RESULTS[answer.answer],
        rationale=rationale,
        confidence=answer.confidence,
        uncertain=not_clear,
        uncertain_reason=(answer.reason or "The evidence was too weak to answer.")
        if not_clear
        else None,
    )


def _bucket_rationale(bucket: wire.BucketChoice) -> str:
    if bucket.evidence and bucket.timestamp is not None:
        return f"{bucket.reason} {bucket.evidence} {stamp(bucket.timestamp)}"
    return bucket.reason


def map_analytics(analytics: wire.Analytics) -> Analysis:
    name = analytics.bucket.name if analytics.bucket is not None else None
    bucket = analytics.bucket if name else None
    answers = analytics.answers
    return Analysis(
        outcome_label=name,
        outcome_rationale=_bucket_rationale(bucket) if bucket else None,
        answers=tuple(map_answer(a) for a in answers),
        classification=Classification(label=name, rationale=bucket.reason)
        if name and bucket
        else None,
        sections=(
            Section(
                id="questions",
                name=QUESTIONS_SECTION,
                criteria=tuple(answer_criterion(i, a) for i, a in enumerate(answers)),
            ),
        )
        if answers
        else (),
    )


def map_turn(turn: wire.TranscriptTurn) -> TranscriptTurn:
    return TranscriptTurn(
        speaker=Speaker.parse(turn.speaker),
        start=turn.start,
        end=turn.end,
        text=turn.text,
        confidence=turn.confidence,
        words=tuple(
            TranscriptWord(text=w.word, start=w.start, end=w.end, confidence=w.confidence)
            for w in turn.words
        ),
    )


def map_recording(
    org_uuid: str,
    recording: wire.Recording,
    details: wire.RecordingDetails | None = None,
    analytics: wire.TranscriptAnalytics | None = None,
    usecase_name: str | None = None,
) -> Call:
    """One recording as a call; ``details`` and ``analytics`` add what the list lacks."""
    metadata = dict(details.metadata) if details is not None else {}
    udfs = {
        key: value
        for key, value in metadata.items()
        if key not in (UPLOAD_MARKER, "usecase_uuid", "call_date") and value is not None
    }
    transcript = analytics.transcript if analytics is not None else None
    scored = analytics.analytics if analytics is not None else None
    return Call(
        id=recording_ref(org_uuid, recording.usecase_uuid, recording.recording_uuid).key,
        status=STATUS_OF_STATE[recording.state],
        error=details.error if details is not None else None,
        date=_call_date(recording),
        duration=recording.duration_seconds,
        summary=scored.summary or None if scored is not None else None,
        udfs={**udfs, "file": recording.file_name},
        created_at=recording.created_at,
        analysis=map_analytics(scored) if scored is not None else None,
        transcript=tuple(map_turn(t) for t in transcript) if transcript else None,
        grouping=Grouping(kind=GroupingKind.USE_CASE, id=recording.usecase_uuid, name=usecase_name)
        if recording.usecase_uuid
        else None,
    )
