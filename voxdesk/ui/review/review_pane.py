"""The review pane under the scorecard: AI score, human score and Δ, the outcome (AI's
and the reviewer's), the review's state with Submit / Reopen, "Saved hh:mm:ss", and the
notes list (a click plays the call from the note).

Shown for every call, whatever its platform gives: a survey-only call has no scores to
override, but notes and the reviewed state still work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Call
from voxdesk.domain.review import Review, ReviewNote, ReviewState
from voxdesk.domain.review_scoring import HumanScore
from voxdesk.domain.timeline import stamp
from voxdesk.services.formatting import format_score

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_WORDS = {
    ReviewState.UNREVIEWED: "Not reviewed",
    ReviewState.DRAFT: "Draft",
    ReviewState.REVIEWED: "Reviewed",
}


def format_delta(delta: float | None) -> str:
    return "—" if delta is None else f"{delta:+.0f}"


def note_line(note: ReviewNote, criteria: dict[str, str]) -> str:
    span = f"{stamp(note.start)}–{stamp(note.end)}" if note.end is not None else stamp(note.start)
    about = f" ({criteria[note.criterion_id]})" if note.criterion_id in criteria else ""
    return f"{span} {note.text}{about}"


class ReviewPane(QFrame):
    submitRequested = Signal()
    reopenRequested = Signal()
    addNoteRequested = Signal()
    outcomeOverrideRequested = Signal()
    #: A note was clicked: play the call from this second.
    noteActivated = Signal(float)
    removeNoteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-pane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._setup_ui()
        self.show_review(None, None, None, editable=False)

    def _setup_ui(self) -> None:
        # Each line wraps or stands alone: the pane shares the scorecard's narrow column.
        layout = QVBoxLayout(self)
        self.scores = QLabel(self)
        self.scores.setObjectName("review-scores")
        self.scores.setWordWrap(True)
        self.state = QLabel(self)
        self.state.setObjectName("review-state")
        self.state.setWordWrap(True)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("review-outcome")
        self.outcome.setWordWrap(True)
        for label in (self.scores, self.state, self.outcome):
            layout.addWidget(label)

        self.outcome_button = QToolButton(self)
        self.outcome_button.setObjectName("review-outcome-override")
        self.outcome_button.setText("Outcome…")
        self.outcome_button.setToolTip("Override the call's outcome, with a reason")
        self.add_note_button = QToolButton(self)
        self.add_note_button.setObjectName("review-add-note")
        self.add_note_button.setText("Note…")
        self.add_note_button.setToolTip("A note at the playhead, or on the selected text (Ctrl+M)")
        tools = QHBoxLayout()
        tools.addWidget(self.outcome_button)
        tools.addWidget(self.add_note_button)
        tools.addStretch(1)
        layout.addLayout(tools)
        self.notes = QListWidget(self)
        self.notes.setObjectName("review-notes")
        self.notes.setMaximumHeight(self.fontMetrics().height() * 6)
        self.notes.setToolTip("Notes: a click plays the call from one; Delete removes it")
        layout.addWidget(self.notes)

        self.saved = QLabel("", self)
        self.saved.setObjectName("review-saved")
        layout.addWidget(self.saved)
        self.submit_button = QPushButton("Submit", self)
        self.submit_button.setObjectName("review-submit")
        self.submit_button.setToolTip("Mark this call reviewed (Ctrl+Return: and go to the next)")
        self.reopen_button = QPushButton("Reopen", self)
        self.reopen_button.setObjectName("review-reopen")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.reopen_button)
        bottom.addWidget(self.submit_button)
        layout.addLayout(bottom)

        self.submit_button.clicked.connect(self.submitRequested)
        self.reopen_button.clicked.connect(self.reopenRequested)
        self.add_note_button.clicked.connect(self.addNoteRequested)
        self.outcome_button.clicked.connect(self.outcomeOverrideRequested)
        self.notes.itemClicked.connect(self._note_clicked)

    def show_review(
        self,
        call: Call | None,
        review: Review | None,
        score: HumanScore | None,
        *,
        editable: bool,
    ) -> None:
        active = call is not None and review is not None
        for widget in (self.add_note_button, self.outcome_button):
            widget.setEnabled(active and editable)
        self.submit_button.setVisible(not active or review.state is not ReviewState.REVIEWED)
        self.submit_button.setEnabled(active and review.state is not ReviewState.REVIEWED)
        self.reopen_button.setVisible(active and review.state is ReviewState.REVIEWED)
        self.notes.clear()
        if not active:
            self.scores.setText("Select a call to review it.")
            self.state.setText("")
            self.outcome.setText("")
            return
        self.scores.setText(self._scores_text(score))
        self.state.setText(self._state_text(review))
        ai_outcome = call.analysis.outcome_label if call.analysis else None
        if review.outcome is not None:
            comment = f" — {review.outcome.comment}" if review.outcome.comment else ""
            self.outcome.setText(
                f"Outcome: {review.outcome.label} (AI: {ai_outcome or '—'}; "
                f"{review.outcome.reason.value}{comment})"
            )
        else:
            self.outcome.setText(f"Outcome: {ai_outcome or '—'}")
        criteria = {
            c.id: c.question
            for s in (call.analysis.sections if call.analysis else ())
            for c in s.criteria
        }
        for note in review.notes:
            item = QListWidgetItem(note_line(note, criteria), self.notes)
            item.setData(NOTE_ROLE, note)
            item.setToolTip(f"Play from {stamp(note.start)}")

    @staticmethod
    def _scores_text(score: HumanScore | None) -> str:
        if score is None or (score.ai_score is None and score.score is None):
            # Answers (Vozzo) or a survey: nothing scored, but overrides still count.
            changed = f" · {score.overridden} overridden" if score and score.overridden else ""
            return f"No score to review{changed}"
        return (
            f"AI {format_score(score.ai_score)} · Human {format_score(score.score)} "
            f"· Δ {format_delta(score.delta)}"
        )

    @staticmethod
    def _state_text(review: Review) -> str:
        words = STATE_WORDS[review.state]
        if review.state is ReviewState.REVIEWED and review.reviewer:
            return f"{words} by {review.reviewer}"
        return words

    def set_saved(self, text: str) -> None:
        self.saved.setText(text)

    def _note_clicked(self, item: QListWidgetItem) -> None:
        note: ReviewNote = item.data(NOTE_ROLE)
        self.noteActivated.emit(note.start)

    def keyPressEvent(self, event) -> None:
        item = self.notes.currentItem()
        if event.key() == Qt.Key.Key_Delete and item is not None and self.notes.hasFocus():
            self.removeNoteRequested.emit(item.data(NOTE_ROLE).id)
            return
        super().keyPressEvent(event)
