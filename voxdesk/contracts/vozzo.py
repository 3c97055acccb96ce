"""Vozzo's wire bodies (``shared/api-contracts/vozzo-callintel.txt``), shared by the local
server and the provider.

The contract gives the requests but no response bodies: the answers below are the local
server's, documented in README ("Vozzo"). Field names are snake_case on the wire, as in
the contract's requests, so there are no aliases. Parsing ignores fields it does not
know; a use case's ``analysis_config`` and an upload's ``metadata`` keep unknown keys
(hints per question, a client's reconciliation marker) and give them back unchanged.

Every refusal is the server-wide body ``{"error": {"code", "message"}}`` with the
contract's messages where it names one (``INVALID_TOKEN``, ``INVALID_DATE``,
``METADATA_NOT_JSON_STRING``).

Local extension: ``GET /v1alpha/callintel/organization`` (``Organization``), and on a
transcript turn its ``words`` with their own confidence.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from voxdesk.contracts._base import utc_to_second

API_PREFIX = "/v1alpha/callintel"
ORGANIZATION_PATH = f"{API_PREFIX}/organization"
USECASE_PATH = f"{API_PREFIX}/usecase"
ORG_USECASES_PATH = f"{API_PREFIX}/org-usecases"
RECORDINGS_PATH = f"{ORG_USECASES_PATH}/recordings"
DETAILS_PATH = f"{ORG_USECASES_PATH}/get-recording-details"
TRANSCRIPT_ANALYTICS_PATH = f"{ORG_USECASES_PATH}/recording/transcript-analytics"
SUMMARY_COUNTS_PATH = f"{ORG_USECASES_PATH}/analytics/summary-counts"
SUMMARY_DETAILS_PATH = f"{ORG_USECASES_PATH}/analytics/summary-details"
AUDIO_URL_PATH = f"{ORG_USECASES_PATH}/recording/get-audio-presigned-url"

#: The contract's limit on one recording: 100 MB.
MAX_FILE_SIZE = 104_857_600
#: How long an upload link may be used (once).
UPLOAD_LINK_SECONDS = 15 * 60
DEFAULT_PAGE = 1
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
#: Far past any real list; keeps the row offset inside SQLite's integers.
MAX_PAGE = 10_000_000
DEFAULT_CLIENT_NAME = "local"
DEFAULT_PROFILE = "default"

#: The audio types an upload may declare (the contract's WAV, MP3, OGG, WebM and their
#: common spellings, plus the other audio the local pipeline decodes).
AUDIO_CONTENT_TYPES = frozenset(
    {
        "audio/wav",
        "audio/x-wav",
        "audio/wave",
        "audio/vnd.wave",
        "audio/mp3",
        "audio/mpeg",
        "audio/ogg",
        "audio/opus",
        "audio/webm",
        "audio/flac",
        "audio/x-flac",
        "audio/mp4",
        "audio/m4a",
        "audio/x-m4a",
        "audio/aac",
    }
)

# The contract's own error messages.
INVALID_TOKEN = "Invalid or expired authentication token"
INVALID_DATE = "Invalid date format"
METADATA_NOT_JSON_STRING = "Metadata must be a valid JSON string"

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class AuthForm(StrEnum):
    """The three ways the contract writes the same key in ``Authorization``."""

    PLAIN = "plain"  # Authorization: <key>
    BEARER = "bearer"  # Authorization: Bearer <key>
    TOKEN = "token"  # Authorization: Token <key>


def authorization_header(key: str, form: AuthForm = AuthForm.TOKEN) -> str:
    """The ``Authorization`` value that sends ``key`` in ``form``."""
    if form is AuthForm.BEARER:
        return f"Bearer {key}"
    if form is AuthForm.TOKEN:
        return f"Token {key}"
    return key


def parse_day(value: str) -> date:
    """A ``YYYY-MM-DD`` day; ``ValueError(INVALID_DATE)`` for anything else (other
    spellings ``date.fromisoformat`` would take, like ``20251204``, included)."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError(INVALID_DATE)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(INVALID_DATE) from None


