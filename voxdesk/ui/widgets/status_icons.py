"""Call status icons, drawn rather than typed: the hourglass glyph (U+23F3) that the list
used is missing from common fonts and showed as an empty box. Each icon has the status
badge's colour and a shape of its own (clock, tick, cross), and the list always prints
the status word beside it, so neither colour nor shape is the only signal."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from voxdesk.domain import CallStatus
from voxdesk.ui.theme import STATUS_BADGES

#: Drawn at this size; Qt scales it down to the row (sharp on high-DPI screens too).
ICON_PIXELS = 64


@cache
def status_icon(status: CallStatus) -> QIcon:
    badge = STATUS_BADGES[status]
    pixmap = QPixmap(ICON_PIXELS, ICON_PIXELS)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    disc = QRectF(4, 4, ICON_PIXELS - 8, ICON_PIXELS - 8)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(badge.background)
    painter.drawEllipse(disc)
    pen = QPen(QColor(badge.foreground), ICON_PIXELS / 10)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_mark(status, disc))
    painter.end()
    return QIcon(pixmap)


def _mark(status: CallStatus, disc: QRectF) -> QPainterPath:
    """The white mark on the disc: clock hands while waiting, a tick, or a cross."""
    c, r = disc.center(), disc.width() / 2
    path = QPainterPath()
    if status is CallStatus.COMPLETED:
        path.moveTo(c + QPointF(-0.45 * r, 0.0))
        path.lineTo(c + QPointF(-0.12 * r, 0.35 * r))
        path.lineTo(c + QPointF(0.48 * r, -0.35 * r))
    elif status is CallStatus.FAILED:
        for dx, dy in ((0.4, 0.4), (0.4, -0.4)):
            path.moveTo(c + QPointF(-dx * r, -dy * r))
            path.lineTo(c + QPointF(dx * r, dy * r))
    else:
        path.moveTo(c + QPointF(0.0, -0.55 * r))
        path.lineTo(c)
        path.lineTo(c + QPointF(0.4 * r, 0.2 * r))
    return path
