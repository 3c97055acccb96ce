"""The override form: the human answer (Yes / No / N/A for a criterion, Yes / No /
Not clear for a use case's question, or an outcome label), the reason, and a comment
that "Other" requires. OK stays disabled until the form is complete, and says why in its
tooltip. Opened with ``open()`` (never ``exec()``: the window runs on an asyncio loop)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from voxdesk.domain import CriterionResult
from voxdesk.domain.review import HUMAN_RESULTS, OverrideReason


class OverrideDialog(QDialog):
    #: (answer, reason, comment): the answer is a ``CriterionResult`` for a criterion,
    #: the label text for an outcome.
    chosen = Signal(object, object, str)
    #: The reviewer removed the override: the AI's answer stands again.
    cleared = Signal()

    def __init__(
        self,
        title: str,
        ai_answer: str,
        *,
        outcomes: list[str] | None = None,
        choices: tuple[CriterionResult, ...] = HUMAN_RESULTS,
        current: tuple[object, OverrideReason, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("override-dialog")
        self.setWindowTitle("Override")
        self._outcomes = outcomes
        self._choices = choices
        self._setup_ui(title, ai_answer, current)

    def _setup_ui(
        self, title: str, ai_answer: str, current: tuple[object, OverrideReason, str] | None
    ) -> None:
        form = QFormLayout(self)
        question = QLabel(title, self)
        question.setWordWrap(True)
        form.addRow(question)
        form.addRow("AI answer:", QLabel(ai_answer, self))
        self.answer = QComboBox(self)
        self.answer.setObjectName("override-answer")
        if self._outcomes is None:
            for result in self._choices:
                self.answer.addItem(result.value, result.value)
        else:
            self.answer.setEditable(True)
            self.answer.addItems(self._outcomes)
        form.addRow("Your answer:", self.answer)
        self.reason = QComboBox(self)
        self.reason.setObjectName("override-reason")
        for reason in OverrideReason:
            self.reason.addItem(reason.value, reason.value)
        form.addRow("Reason:", self.reason)
        self.comment = QLineEdit(self)
        self.comment.setObjectName("override-comment")
        self.comment.setPlaceholderText("What you heard (required for Other)")
        form.addRow("Comment:", self.comment)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.clear_button = QPushButton("Use the AI's answer", self)
        self.clear_button.setObjectName("override-clear")
        self.clear_button.setVisible(current is not None)
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        form.addRow(self.buttons)
        if current is not None:
            answer, reason, comment = current
            if self._outcomes is None:
                self.answer.setCurrentIndex(max(0, self.answer.findData(str(answer))))
            else:
                self.answer.setCurrentText(str(answer))
            self.reason.setCurrentIndex(max(0, self.reason.findData(reason.value)))
            self.comment.setText(comment)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self._clear)
        self.reason.currentIndexChanged.connect(self._check)
        self.comment.textChanged.connect(self._check)
        self.answer.currentTextChanged.connect(self._check)
        self._check()

    def problem(self) -> str | None:
        if self._outcomes is not None and not self.answer.currentText().strip():
            return "Give the outcome."
        if self.chosen_reason() is OverrideReason.OTHER and not self.comment.text().strip():
            return 'Say why in the comment: the reason "Other" needs one.'
        return None

    def chosen_reason(self) -> OverrideReason:
        # Qt hands an enum stored in an item back as its plain value.
        return OverrideReason(self.reason.currentData())

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        problem = self.problem()
        ok.setEnabled(problem is None)
        ok.setToolTip(problem or "")

    def set_values(self, answer: CriterionResult | str, reason: OverrideReason, comment: str):
        """Fill the form (tests and keyboard-driven callers)."""
        if isinstance(answer, CriterionResult):
            self.answer.setCurrentIndex(self.answer.findData(answer.value))
        else:
            self.answer.setCurrentText(answer)
        self.reason.setCurrentIndex(self.reason.findData(reason.value))
        self.comment.setText(comment)

    def _accept(self) -> None:
        if self.problem() is not None:
            return
        answer = (
            CriterionResult(self.answer.currentData())
            if self._outcomes is None
            else self.answer.currentText().strip()
        )
        self.chosen.emit(answer, self.chosen_reason(), self.comment.text().strip())
        self.accept()

    def _clear(self) -> None:
        self.cleared.emit()
        self.accept()
