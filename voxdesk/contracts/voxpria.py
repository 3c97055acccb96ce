"""Voxpria's wire bodies (``shared/api-contracts/voxpria-calls.txt``), shared by the
local server and the provider.

Python names are snake_case; every field has the contract's camelCase alias and
``dump`` serialises by alias. Every answer is an envelope: ``{"success": true, "data":
…}`` (a list page adds ``page``, ``limit``, ``total``) or ``{"success": false, "error":
{"code", "message"}}``. Parsing ignores fields it does not know.

Local extensions, marked below, are fields and one endpoint the real platform does not
document: ``toNumber``/``agentId``/``createdAt``/``variables``/``failureReason``/
``turns``/``analysisStatus`` on a call, ``GET /api/v1/agents`` and
``GET /api/v1/calls/{id}/analysis``. A client must treat each as optional.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Literal, TypeVar

from pydantic import Field, field_validator

from voxdesk.contracts._base import CamelWire, utc_to_second

API_PREFIX = "/api/v1"
CALLS_PATH = f"{API_PREFIX}/calls"
AGENTS_PATH = f"{API_PREFIX}/agents"
DEFAULT_LIMIT = 50
MAX_LIMIT = 100

#: ``+`` then 8 to 15 digits, the first not 0 (no country code starts with 0). The wire
#: form is bare: no spaces or dashes. Use ``fullmatch`` (``$`` would allow a final newline).
E164 = re.compile(r"\+[1-9][0-9]{7,14}")

#: The simulator's documented test numbers and how a call to each ends; any other valid
#: number answers.
BUSY_NUMBER = "+15005550001"
NO_ANSWER_NUMBER = "+15005550002"
FAILED_NUMBER = "+15005550003"


class CallStatus(StrEnum):
    """Exactly the contract's seven statuses."""

    QUEUED = "queued"
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    NO_ANSWER = "no_answer"
    BUSY = "busy"

    @property
    def is_final(self) -> bool:
        return self not in (CallStatus.QUEUED, CallStatus.RINGING, CallStatus.IN_PROGRESS)


TEST_NUMBERS: dict[str, CallStatus] = {
    BUSY_NUMBER: CallStatus.BUSY,
    NO_ANSWER_NUMBER: CallStatus.NO_ANSWER,
    FAILED_NUMBER: CallStatus.FAILED,
}


class AnalysisStatus(StrEnum):
    """Local extension: how far the scoring of a completed call got."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


class CreateCallRequest(CamelWire):
    """The body of ``POST /api/v1/calls``."""

    agent_id: str
    to_number: str
    variables: dict[str, str] = Field(default_factory=dict)


class CreatedCall(CamelWire):
    """``data`` of the answer to ``POST /api/v1/calls``."""

    call_id: str
    status: CallStatus
    to_number: str
    agent_id: str
    created_at: datetime

    _times = field_validator("created_at")(utc_to_second)


class TranscriptTurn(CamelWire):
    """Local extension: one turn of the recording; ``start``/``end`` in seconds."""

    role: Literal["agent", "customer"]
    text: str
    start: float
    end: float


class VoxpriaCall(CamelWire):
    """``data`` of ``GET /api/v1/calls/{id}`` and each item of the list.

    ``duration`` is whole seconds from ``startedAt`` (answered; for a call that never
    connected, dialling began) to ``completedAt``; ``recording`` a playable, signed URL;
    ``transcript`` a plain string, one ``Agent: …``/``Customer: …`` line per turn.
    """

    call_id: str
    status: CallStatus
    duration: int | None = None
    recording: str | None = None
    transcript: str | None = None
    outcome: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    # Local extensions.
    to_number: str | None = None
    agent_id: str | None = None
    created_at: datetime | None = None
    variables: dict[str, str] = Field(default_factory=dict)
    failure_reason: str | None = None
    turns: list[TranscriptTurn] = Field(default_factory=list)
    analysis_status: AnalysisStatus | None = None

    _times = field_validator("started_at", "completed_at", "created_at")(utc_to_second)


class CallAnalysis(CamelWire):
    """Local extension, ``data`` of ``GET /api/v1/calls/{id}/analysis``: the local
    engine's scoring with the agent's scorecard (``analysis`` is the engine's output,
    the same object the Voxxi routes serve)."""

    call_id: str
    status: AnalysisStatus
    scorecard_id: str
    analysis: dict[str, Any] | None = None
    error: str | None = None


class AgentVariable(CamelWire):
    name: str
    required: bool
    description: str = ""


class Agent(CamelWire):
    """Local extension, one item of ``GET /api/v1/agents``."""

    agent_id: str
    name: str
    variables: list[AgentVariable]
    scorecard_id: str | None = None


DataT = TypeVar("DataT")


class Envelope(CamelWire, Generic[DataT]):
    success: Literal[True] = True
    data: DataT


class CallPage(CamelWire):
    """``GET /api/v1/calls?page=&limit=``: newest first; ``page`` counts from 1."""

    success: Literal[True] = True
    data: list[VoxpriaCall]
    page: int = Field(ge=1)
    limit: int = Field(ge=1, le=MAX_LIMIT)
    total: int = Field(ge=0)


class ErrorDetail(CamelWire):
    code: str
    message: str


class ErrorBody(CamelWire):
    success: Literal[False] = False
    error: ErrorDetail
