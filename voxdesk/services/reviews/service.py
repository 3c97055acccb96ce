"""The review service: the desk's and the CLI's one way to read and change reviews.

Every change is kept in memory at once (the desk shows it) and written to the store
shortly after: ``QUIET_SECONDS`` after the last change, and never later than
``LONGEST_WAIT`` after the first unsaved one, so typing a comment is not a write per
key and yet nothing waits more than two seconds for the disk. ``flush`` (and ``close``)
write what is pending at once. Qt-free: listeners hear of changes and saves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from voxdesk.domain.review import Review
from voxdesk.domain.review_scoring import HumanScore
from voxdesk.services.reviews.store import ReviewStore, ReviewSummary

log = logging.getLogger("voxdesk.reviews")

QUIET_SECONDS = 0.5
LONGEST_WAIT = 1.5
#: ``listener(summary)``: a review changed (not yet saved).
ReviewChanged = Callable[[ReviewSummary], None]
#: ``listener(saved_at, summaries)``: these reviews are on disk.
ReviewsSaved = Callable[[datetime, list[ReviewSummary]], None]
_Key = tuple[str, str]


def _now() -> datetime:
    return datetime.now(UTC)


class ReviewService:
    def __init__(self, store: ReviewStore, *, now: Callable[[], datetime] = _now) -> None:
        self.store = store
        self._now = now
        self._known: dict[_Key, tuple[Review, ReviewSummary]] = {}
        self._unsaved: dict[_Key, tuple[Review, ReviewSummary]] = {}
        self._first_unsaved: float | None = None
        self._last_change = 0.0
        self._saver: asyncio.Task[None] | None = None
        self._changed: list[ReviewChanged] = []
        self._saved: list[ReviewsSaved] = []
        self.saved_at: datetime | None = None

    async def open(self) -> None:
        await self.store.open()

    async def close(self) -> None:
        await self.flush()
        await self.store.close()

    def on_change(self, listener: ReviewChanged) -> Callable[[], None]:
        self._changed.append(listener)
        return lambda: self._changed.remove(listener)

    def on_saved(self, listener: ReviewsSaved) -> Callable[[], None]:
        self._saved.append(listener)
        return lambda: self._saved.remove(listener)

    # --- reading ---------------------------------------------------------------------

    async def review(self, connection: str, call_ref: str) -> Review:
        """The call's review as last changed (saved or not); a fresh, unreviewed one
        for a call never touched."""
        key = (connection, call_ref)
        if key in self._known:
            return self._known[key][0]
        stored = await self.store.load(connection, call_ref)
        if key in self._known:  # changed while the store was read
            return self._known[key][0]
        return stored or Review(connection=connection, call_ref=call_ref)

    async def summaries(self, connection: str) -> list[ReviewSummary]:
        stored = {s.call_ref: s for s in await self.store.summaries(connection)}
        for (conn, ref), (_, summary) in self._known.items():
            if conn == connection:
                stored[ref] = summary
        return list(stored.values())

    async def reviews(self, connection: str, call_refs: Iterable[str]) -> dict[str, Review]:
        refs = list(call_refs)
        found = await self.store.reviews(connection, refs)
        for ref in refs:
            if (connection, ref) in self._known:
                found[ref] = self._known[(connection, ref)][0]
        return found

    # --- changing --------------------------------------------------------------------

    def change(self, review: Review, score: HumanScore | None = None) -> ReviewSummary:
        """Record ``review`` as the call's current one; saved within ``LONGEST_WAIT``.
        ``score`` is its recomputed human score (``None``: as before this change)."""
        key = (review.connection, review.call_ref)
        review = review.model_copy(update={"updated_at": self._now()})
        previous = self._known.get(key)
        if score is not None:
            human, delta = score.score, score.delta
        elif previous is not None:
            human, delta = previous[1].human_score, previous[1].delta
        else:
            human = delta = None
        summary = ReviewSummary(
            review.connection,
            review.call_ref,
            review.state,
            human,
            delta,
            review.reviewer,
            review.updated_at,
        )
        self._known[key] = self._unsaved[key] = (review, summary)
        self._schedule()
        for listener in list(self._changed):
            try:
                listener(summary)
            except Exception:
                log.exception("a review listener failed")
        return summary

    def _schedule(self) -> None:
        now = time.monotonic()
        self._last_change = now
        if self._first_unsaved is None:
            self._first_unsaved = now
        if self._saver is None or self._saver.done():
            self._saver = asyncio.get_running_loop().create_task(self._save_soon(), name="reviews")

    async def _save_soon(self) -> None:
        while True:
            first = self._first_unsaved if self._first_unsaved is not None else self._last_change
            due = min(self._last_change + QUIET_SECONDS, first + LONGEST_WAIT)
            wait = due - time.monotonic()
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        try:
            await self._write()
        except Exception:
            # A full disk, a locked file: keep the changes and try again a little later.
            log.exception("reviews could not be saved; trying again")
            self._last_change = time.monotonic() + LONGEST_WAIT
            self._first_unsaved = None
            self._saver = asyncio.get_running_loop().create_task(self._save_soon())

    async def _write(self) -> None:
        batch, self._unsaved, self._first_unsaved = list(self._unsaved.values()), {}, None
        if not batch:
            return
        try:
            await self.store.save(batch)
        except BaseException:
            # Kept for the next attempt (a later change or ``flush``): never dropped.
            for review, summary in batch:
                self._unsaved.setdefault((review.connection, review.call_ref), (review, summary))
            raise
        self.saved_at = self._now()
        summaries = [summary for _, summary in batch]
        for listener in list(self._saved):
            try:
                listener(self.saved_at, summaries)
            except Exception:
                log.exception("a review listener failed")

    async def flush(self) -> None:
        """Write every pending change now."""
        saver, self._saver = self._saver, None
        if saver is not None and not saver.done():
            saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await saver
        await self._write()

    @property
    def unsaved(self) -> bool:
        return bool(self._unsaved)
