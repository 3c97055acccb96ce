"""What a provider is asked for and what it answers with, beyond domain models: a page
of a call list, a call just created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from voxdesk.domain import Call, CallStatus, Direction, Disposition


@dataclass(frozen=True)
class CallQuery:
    """A page of a platform's call list, filtered on the platform's side.

    ``status`` filters by analysis status, ``disposition`` by how the call went;
    ``grouping_id`` names a campaign / category / use case / team, whichever the
    platform groups by (``category_id`` is the Voxxi spelling of the same filter)."""

    page: int = 1
    page_size: int = 50
    status: CallStatus | None = None
    member_id: str | None = None
    category_id: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str | None = None
    grouping_id: str | None = None
    direction: Direction | None = None
    disposition: Disposition | None = None


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


@dataclass(frozen=True)
class UsecaseDraft:
    """A use case as a reviewer writes it: its Yes/No questions and the buckets a
    recording is sorted into, each ``(name, description)``."""

    name: str
    description: str = ""
    tags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    buckets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class UseCaseUpload:
    """One file to upload into a use case. ``marker`` is the client's id for this
    upload, stored in the recording's metadata so a lost answer can be found again."""

    usecase_id: str
    file_name: str
    size: int
    content_type: str
    marker: str
    call_date: str | None = None
    call_type: str | None = None
