"""The review store interface: what the review service needs from wherever reviews
live. SQLite per user today (``sqlite_store``); a shared team store (a server every
reviewer's desk talks to) implements the same four methods, and nothing above the
service changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from voxdesk.domain.review import Review, ReviewState


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """What the call list shows of a review (its Review, Human score and Δ columns),
    kept beside the review so the list can filter and sort on it without reading
    every review."""

    connection: str
    call_ref: str
    state: ReviewState
    human_score: float | None
    delta: float | None
    reviewer: str | None = None
    updated_at: datetime | None = None


class ReviewStore(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def load(self, connection: str, call_ref: str) -> Review | None:
        """The stored review of one call; ``None`` when it was never touched."""
        ...

    async def save(self, reviews: Iterable[tuple[Review, ReviewSummary]]) -> None:
        """Store these reviews (replacing earlier versions) in one transaction."""
        ...

    async def summaries(self, connection: str) -> list[ReviewSummary]:
        """Every review of a connection, for the list's columns."""
        ...

    async def reviews(self, connection: str, call_refs: Iterable[str]) -> dict[str, Review]:
        """The stored reviews of these calls (for exports), by call reference."""
        ...
