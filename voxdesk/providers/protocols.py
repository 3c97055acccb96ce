"""What a provider can do, as protocols it either implements or does not.

A provider declares nothing by hand: its capabilities are the protocols its class
satisfies (``isinstance``/``issubclass`` on ``@runtime_checkable`` protocols, FeelUOwn's
``provider_protocol`` idea). So the UI cannot offer an operation the provider lacks, and
a provider cannot claim one it did not write. ``Provider`` itself defines none of these
methods; ``check_capabilities`` refuses a class that implements a protocol in part.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from voxdesk.contracts.vozzo import (
    RecordingDetails,
    SummaryCounts,
    SummaryDetails,
    UploadLink,
    Usecase,
    UsecaseListItem,
)
from voxdesk.domain import (
    Category,
    IngestEvent,
    Member,
    NewCall,
    OutboundCallRequest,
    Recording,
    SurveyResult,
    UploadTarget,
)
from voxdesk.providers.http import ProgressCallback
from voxdesk.providers.queries import (
    CallPage,
    CallQuery,
    CreatedCall,
    UsecaseDraft,
    UseCaseUpload,
)


@runtime_checkable
class SupportsCallList(Protocol):
    async def list_calls(self, query: CallQuery) -> CallPage: ...


@runtime_checkable
class SupportsCallCreate(Protocol):
    """Analyse a recording that is already reachable at a URL."""

    async def create_call(self, new_call: NewCall) -> CreatedCall: ...


@runtime_checkable
class SupportsUpload(Protocol):
    """Put a local recording where the platform can read it (a presigned URL)."""

    async def request_upload(self, filename: str, content_type: str, size: int) -> UploadTarget: ...

    async def upload(
        self, target: UploadTarget, path: Path, progress: ProgressCallback | None = None
    ) -> None: ...


@runtime_checkable
class SupportsPlaybackUrl(Protocol):
    """A fresh recording URL on request (the old one may have expired); ``None`` for a
    call without a recording."""

    async def recording_url(self, call_id: str) -> Recording | None: ...


@runtime_checkable
class SupportsSurvey(Protocol):
    async def survey_results(self, call_id: str) -> SurveyResult | None: ...


@runtime_checkable
class SupportsCategories(Protocol):
    async def list_categories(self) -> list[Category]: ...


@runtime_checkable
class SupportsMembers(Protocol):
    async def list_members(self) -> list[Member]: ...


@runtime_checkable
class SupportsOutboundCalls(Protocol):
    async def place_call(self, request: OutboundCallRequest) -> CreatedCall: ...


@runtime_checkable
class SupportsIngest(Protocol):
    async def submit_event(self, event: IngestEvent) -> CreatedCall: ...


@runtime_checkable
class SupportsUseCases(Protocol):
    """Keep the named sets of questions and buckets recordings are analysed by (Vozzo).
    Use cases travel as their wire bodies (``voxdesk.contracts.vozzo``)."""

    async def list_usecases(self, tag: str | None = None) -> list[UsecaseListItem]: ...

    async def get_usecase(self, usecase_id: str) -> Usecase: ...

    async def create_usecase(self, draft: UsecaseDraft) -> Usecase: ...

    async def update_usecase(self, usecase_id: str, draft: UsecaseDraft) -> Usecase: ...

    async def delete_usecase(self, usecase_id: str) -> None: ...

    async def summary_counts(self, usecase_id: str) -> SummaryCounts: ...

    async def summary_details(self, usecase_id: str) -> SummaryDetails: ...


@runtime_checkable
class SupportsUseCaseUpload(Protocol):
    """Upload a recording into a use case: a link that *creates* the recording, then one
    PUT of the bytes; ``find_upload`` finds the recording a lost link answer made."""

    async def create_upload_link(self, request: UseCaseUpload) -> UploadLink: ...

    async def put_recording(
        self,
        upload_url: str,
        request: UseCaseUpload,
        path: Path,
        progress: ProgressCallback | None = None,
    ) -> None: ...

    async def find_upload(self, request: UseCaseUpload) -> RecordingDetails | None: ...

    async def upload_call_id(self, request: UseCaseUpload, recording_id: str) -> str: ...


class Capability(StrEnum):
    """Names of the protocols, for the UI and the CLI to ask about."""

    LIST_CALLS = "list_calls"
    CREATE_CALLS = "create_calls"
    UPLOAD = "upload"
    PLAYBACK_URL = "playback_url"
    SURVEY_RESULTS = "survey_results"
    LIST_CATEGORIES = "list_categories"
    LIST_MEMBERS = "list_members"
    PLACE_CALLS = "place_calls"
    INGEST = "ingest"
    USE_CASES = "use_cases"
    USE_CASE_UPLOAD = "use_case_upload"


PROTOCOLS: dict[Capability, type] = {
    Capability.LIST_CALLS: SupportsCallList,
    Capability.CREATE_CALLS: SupportsCallCreate,
    Capability.UPLOAD: SupportsUpload,
    Capability.PLAYBACK_URL: SupportsPlaybackUrl,
    Capability.SURVEY_RESULTS: SupportsSurvey,
    Capability.LIST_CATEGORIES: SupportsCategories,
    Capability.LIST_MEMBERS: SupportsMembers,
    Capability.PLACE_CALLS: SupportsOutboundCalls,
    Capability.INGEST: SupportsIngest,
    Capability.USE_CASES: SupportsUseCases,
    Capability.USE_CASE_UPLOAD: SupportsUseCaseUpload,
}


def protocol_methods(protocol: type) -> frozenset[str]:
    """The operations a protocol names (its public methods)."""
    return frozenset(
        name for name, value in vars(protocol).items() if callable(value) and name[0] != "_"
    )


def capabilities_of(provider_class: type) -> frozenset[Capability]:
    """The protocols a provider class satisfies: every one of their methods exists."""
    return frozenset(
        capability
        for capability, protocol in PROTOCOLS.items()
        if issubclass(provider_class, protocol)
    )


def check_capabilities(provider_class: type) -> None:
    """Refuse a class that implements some of a protocol's methods but not all: it would
    be offered nothing while holding code that looks like an operation, or, worse, be
    half-offered by code that checks one method by name."""
    for capability, protocol in PROTOCOLS.items():
        methods = protocol_methods(protocol)
        present = {name for name in methods if callable(getattr(provider_class, name, None))}
        if present and present != methods:
            missing = ", ".join(sorted(methods - present))
            raise TypeError(
                f"{provider_class.__name__} implements {capability.value} in part: "
                f"it lacks {missing}"
            )
