"""Provider-neutral models (no I/O, no Qt), one module per subject, all exported here."""

from voxdesk.domain.analysis import (
    Analysis,
    AnalysisStatus,
    CallStatus,
    Classification,
    Criterion,
    CriterionResult,
    Extraction,
    QuestionAnswer,
    Section,
    SurveyResponse,
    SurveyResult,
)
from voxdesk.domain.calls import (
    AgentKind,
    Call,
    CallRef,
    Direction,
    Disposition,
    Member,
    Recording,
)
from voxdesk.domain.grouping import Category, Grouping, GroupingKind
from voxdesk.domain.phone import PhoneNumber, e164_or_none, parse_e164
from voxdesk.domain.submissions import (
    IngestEvent,
    NewCall,
    OutboundCallRequest,
    RecordingSubmission,
    UploadTarget,
)
from voxdesk.domain.transcript import (
    Speaker,
    TranscriptTurn,
    TranscriptWord,
    with_estimated_ends,
)

__all__ = [
    "AgentKind",
    "Analysis",
    "AnalysisStatus",
    "Call",
    "CallRef",
    "CallStatus",
    "Category",
    "Classification",
    "Criterion",
    "CriterionResult",
    "Direction",
    "Disposition",
    "Extraction",
    "Grouping",
    "GroupingKind",
    "IngestEvent",
    "Member",
    "NewCall",
    "OutboundCallRequest",
    "PhoneNumber",
    "QuestionAnswer",
    "Recording",
    "RecordingSubmission",
    "Section",
    "Speaker",
    "SurveyResponse",
    "SurveyResult",
    "TranscriptTurn",
    "TranscriptWord",
    "UploadTarget",
    "e164_or_none",
    "parse_e164",
    "with_estimated_ends",
]
