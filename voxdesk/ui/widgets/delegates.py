"""Item delegates of the call list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from voxdesk.services.formatting import format_score
from voxdesk.ui.theme import score_badge


class ScoreBadgeDelegate(QStyledItemDelegate):
    """The score as a filled pill: its colour says good/fair/poor at a glance, and the
    number is always printed on it, so the colour is never the only signal. The model
    gives the score (a number or ``None``) under ``score_role``."""

    def __init__(self, score_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._score_role = score_role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        score = index.data(self._score_role)
        style = opt.widget.style() if opt.widget else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        badge = score_badge(score)
        text = format_score(score)
        metrics = opt.fontMetrics
        height = metrics.height() + 2
        width = max(metrics.horizontalAdvance("100") + metrics.height(), height)
        rect = QRectF(
            opt.rect.right() - width - metrics.averageCharWidth(),
            opt.rect.center().y() - height / 2 + 0.5,
            width,
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(badge.background)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        font = opt.font
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(badge.foreground)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance("100") + 3 * metrics.height()
        return QSize(max(base.width(), width), max(base.height(), metrics.height() + 6))
