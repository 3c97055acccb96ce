"""The transcript's read-only text view: it reports clicks, hovers, resizes and the
user's own scrolling, and lets the panel paint under the text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QTextEdit,
    QWidget,
)


class TranscriptView(QTextEdit):
    """The read-only document view. It owns no transcript logic: it reports clicks,
    hovers, resizes and the user's own scrolling, and lets the panel paint under the
    text."""

    clicked = Signal(QPoint)
    hovered = Signal(QPoint)
    resized = Signal()
    userScrolled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript-view")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Transcript")
        self.viewport().setMouseTracking(True)
        self.paint_underlay: Callable[[QPainter, QRect], None] | None = None
        self._press_pos: QPoint | None = None
        #: The click under way gave the view focus (e.g. to press Ctrl+F): it does
        #: not play.
        self._focusing_click = False
        self.verticalScrollBar().actionTriggered.connect(self._scroll_action)

    def _scroll_action(self, _action: int) -> None:
        # Emitted before the move, with the target in sliderPosition: a wheel at the end
        # of the range moves nothing and is not a reason to stop following.
        bar = self.verticalScrollBar()
        if bar.sliderPosition() != bar.value():
            self.userScrolled.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.paint_underlay is not None:
            painter = QPainter(self.viewport())
            self.paint_underlay(painter, event.rect())
            painter.end()
        super().paintEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Qt gives focus before it delivers the press that asked for it.
        self._focusing_click = event.reason() == Qt.FocusReason.MouseFocusReason
        super().focusInEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        press, self._press_pos = self._press_pos, None
        focusing, self._focusing_click = self._focusing_click, False
        # A click plays from there; the click that only brought focus here does not,
        # and a drag (or a double-click's word selection) is left to select text.
        if (
            event.button() == Qt.MouseButton.LeftButton
            and not focusing
            and press is not None
            and (pos - press).manhattanLength() < QApplication.startDragDistance()
            and not self.textCursor().hasSelection()
        ):
            self.clicked.emit(pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if not event.buttons():
            self.hovered.emit(event.position().toPoint())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()
