"""Small building blocks shared by the detail and section panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QScrollArea, QVBoxLayout, QWidget

from voxdesk.ui.theme import Badge, badge_css

SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def text_label(
    text: str, parent: QWidget | None = None, *, name: str = "", wrap: bool = True
) -> QLabel:
    """Plain, selectable, wrapping text (never interpreted as HTML: it is call data)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(SELECTABLE)
    label.setCursor(Qt.CursorShape.IBeamCursor)
    if name:
        label.setObjectName(name)
    return label


def heading_label(text: str, parent: QWidget | None = None, *, scale: float = 1.1) -> QLabel:
    """A bold title sized relative to the user's font, so it follows high-DPI scaling."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def badge_label(
    badge: Badge, text: str, parent: QWidget | None = None, *, name: str = ""
) -> QLabel:
    """A coloured pill that always carries words or a symbol as well as its colour."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setStyleSheet(badge_css(badge))
    label.setSizePolicy(label.sizePolicy().horizontalPolicy(), label.sizePolicy().verticalPolicy())
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(SELECTABLE)
    if name:
        label.setObjectName(name)
    return label


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


class ReadingPane(QScrollArea):
    """A vertically scrolling column of text that wraps to the pane's width instead of
    scrolling sideways; subclasses fill ``_layout`` (``_content`` is its widget)."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._content = QWidget(self)
        self._layout = QVBoxLayout(self._content)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._content)
