"""The interface every platform implements, and what each one can do.

The five platforms differ widely (see ``shared/api-contracts``): Voxxi creates calls
from an audio URL and scores them by section but has no list endpoint; the voice-bot
platform lists calls with transcripts and survey results and hands out 15-minute
recording URLs; Voxpria places calls; Vozzo uploads through presigned links and
analyses per use case; VOIX ingests calls from a phone system in two beats. So a
provider declares its ``capabilities`` and the UI offers only what the platform can do;
an operation a platform lacks raises ``UnsupportedOperation``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from voxdesk.domain import Call, CallStatus, Category, Member, NewCall, Recording, UploadTarget
from voxdesk.providers.errors import UnsupportedOperation
from voxdesk.providers.http import HttpClient, ProgressCallback


class Capability(StrEnum):
    LIST_CALLS = "list_calls"
    UPLOAD = "upload"
    SECTION_SCORES = "section_scores"
    TRANSCRIPT = "transcript"
    SURVEY_RESULTS = "survey_results"
    PLACE_CALLS = "place_calls"
    INGEST = "ingest"
    EXPIRING_PLAYBACK_URLS = "expiring_playback_urls"
    LIST_CATEGORIES = "list_categories"
    LIST_MEMBERS = "list_members"


@dataclass(frozen=True)
class CallQuery:
    """A page of a platform's call list, filtered on the platform's side."""

    page: int = 1
    page_size: int = 50
    status: CallStatus | None = None
    member_id: str | None = None
    category_id: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class CallPage:
    calls: list[Call]
    page: int
    page_size: int
    total: int | None = None


@dataclass(frozen=True)
class CreatedCall:
    call_id: str
    status: CallStatus


class Provider(ABC):
    """One platform account, reached through one HTTP client."""

    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @abstractmethod
    async def get_call(self, call_id: str) -> Call:
        """The call with its current status and, once completed, its analysis."""

    async def list_calls(self, query: CallQuery) -> CallPage:
        raise self._unsupported("listing calls")

    async def create_call(self, new_call: NewCall) -> CreatedCall:
        raise self._unsupported("creating calls from a recording")

    async def request_upload(self, filename: str, content_type: str, size: int) -> UploadTarget:
        raise self._unsupported("uploading recordings")

    async def upload(
        self, target: UploadTarget, path: Path, progress: ProgressCallback | None = None
    ) -> None:
        raise self._unsupported("uploading recordings")

    async def playback(self, call: Call) -> Recording | None:
        """A playable URL for the call's recording (fresh, where URLs expire)."""
        return call.recording

    async def list_categories(self) -> list[Category]:
        raise self._unsupported("listing categories")

    async def list_members(self) -> list[Member]:
        raise self._unsupported("listing agents")

    async def aclose(self) -> None:
        await self.http.aclose()

    def _unsupported(self, what: str) -> UnsupportedOperation:
        return UnsupportedOperation(f"{self.platform} does not support {what}.")
