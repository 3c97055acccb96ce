"""The window's review work: the review pane under the scorecard, overrides, notes at
the playhead or on the selected transcript text, Submit / Reopen, Submit and next and
Next unreviewed. A mixin of ``MainWindow`` (kept apart so the window module stays the
window's layout and wiring)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QVBoxLayout, QWidget

from voxdesk.domain.review import human_choices
from voxdesk.services.catalog.review_marks import UNREVIEWED
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.review.override_dialog import OverrideDialog
from voxdesk.ui.review.review_controller import ReviewController
from voxdesk.ui.review.review_pane import ReviewPane

if TYPE_CHECKING:
    from voxdesk.ui.main_window.window import MainWindow

#: The review states "Next unreviewed" stops at.
OPEN_STATES = frozenset({UNREVIEWED, "draft"})


class ReviewDeskMixin:
    review: ReviewController
    review_pane: ReviewPane

    def _setup_review_pane(self: MainWindow, verdict_column: QWidget, layout: QVBoxLayout) -> None:
        self.review_pane = ReviewPane(verdict_column)
        layout.addWidget(self.review_pane)
        self._review_tasks = NamedTasks()

    def _connect_review(self: MainWindow) -> None:
        review, pane = self.review, self.review_pane
        review.reviewShown.connect(self._show_review)
        review.savedText.connect(pane.set_saved)
        review.statusMessage.connect(self._status)
        pane.submitRequested.connect(review.submit)
        pane.reopenRequested.connect(review.reopen)
        pane.addNoteRequested.connect(self.ask_note)
        pane.outcomeOverrideRequested.connect(self.ask_outcome_override)
        pane.noteActivated.connect(self.playback.play_from)
        pane.removeNoteRequested.connect(review.remove_note)
        self.sections.overrideRequested.connect(self.ask_override)
        self.call_map.noteActivated.connect(self.playback.play_from)
        self.session.serviceChanged.connect(
            lambda service: review.set_connection(service.connection if service else None)
        )

    def _show_review(self: MainWindow, call, review, score) -> None:
        editable = self.review.editable
        self.review_pane.show_review(call, review, score, editable=editable)
        if call is not None and review is not None:
            self.sections.show_review(call, review, score, editable)
        self.call_map.set_notes(review.notes if review is not None else ())

    # --- overrides -------------------------------------------------------------------

    def ask_override(self: MainWindow, criterion_id: str) -> OverrideDialog | None:
        call, review = self.review.call, self.review.review
        if call is None or review is None or call.analysis is None:
            return None
        criterion = next(
            (c for s in call.analysis.sections for c in s.criteria if c.id == criterion_id), None
        )
        if criterion is None:
            return None
        current = review.override_for(criterion_id)
        dialog = OverrideDialog(
            criterion.question,
            f"{criterion.result.value} — {criterion.rationale}"
            if criterion.rationale
            else criterion.result.value,
            choices=human_choices(call.analysis),
            current=(current.result, current.reason, current.comment) if current else None,
            parent=self,
        )
        dialog.chosen.connect(
            lambda answer, reason, comment: self.review.override(
                criterion_id, answer, reason, comment
            )
        )
        dialog.cleared.connect(lambda: self.review.clear_override(criterion_id))
        return self._open_dialog(dialog)

    def ask_outcome_override(self: MainWindow) -> OverrideDialog | None:
        call, review = self.review.call, self.review.review
        if call is None or review is None:
            return None
        ai = call.analysis.outcome_label if call.analysis else None
        known = self.call_list.outcome_box
        outcomes = [known.itemText(i) for i in range(1, known.count())]
        current = review.outcome
        dialog = OverrideDialog(
            "The call's outcome",
            ai or "—",
            outcomes=outcomes,
            current=(current.label, current.reason, current.comment) if current else None,
            parent=self,
        )
        dialog.chosen.connect(
            lambda label, reason, comment: self.review.override_outcome(label, reason, comment)
        )
        dialog.cleared.connect(self.review.clear_outcome)
        return self._open_dialog(dialog)

    def _open_dialog(self: MainWindow, dialog: QWidget) -> QWidget:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _=0: self._dialogs.remove(dialog))
        dialog.open()
        return dialog

    # --- notes -----------------------------------------------------------------------

    def note_moment(self: MainWindow) -> tuple[float, float | None]:
        """Where a new note goes: the selected transcript text's span, else the playhead."""
        span = self.transcript.selected_span()
        if span is not None:
            return span
        return self.player.position, None

    def ask_note(self: MainWindow) -> QInputDialog | None:
        """Ctrl+M: a note at the playhead (or on the selected transcript text)."""
        if self.review.review is None:
            self._status("Select a call to add a note to it.")
            return None
        if not self.review.editable:
            self._status("This call is reviewed: Reopen it to add notes.")
            return None
        start, end = self.note_moment()
        dialog = QInputDialog(self)
        dialog.setObjectName("note-dialog")
        dialog.setWindowTitle("Add note")
        dialog.setLabelText("Note:")
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.review.add_note(start, text.strip(), end=end)
        )
        return self._open_dialog(dialog)

    # --- submit and move on ----------------------------------------------------------

    def submit_and_next(self: MainWindow) -> None:
        """Ctrl+Return: submit the shown call, then show the next unreviewed one."""
        if self.review.submit():
            self.next_unreviewed()

    def next_unreviewed(self: MainWindow) -> None:
        """Ctrl+Shift+N: the next call in the list's order that is not reviewed yet."""
        current = self.browser.current_id
        rows = self.state.rows
        start = next((i + 1 for i, r in enumerate(rows) if r.call_id == current), 0)
        for row in [*rows[start:], *rows[:start]]:
            if row.call_id != current and row.review_state in OPEN_STATES:
                self.call_list.select_call(row.call_id)
                return
        self._review_tasks.start("next", self._next_from_catalog(current))

    async def _next_from_catalog(self: MainWindow, current: str | None) -> None:
        """Not among the loaded rows: ask the catalog (the list may not be scrolled
        that far)."""
        connection = self.browser.connection
        if connection is None:
            return
        where = replace(self.state.filter, review_states=OPEN_STATES)
        rows = await self.services.catalog.query(connection, where, self.state.order, limit=2)
        found = next((r.call_id for r in rows if r.call_id != current), None)
        if found is None:
            self._status("Every call in this list is reviewed.")
        elif not self.call_list.select_call(found):
            self.browser.select(found)

    async def close_review(self: MainWindow) -> None:
        await self._review_tasks.close()
        await self.review.close()
