"""Where the transcript's turns and words are drawn, what is under a point (so what a
click plays, and where the pointer is a hand), and the painting under the text (the
current-turn band, the other matches' wash). A mixin of ``TranscriptPanel``, which owns
the state it reads."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPalette,
    QTextBlock,
    QTextLine,
)

from voxdesk.ui.transcript.theme_constants import (
    MATCH_ALPHA,
    MATCH_COLOUR,
    TURN_ACCENT_WIDTH,
    TURN_HIGHLIGHT_ALPHA,
    TURN_SPACING_LINES,
)


class TurnGeometryMixin:
    """Geometry, hit-testing and underlay painting of ``TranscriptPanel``."""

    def _offset(self) -> QPointF:
        return QPointF(
            self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value()
        )

    def _block(self, turn: int) -> QTextBlock:
        assert self._document is not None
        return self._document.findBlockByNumber(turn)

    def _block_rect(self, turn: int) -> QRectF:
        assert self._document is not None
        return self._document.documentLayout().blockBoundingRect(self._block(turn))

    def _highlight_rect(self, turn: int) -> QRectF:
        """The current-turn band in viewport coordinates: the full width, and half the
        spacing above and below the turn."""
        rect = self._block_rect(turn).translated(-self._offset())
        pad = self.view.fontMetrics().height() * TURN_SPACING_LINES / 2
        return QRectF(0, rect.top() - pad, self.view.viewport().width(), rect.height() + 2 * pad)

    def turn_rect(self, turn: int) -> QRect:
        """Where turn ``turn`` is drawn, in viewport coordinates."""
        if not 0 <= turn < len(self._turns):
            return QRect()
        return self._block_rect(turn).translated(-self._offset()).toAlignedRect()

    def word_rect(self, turn: int, word: int) -> QRect:
        """Where word ``word`` of turn ``turn`` is drawn (its first line, if it wraps), in
        viewport coordinates; empty when the turn's text does not contain the word."""
        if not 0 <= turn < len(self._turns):
            return QRect()
        spans = self._turns[turn].word_spans
        if not 0 <= word < len(spans) or spans[word] is None:
            return QRect()
        start, end = spans[word]
        rects = self._span_rects(turn, start, end)
        return rects[0].toAlignedRect() if rects else QRect()

    def _span_rects(self, turn: int, start: int, end: int) -> list[QRectF]:
        """Rectangles (one per line) of ``text[start:end]`` of a turn, in viewport
        coordinates."""
        entry = self._turns[turn]
        block = self._block(turn)
        self._block_rect(turn)  # lays the turn out if it is not yet (a far search match)
        layout = block.layout()
        origin = layout.position() - self._offset()
        first = entry.doc_start - block.position() + entry.to_qt(start)
        last = entry.doc_start - block.position() + entry.to_qt(end)
        rects = []
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            line_start, line_end = line.textStart(), line.textStart() + line.textLength()
            if line_end <= first or line_start >= last:
                continue
            left = line.cursorToX(max(first, line_start))[0]
            right = line.cursorToX(min(last, line_end))[0]
            rects.append(QRectF(left, line.y(), right - left, line.height()).translated(origin))
        return rects

    def _turn_at_y(self, y: float) -> int:
        """The turn at (or nearest to) viewport height ``y``."""
        assert self._document is not None
        point = QPointF(0, y) + self._offset()
        position = self._document.documentLayout().hitTest(point, Qt.HitTestAccuracy.FuzzyHit)
        block = self._document.findBlock(max(0, position))
        return max(0, block.blockNumber())

    def _hit(self, pos: QPoint) -> tuple[int, int | None] | None:
        """(turn, word) under a viewport point; word is ``None`` off the turn's words."""
        if not self._turns or self._document is None:
            return None
        turn = self._turn_at_y(pos.y())
        rect = self._block_rect(turn)
        point = QPointF(pos) + self._offset()
        if not rect.contains(point):
            return None
        block = self._block(turn)
        layout = block.layout()
        local = point - layout.position()
        entry = self._turns[turn]
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if not line.y() <= local.y() < line.y() + line.height():
                continue
            if not line.naturalTextRect().contains(local):
                return (turn, None)
            offset = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
            offset -= entry.doc_start - block.position()
            if offset < 0:
                return (turn, None)  # the speaker and time
            return (turn, entry.word_at(entry.from_qt(offset)))
        return (turn, None)

    # --- painting ---------------------------------------------------------------------

    def _paint_underlay(self, painter: QPainter, area: QRect) -> None:
        """The current-turn band and the other matches' wash, for visible turns only."""
        if not self._turns or self._document is None:
            return
        palette = self.view.palette()
        if self._current_turn is not None and self._is_laid_out(self._current_turn):
            band = self._highlight_rect(self._current_turn)
            if band.intersects(QRectF(area)):
                accent = palette.color(QPalette.ColorRole.Highlight)
                wash = QColor(accent)
                wash.setAlpha(TURN_HIGHLIGHT_ALPHA)
                painter.fillRect(band, wash)
                painter.fillRect(QRectF(0, band.top(), TURN_ACCENT_WIDTH, band.height()), accent)
        if not self._matches:
            return
        colour = QColor(MATCH_COLOUR)
        colour.setAlpha(MATCH_ALPHA)
        last_turn = self._turn_at_y(area.bottom())
        for turn in range(self._turn_at_y(area.top()), last_turn + 1):
            lo = bisect_left(self._match_turns, turn)
            hi = bisect_right(self._match_turns, turn)
            for number in range(lo, hi):
                if number == self._current_match:
                    continue
                _, start, end = self._matches[number]
                for rect in self._span_rects(turn, start, end):
                    painter.fillRect(rect, colour)

    # --- mouse ------------------------------------------------------------------------

    def _clicked(self, pos: QPoint) -> None:
        hit = self._hit(pos)
        if hit is None:
            return
        turn, word = hit
        entry = self._turns[turn]
        seconds = entry.turn.words[word].start if word is not None else entry.turn.start
        self.seekRequested.emit(float(seconds))

    def _hovered(self, pos: QPoint) -> None:
        # Everything in a turn plays when clicked, once the view has focus; the gaps
        # between turns do not.
        shape = (
            Qt.CursorShape.PointingHandCursor
            if self.view.hasFocus() and self._hit(pos) is not None
            else Qt.CursorShape.ArrowCursor
        )
        if self.view.viewport().cursor().shape() != shape:
            self.view.viewport().setCursor(shape)
