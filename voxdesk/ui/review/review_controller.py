"""The review presenter: the shown call's review, every change to it, and where the
changes go (the review service saves them; the catalog's review marks update the
list's Review, Human score and Δ columns at once).

It measures the time spent on a call itself: from when the call is shown until another
is (or the window closes), added to the review with the next change or the submit, so
browsing calls never writes a review nobody started.
"""

from __future__ import annotations

import getpass
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from voxdesk.domain import Call, CriterionResult
from voxdesk.domain.review import (
    CriterionOverride,
    OutcomeOverride,
    OverrideReason,
    Review,
    ReviewNote,
    ReviewState,
)
from voxdesk.domain.review_scoring import HumanScore, human_score
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.catalog.review_marks import ReviewMark
from voxdesk.services.reviews import ReviewService, ReviewSummary
from voxdesk.services.tasks import NamedTasks


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def mark_of(summary: ReviewSummary) -> ReviewMark:
    return ReviewMark(summary.call_ref, summary.state.value, summary.human_score, summary.delta)


class ReviewController(QObject):
    #: (call, review, human score): what the review pane and the sections show; all
    #: ``None`` when no call is shown.
    reviewShown = Signal(object, object, object)
    #: "Saved 13:04:05": the last write to the review store.
    savedText = Signal(str)
    statusMessage = Signal(str)

    def __init__(
        self,
        service: ReviewService,
        catalog: CallCatalog,
        reviewer: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.catalog = catalog
        self.reviewer = reviewer or default_reviewer()
        self.connection: str | None = None
        self.call: Call | None = None
        self.review: Review | None = None
        self._shown_since: float | None = None
        #: Seconds spent on calls whose review was not started yet, by call.
        self._unrecorded: dict[tuple[str, str], float] = {}
        self._tasks = NamedTasks()
        self._unsubscribe = service.on_saved(self._saved)

    # --- what is shown ---------------------------------------------------------------

    def set_connection(self, connection: str | None) -> None:
        """Another connection: its list's review columns are rebuilt from the store (a
        save the catalog missed, in a crash between the two files, is put right)."""
        self._leave_call()
        self.connection, self.call, self.review = connection, None, None
        self.reviewShown.emit(None, None, None)
        if connection is not None:
            self._tasks.start("marks", self._rebuild_marks(connection))

    async def _rebuild_marks(self, connection: str) -> None:
        summaries = await self.service.summaries(connection)
        await self.catalog.mark_reviews(
            connection, [mark_of(s) for s in summaries], replace_all=True
        )

    def show_call(self, call: Call | None) -> None:
        if call is not None and self.call is not None and call.id == self.call.id:
            self.call = call  # the same call, fresher (an analysis finished)
            self._emit()
            return
        self._leave_call()
        self.call, self.review = call, None
        if call is None or self.connection is None:
            self.reviewShown.emit(None, None, None)
            return
        self._shown_since = time.monotonic()
        self._tasks.start("load", self._load(self.connection, call))

    async def _load(self, connection: str, call: Call) -> None:
        review = await self.service.review(connection, call.id)
        if self.call is call:
            self.review = review
            self._emit()

    def _emit(self) -> None:
        self.reviewShown.emit(self.call, self.review, self.score)

    @property
    def score(self) -> HumanScore | None:
        if self.call is None or self.review is None:
            return None
        return human_score(self.call.analysis, self.review)

    @property
    def editable(self) -> bool:
        return self.review is not None and self.review.state is not ReviewState.REVIEWED

    # --- changes ---------------------------------------------------------------------

    def override(
        self, criterion_id: str, result: CriterionResult, reason: OverrideReason, comment: str
    ) -> None:
        change = CriterionOverride(
            criterion_id=criterion_id, result=result, reason=reason, comment=comment
        )
        self._change(lambda review: review.with_override(change))

    def clear_override(self, criterion_id: str) -> None:
        self._change(lambda review: review.without_override(criterion_id))

    def override_outcome(self, label: str, reason: OverrideReason, comment: str) -> None:
        outcome = OutcomeOverride(label=label, reason=reason, comment=comment)
        self._change(lambda review: review.with_outcome(outcome))

    def clear_outcome(self) -> None:
        self._change(lambda review: review.with_outcome(None))

    def add_note(
        self, start: float, text: str, *, end: float | None = None, criterion_id: str | None = None
    ) -> ReviewNote | None:
        note = ReviewNote(
            id=uuid.uuid4().hex[:12],
            start=max(0.0, start),
            end=end,
            text=text,
            criterion_id=criterion_id,
            created_at=datetime.now(UTC),
        )
        return note if self._change(lambda review: review.with_note(note)) else None

    def remove_note(self, note_id: str) -> None:
        self._change(lambda review: review.without_note(note_id))

    def submit(self) -> bool:
        """Mark the shown call reviewed (reviewer, time, and time spent)."""
        if self.review is None or self.review.state is ReviewState.REVIEWED:
            return False
        return self._change(
            lambda review: review.submitted(self.reviewer, datetime.now(UTC)), unlocked=True
        )

    def reopen(self) -> bool:
        if self.review is None or self.review.state is not ReviewState.REVIEWED:
            return False
        return self._change(lambda review: review.reopened(), unlocked=True)

    def _change(self, edit: Callable[[Review], Review], *, unlocked: bool = False) -> bool:
        if self.review is None or self.call is None or self.connection is None:
            self.statusMessage.emit("Select a call to review first.")
            return False
        if not unlocked and not self.editable:
            self.statusMessage.emit("This call is reviewed: Reopen it to change the review.")
            return False
        review = edit(self._with_time_spent(self.review))
        self.review = review
        score = human_score(self.call.analysis, review)
        summary = self.service.change(review, score)
        self._tasks.start(f"mark:{review.call_ref}", self._mark(summary))
        self._emit()
        return True

    async def _mark(self, summary: ReviewSummary) -> None:
        await self.catalog.mark_reviews(summary.connection, [mark_of(summary)])

    def _with_time_spent(self, review: Review) -> Review:
        key = (review.connection, review.call_ref)
        spent = self._unrecorded.pop(key, 0.0)
        if self._shown_since is not None:
            now = time.monotonic()
            spent += now - self._shown_since
            self._shown_since = now
        return review.with_time_spent(spent)

    def _leave_call(self) -> None:
        """Count the time on the call being left: into its review when one is under
        way, else kept until it is (the call may be reviewed on a later visit)."""
        if self.call is None or self.connection is None or self._shown_since is None:
            return
        spent = time.monotonic() - self._shown_since
        self._shown_since = None
        key = (self.connection, self.call.id)
        if self.review is not None and self.review.state is ReviewState.DRAFT:
            self.review = self.review.with_time_spent(spent + self._unrecorded.pop(key, 0.0))
            self.service.change(self.review)
        else:
            self._unrecorded[key] = self._unrecorded.get(key, 0.0) + spent

    def _saved(self, at: datetime, _summaries: list[ReviewSummary]) -> None:
        self.savedText.emit(f"Saved {at.astimezone().strftime('%H:%M:%S')}")

    # --- lifetime --------------------------------------------------------------------

    async def close(self) -> None:
        self._leave_call()
        self._unsubscribe()
        await self._tasks.close()
        await self.service.flush()
