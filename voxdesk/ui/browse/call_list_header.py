"""The call list's column header, with a sort arrow that points the way the values run.

Qt hands the style "sort down" for an ascending column, and Fusion draws that as an
arrow pointing down, so oldest-first showed ▼ and newest-first ▲: the reverse of what
file managers and spreadsheets show (▲ ascending, smallest on top). Only the drawing
is flipped; the header's sort order, and so what a click requests, keeps Qt's meaning.

A section narrower than its title (the status column shrunk to its icon on a small
screen) shows its icon alone rather than a clipped word; the title stays in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

_FLIPPED = {
    QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
    QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp,
}


class CallListHeader(QHeaderView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as QTableView's own header

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical_index: int) -> None:
        super().initStyleOptionForIndex(option, logical_index)
        option.sortIndicator = _FLIPPED.get(option.sortIndicator, option.sortIndicator)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, self)
        room = self.sectionSize(logical_index) - 2 * margin
        if not option.icon.isNull():
            room -= self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + margin
        if (
            option.text
            and not option.icon.isNull()
            and self.fontMetrics().horizontalAdvance(option.text) > room
        ):
            option.text = ""