def _day_or_none(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    return parse_day(value).isoformat()


class RecordingState(StrEnum):
    """A recording's processing state, exactly the contract's four."""

    INITIATED = "INITIATED"
    TRANSCRIPTION_COMPLETED = "TRANSCRIPTION_COMPLETED"
    ANALYSIS_COMPLETED = "ANALYSIS_COMPLETED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in (RecordingState.ANALYSIS_COMPLETED, RecordingState.FAILED)


class Answer(StrEnum):
    """The local engine's answer to one of a use case's questions."""

    YES = "Yes"
    NO = "No"
    NOT_CLEAR = "Not clear"


class VozzoWire(BaseModel):
    """A frozen wire body; snake_case names are the wire names."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    def dump(self) -> dict[str, Any]:
        """The JSON-ready body."""
        return self.model_dump(mode="json")


class OpenWire(VozzoWire):
    """A body whose unknown keys are kept and given back (free-form parts)."""

    model_config = ConfigDict(extra="allow", frozen=True)


# --- errors -----------------------------------------------------------------------------


class ErrorDetail(VozzoWire):
    code: str
    message: str


class ErrorBody(VozzoWire):
    """Every refusal: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


# --- organization (local extension) -----------------------------------------------------


class Organization(VozzoWire):
    """``GET /v1alpha/callintel/organization``: the data dir's one organization and the
    profiles uploads have used (``default`` always among them)."""

    org_uuid: str
    client_name: str
    profiles: list[str]


# --- use cases ----------------------------------------------------------------------------


class AnalysisBucket(OpenWire):
    """One classification bucket: a recording goes to the bucket its description fits."""

    objective_bucket_name: str
    description: str = ""


class AnalysisConfig(OpenWire):
    """What the engine answers for each recording; unknown keys are kept."""

    analysis_questions: list[str] = Field(default_factory=list)
    analysis_buckets: list[AnalysisBucket] = Field(default_factory=list)


class UsecaseCreate(VozzoWire):
    """The body of ``POST /usecase``; ``usecase_name`` is required."""

    org_uuid: str
    usecase_name: str = Field(min_length=1)
    usecase_desc: str = ""
    tags: list[str] = Field(default_factory=list)
    buckets: list[str] = Field(default_factory=list)
    analysis_config: AnalysisConfig = Field(default_factory=AnalysisConfig)


class UsecaseUpdate(VozzoWire):
    """The body of ``PUT /usecase/{uuid}``: only the fields sent change (send with
    ``model_dump(exclude_unset=True)``)."""

    org_uuid: str | None = None
    usecase_name: str | None = Field(default=None, min_length=1)
    usecase_desc: str | None = None
    tags: list[str] | None = None
    buckets: list[str] | None = None
    analysis_config: AnalysisConfig | None = None

    def changes(self) -> dict[str, Any]:
        """The fields the request sent, JSON-ready (``org_uuid`` is not a change)."""
        sent = self.model_dump(mode="json", exclude_unset=True)
        sent.pop("org_uuid", None)
        return sent


class Usecase(VozzoWire):
    """A use case: the answer to create, get and update."""

    usecase_uuid: str
    org_uuid: str
    usecase_name: str
    usecase_desc: str
    tags: list[str]
    buckets: list[str]
    analysis_config: AnalysisConfig
    created_at: datetime
    updated_at: datetime

    _times = field_validator("created_at", "updated_at")(utc_to_second)


class UsecaseDeleted(VozzoWire):
    """``DELETE /usecase/{uuid}``; the use case's recordings are kept."""

    deleted: bool = True
    usecase_uuid: str


class StateCounts(VozzoWire):
    """A use case's recordings counted by state."""

    INITIATED: int = 0
    TRANSCRIPTION_COMPLETED: int = 0
    ANALYSIS_COMPLETED: int = 0
    FAILED: int = 0

    @property
    def total(self) -> int:
        return self.INITIATED + self.TRANSCRIPTION_COMPLETED + self.ANALYSIS_COMPLETED + self.FAILED


class UsecaseListItem(Usecase):
    """One use case of ``GET /org-usecases/{org_uuid}``, with its usage."""

    recording_counts: StateCounts = Field(default_factory=StateCounts)
    total_recordings: int = 0


class UsecasePage(VozzoWire):
    """``GET /org-usecases/{org_uuid}?page=&limit=&tag=``: oldest first."""

    usecases: list[UsecaseListItem]
    page: int = Field(ge=1)
    limit: int = Field(ge=1, le=MAX_LIMIT)
    total: int = Field(ge=0)


# --- uploads ------------------------------------------------------------------------------


class UploadMetadata(OpenWire):
    """An upload's ``metadata``: ``usecase_uuid`` must name a use case of the org,
    ``call_date`` is ``YYYY-MM-DD``; other keys are kept with the recording."""

    usecase_uuid: str | None = None
    call_date: str | None = None
    call_type: str | None = None

    _day = field_validator("call_date", mode="before")(_day_or_none)


class UploadLinkRequest(VozzoWire):
    """The body of ``POST /{client_name}/{client_profile}/create-upload-link``."""

    file_name: str = Field(min_length=1, max_length=255)
    file_size: int = Field(ge=1, le=MAX_FILE_SIZE)
    content_type: str
    metadata: UploadMetadata = Field(default_factory=UploadMetadata)


class UploadLink(VozzoWire):
    """The answer: PUT exactly ``file_size`` bytes with the request's ``content_type``
    to ``upload_url`` once, before ``expires_at``; processing starts when it completes."""

    recording_uuid: str
    upload_url: str
    s3_key: str
    expires_at: datetime

    _times = field_validator("expires_at")(utc_to_second)


class DirectUploadResult(VozzoWire):
    """The answer to ``POST /{client_name}/{client_profile}/direct-upload``."""

    recording_uuid: str
    s3_key: str
    state: RecordingState


# --- recordings ---------------------------------------------------------------------------


class RecordingsRequest(VozzoWire):
    """The body of ``POST /org-usecases/recordings``; dates are ``YYYY-MM-DD`` and
    bound the call date (the upload day when the upload gave none), both inclusive."""

    usecase_uuid: str
    org_uuid: str | None = None
    page: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    state: RecordingState | None = None
    start_date: str | None = None
    end_date: str | None = None

    _days = field_validator("start_date", "end_date", mode="before")(_day_or_none)


class Recording(VozzoWire):
    """One recording of the list, newest first. ``call_date`` is the metadata's or the
    upload day; ``duration_seconds`` is null until the audio has been decoded."""

    recording_uuid: str
    usecase_uuid: str | None
    file_name: str
    state: RecordingState
    call_date: str | None = None
    call_type: str | None = None
    created_at: datetime
    duration_seconds: float | None = None
    s3_key: str
    #: Local extension: the upload's metadata as sent (a client finds its own marker).
    metadata: dict[str, Any] = Field(default_factory=dict)

    _times = field_validator("created_at")(utc_to_second)


class RecordingPage(VozzoWire):
    recordings: list[Recording]
    page: int = Field(ge=1)
    limit: int = Field(ge=1, le=MAX_LIMIT)
    total: int = Field(ge=0)


class RecordingRef(VozzoWire):
    """The body of get-recording-details and transcript-analytics."""

    recording_uuid: str
    org_uuid: str | None = None
    usecase_uuid: str | None = None


class RecordingFile(VozzoWire):
    name: str
    size: int | None = None
    content_type: str


class HistoryEntry(VozzoWire):
    state: RecordingState
    at: datetime

    _times = field_validator("at")(utc_to_second)


class RecordingDetails(Recording):
    """``POST /org-usecases/get-recording-details``: the recording, its file, the
    upload's metadata, every state it went through in order, and ``error`` when FAILED."""

    file: RecordingFile
    history: list[HistoryEntry] = Field(default_factory=list)
    error: str | None = None


# --- transcript and analytics -------------------------------------------------------------


class TranscriptWord(VozzoWire):
    """Local extension: one recognised word; ``confidence`` in 0..1."""

    word: str
    start: float
    end: float
    confidence: float = Field(ge=0, le=1)


class TranscriptTurn(VozzoWire):
    """One speaker's turn; times in seconds from the start of the recording,
    ``confidence`` in 0..1 (the mean of its words')."""

    speaker: str
    start: float
    end: float
    text: str
    confidence: float = Field(ge=0, le=1)
    words: list[TranscriptWord] = Field(default_factory=list)


class QuestionAnswer(VozzoWire):
    """A use-case question answered: ``evidence`` is the quote that decided it and
    ``timestamp`` (seconds) where it was said; both null for an unsupported Not clear."""

    question: str
    answer: Answer
    evidence: str | None = None
    timestamp: float | None = None
    # Local extensions: why the engine answered so, and how sure it is (0..1).
    reason: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)


