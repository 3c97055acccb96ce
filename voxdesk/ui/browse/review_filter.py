"""The list's review filter: all calls, by review state, the calls where the reviewer
disagreed with the AI, or the Needs attention view (analysed calls not reviewed yet
whose AI score is below a threshold the reviewer sets, or that the AI auto-failed, or
with an answer the engine marked uncertain). Saved with the list's filter, so Needs
attention can be the view the desk opens on."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from voxdesk.services.catalog import CallFilter

ALL, NEEDS_ATTENTION, DISAGREED = "all", "attention", "disagreed"
#: (text, key, review states) in the drop-down's order.
CHOICES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("All reviews", ALL, frozenset()),
    ("Needs attention", NEEDS_ATTENTION, frozenset()),
    ("Unreviewed", "unreviewed", frozenset({"unreviewed"})),
    ("Drafts", "draft", frozenset({"draft"})),
    ("Reviewed", "reviewed", frozenset({"reviewed"})),
    ("Human ≠ AI", DISAGREED, frozenset()),
)
DEFAULT_THRESHOLD = 70


class ReviewFilter(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QComboBox(self)
        self.box.setObjectName("review-filter")
        for text, key, _ in CHOICES:
            self.box.addItem(text, key)
        # As narrow as a short word: the list's top row must fit a 853-pixel window.
        self.box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.box.setMinimumContentsLength(7)
        self.box.setToolTip("Review state, or the Needs attention view")
        self.threshold = QSpinBox(self)
        self.threshold.setObjectName("attention-threshold")
        self.threshold.setRange(0, 100)
        self.threshold.setPrefix("AI below ")
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.setToolTip(
            "Needs attention: not reviewed yet, and an AI score below this, an auto-fail "
            "or an uncertain answer"
        )
        layout.addWidget(self.box)
        layout.addWidget(self.threshold)
        self.box.currentIndexChanged.connect(self._box_changed)
        self.threshold.valueChanged.connect(self.changed)
        self._box_changed()

    def _box_changed(self) -> None:
        self.threshold.setVisible(self.box.currentData() == NEEDS_ATTENTION)
        self.changed.emit()

    def applied_to(self, where: CallFilter) -> CallFilter:
        key = self.box.currentData()
        states = next(s for _, k, s in CHOICES if k == key)
        disagreed = key == DISAGREED
        return replace(
            where,
            review_states=states,
            attention_below=float(self.threshold.value()) if key == NEEDS_ATTENTION else None,
            delta_min=None,
            delta_max=None,
            differs=disagreed,
        )

    def show_filter(self, where: CallFilter) -> None:
        """Show ``where`` (without emitting ``changed``)."""
        self.blockSignals(True)
        try:
            if where.attention_below is not None:
                key = NEEDS_ATTENTION
                self.threshold.setValue(round(where.attention_below))
            elif where.differs:
                key = DISAGREED
            else:
                key = next((k for _, k, s in CHOICES if s and s == where.review_states), ALL)
            self.box.setCurrentIndex(max(0, self.box.findData(key)))
            self.threshold.setVisible(key == NEEDS_ATTENTION)
        finally:
            self.blockSignals(False)
