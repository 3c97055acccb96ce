"""Small building blocks shared by the detail and section panels."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QFont, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QScrollArea, QVBoxLayout, QWidget

from voxdesk.domain.timeline import find_timestamps
from voxdesk.ui.theme import Badge, badge_css

#: Links in evidence text: ``seek:<seconds>``.
SEEK_SCHEME = "seek:"
#: The plain text of a label whose text is rich (links), for copying and for tests.
PLAIN_TEXT_PROPERTY = "plainText"

SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)
#: A run of this many characters without a space (a URL, an id) gets break points, so
#: wrapping text never needs more width than the pane has.
LONG_WORD = 24
_LONG_WORD = re.compile(rf"\S{{{LONG_WORD},}}")
_BREAK = "\u200b"  # zero-width space: a line may break here, nothing is drawn


def soft_wrap(text: str) -> str:
    """``text`` with invisible break points inside over-long words (display only)."""

    def breakable(found: re.Match[str]) -> str:
        word, step = found.group(0), LONG_WORD // 2
        return _BREAK.join(word[i : i + step] for i in range(0, len(word), step))

    return _LONG_WORD.sub(breakable, text)


def has_long_word(text: str) -> bool:
    return _LONG_WORD.search(text) is not None


def text_label(
    text: str, parent: QWidget | None = None, *, name: str = "", wrap: bool = True
) -> QLabel:
    """Plain, selectable, wrapping text (never interpreted as HTML: it is call data).
    Over-long words get invisible break points (``soft_wrap``); the text as given stays
    in ``PLAIN_TEXT_PROPERTY``."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(soft_wrap(text) if wrap else text)
    label.setProperty(PLAIN_TEXT_PROPERTY, text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(SELECTABLE)
    label.setCursor(Qt.CursorShape.IBeamCursor)
    if name:
        label.setObjectName(name)
    return label


def evidence_html(text: str) -> str:
    """``text`` as escaped HTML with each ``[MM:SS]`` a ``seek:`` link."""
    parts, last = [], 0
    for found in find_timestamps(text):
        parts.append(html.escape(soft_wrap(text[last : found.start])))
        parts.append(
            f'<a href="{SEEK_SCHEME}{found.seconds:g}">{html.escape(found.text_in(text))}</a>'
        )
        last = found.end
    parts.append(html.escape(soft_wrap(text[last:])))
    return "".join(parts).replace("\n", "<br>")


def evidence_label(
    text: str, on_seek: Callable[[float], None], parent: QWidget | None = None, *, name: str = ""
) -> QLabel:
    """Like ``text_label``, but every ``[MM:SS]`` in it is a link that seeks the player
    there (mouse, or Tab then Enter). Text without timestamps stays plain text."""
    label = text_label(text, parent, name=name)
    label.setProperty(PLAIN_TEXT_PROPERTY, text)
    if not find_timestamps(text):
        return label
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(evidence_html(text))
    label.setTextInteractionFlags(
        SELECTABLE
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        | Qt.TextInteractionFlag.LinksAccessibleByMouse
    )
    label.setToolTip("Click a time to play the call from there.")

    def activated(link: str) -> None:
        if link.startswith(SEEK_SCHEME):
            on_seek(float(link[len(SEEK_SCHEME) :]))

    label.linkActivated.connect(activated)
    return label


class ElidedLabel(QLabel):
    """One line of plain text that shortens itself with "…" to the width it is given
    instead of widening its pane; the whole text is in its tooltip and its context
    menu's Copy (an elided label cannot be selected whole)."""

    def __init__(
        self,
        text: str,
        parent: QWidget | None = None,
        *,
        name: str = "",
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self._full_text = ""
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        if name:
            self.setObjectName(name)
        copy = QAction("Copy", self)
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(self._full_text))
        self.addAction(copy)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full_text = text
        self.setProperty(PLAIN_TEXT_PROPERTY, text)
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full_text)
        return QSize(width + margins.left() + margins.right(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full_text[:3] + "…")
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # e.g. made a heading after creation
            self._elide()
            self.updateGeometry()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        self.setText(self.fontMetrics().elidedText(self._full_text, self._mode, width))


def heading_label(text: str, parent: QWidget | None = None, *, scale: float = 1.1) -> QLabel:
    """A bold title sized relative to the user's font, so it follows high-DPI scaling."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFont(heading_font(label, scale))
    return label


def heading_font(widget: QWidget, scale: float = 1.1) -> QFont:
    font = QFont(widget.font())
    font.setBold(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    return font


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
        self._content.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the content can be and no narrower: a splitter dragged further
        would cut the content off, since the pane never scrolls sideways."""
        hint = super().minimumSizeHint()
        extra = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(
            max(hint.width(), self._content.minimumSizeHint().width() + extra), hint.height()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._content and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # new content may need a different minimum width
        return super().eventFilter(watched, event)
