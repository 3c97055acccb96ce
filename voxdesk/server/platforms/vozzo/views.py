"""Stored recordings and use cases laid out as Vozzo's answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from voxdesk.contracts.vozzo import (
    Analytics,
    AnswerCounts,
    BucketCount,
    CallTypeCount,
    HistoryEntry,
    Recording,
    RecordingDetails,
    RecordingFile,
    RecordingState,
    SummaryCounts,
    SummaryDetails,
    TranscriptAnalytics,
    TranscriptTurn,
    Usecase,
)
from voxdesk.server.platforms.vozzo.recordings import StoredRecording


def recording(stored: StoredRecording) -> Recording:
    assert stored.state is not None
    return Recording(
        recording_uuid=stored.recording_uuid,
        usecase_uuid=stored.usecase_uuid,
        file_name=stored.file_name,
        state=stored.state,
        call_date=stored.day,
        call_type=stored.call_type,
        created_at=stored.created_at,
        duration_seconds=stored.duration_seconds,
        s3_key=stored.s3_key,
        metadata=stored.metadata,
    )


def details(
    stored: StoredRecording, history: list[tuple[RecordingState, datetime]]
) -> RecordingDetails:
    return RecordingDetails(
        **recording(stored).model_dump(),
        file=RecordingFile(
            name=stored.file_name, size=stored.file_size, content_type=stored.content_type
        ),
        history=[HistoryEntry(state=state, at=at) for state, at in history],
        error=stored.error if stored.state is RecordingState.FAILED else None,
    )


def transcript_analytics(
    stored: StoredRecording, transcript: Any, analytics: Any
) -> TranscriptAnalytics:
    assert stored.state is not None
    return TranscriptAnalytics(
        recording_uuid=stored.recording_uuid,
        state=stored.state,
        transcript=None
        if transcript is None
        else [TranscriptTurn.model_validate(turn) for turn in transcript],
        analytics=None if analytics is None else Analytics.model_validate(analytics),
    )


def summary_counts(counts: dict[RecordingState, int]) -> SummaryCounts:
    total = sum(counts.values())
    completed = counts[RecordingState.ANALYSIS_COMPLETED]
    return SummaryCounts(
        total_calls=total,
        completed=completed,
        failed=counts[RecordingState.FAILED],
        in_progress=counts[RecordingState.INITIATED]
        + counts[RecordingState.TRANSCRIPTION_COMPLETED],
        completion_percentage=round(100 * completed / total, 2) if total else 0.0,
    )


def summary_details(
    usecase: Usecase | None,
    buckets: dict[str | None, int],
    call_types: list[tuple[str | None, int]],
    answers: dict[tuple[str, str], int],
) -> SummaryDetails:
    """Every bucket and question of the use case in its own order (0 when unused), then
    any others the recordings were analysed with before the use case changed."""
    config = usecase.analysis_config if usecase is not None else None
    bucket_names = [b.objective_bucket_name for b in config.analysis_buckets] if config else []
    bucket_names += sorted(
        name for name in buckets if name is not None and name not in bucket_names
    )
    questions = list(config.analysis_questions) if config else []
    questions += sorted({q for q, _ in answers} - set(questions))
    return SummaryDetails(
        buckets=[BucketCount(name=name, count=buckets.get(name, 0)) for name in bucket_names],
        call_types=[CallTypeCount(call_type=kind, count=n) for kind, n in call_types],
        answers=[
            AnswerCounts(
                question=q,
                yes=answers.get((q, "Yes"), 0),
                no=answers.get((q, "No"), 0),
                not_clear=answers.get((q, "Not clear"), 0),
            )
            for q in dict.fromkeys(questions)
        ],
    )
