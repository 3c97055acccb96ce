"""Provider-neutral models (no I/O, no Qt)."""

from voxdesk.domain.models import (
    Analysis,
    Call,
    CallStatus,
    Category,
    Criterion,
    CriterionResult,
    Extraction,
    Member,
    NewCall,
    Recording,
    Section,
    Speaker,
    SurveyResponse,
    SurveyResult,
    TranscriptTurn,
    UploadTarget,
)

__all__ = [
    "Analysis",
    "Call",
    "CallStatus",
    "Category",
    "Criterion",
    "CriterionResult",
    "Extraction",
    "Member",
    "NewCall",
    "Recording",
    "Section",
    "Speaker",
    "SurveyResponse",
    "SurveyResult",
    "TranscriptTurn",
    "UploadTarget",
]