class BucketChoice(VozzoWire):
    """The bucket chosen by its description; ``name`` is null when none fits (the
    ``reason`` says why). ``evidence``/``timestamp``: local extension, the quote that
    decided it."""

    name: str | None
    reason: str
    evidence: str | None = None
    timestamp: float | None = None


class SpeakerTalk(VozzoWire):
    speaker: str
    talk_seconds: float = Field(ge=0)
    talk_share: float = Field(ge=0, le=1)


class Analytics(VozzoWire):
    answers: list[QuestionAnswer] = Field(default_factory=list)
    bucket: BucketChoice | None = None
    speakers: list[SpeakerTalk] = Field(default_factory=list)
    summary: str = ""


class TranscriptAnalytics(VozzoWire):
    """``POST /org-usecases/recording/transcript-analytics``: ``transcript`` is null
    until the recording is transcribed, ``analytics`` null until it is analysed."""

    recording_uuid: str
    state: RecordingState
    transcript: list[TranscriptTurn] | None = None
    analytics: Analytics | None = None


# --- summaries ----------------------------------------------------------------------------


class SummaryRequest(VozzoWire):
    """The body of summary-counts and summary-details."""

    usecase_uuid: str
    org_uuid: str | None = None


class SummaryCounts(VozzoWire):
    """Counted over the same recordings the list shows for the use case:
    ``completed`` is ANALYSIS_COMPLETED, ``in_progress`` INITIATED plus
    TRANSCRIPTION_COMPLETED; ``completion_percentage`` is ``completed`` of
    ``total_calls`` in percent, rounded to two places (0 with no calls)."""

    total_calls: int = Field(ge=0)
    completed: int = Field(ge=0)
    failed: int = Field(ge=0)
    in_progress: int = Field(ge=0)
    completion_percentage: float = Field(ge=0, le=100)


class BucketCount(VozzoWire):
    name: str
    count: int = Field(ge=0)


class CallTypeCount(VozzoWire):
    call_type: str | None
    count: int = Field(ge=0)


class AnswerCounts(VozzoWire):
    question: str
    yes: int = Field(default=0, ge=0)
    no: int = Field(default=0, ge=0)
    not_clear: int = Field(default=0, ge=0)


class SummaryDetails(VozzoWire):
    """Breakdowns over the use case's analysed recordings (``call_types`` over all its
    recordings); every bucket and question of the use case appears, with 0 if unused."""

    buckets: list[BucketCount] = Field(default_factory=list)
    call_types: list[CallTypeCount] = Field(default_factory=list)
    answers: list[AnswerCounts] = Field(default_factory=list)


# --- audio --------------------------------------------------------------------------------


class AudioUrlRequest(VozzoWire):
    s3_key: str = Field(min_length=1)


class AudioUrl(VozzoWire):
    """A signed URL that streams the recording (``Range`` supported) until
    ``expires_at``."""

    url: str
    expires_at: datetime

    _times = field_validator("expires_at")(utc_to_second)
