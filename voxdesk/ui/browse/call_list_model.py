"""The Qt table model of the call list: a thin adapter over ``CallListState``.

It never sorts, filters or loads anything itself. A header click becomes
``orderRequested(CallOrder)`` and a scroll to the end becomes ``moreRequested()``; the
controller runs the SQL on the catalog's thread and hands the rows back through
``reset_rows``/``append_rows``/``update_row``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from voxdesk.domain import CallStatus
from voxdesk.services.catalog import CallOrder, CallRow, SortKey
from voxdesk.services.formatting import format_score
from voxdesk.ui.browse.call_list_state import CallListState
from voxdesk.ui.browse.columns import ANALYSIS, ListColumn, ListLayout
from voxdesk.ui.widgets.status_icons import status_icon

AnyIndex = QModelIndex | QPersistentModelIndex

CALL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SCORE_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
ROW_ROLE = Qt.ItemDataRole.UserRole + 4


class Column(IntEnum):
    """The analysis layout's columns (``columns.ANALYSIS``), by position."""

    DATE = 0
    AGENT = 1
    CATEGORY = 2
    DURATION = 3
    SCORE = 4
    OUTCOME = 5
    STATUS = 6

    @property
    def title(self) -> str:
        return self.name.capitalize()

    @property
    def sort_key(self) -> SortKey:
        return SortKey(self.name.lower())

    @classmethod
    def for_key(cls, key: SortKey) -> Column:
        return cls[key.name]


class CallListModel(QAbstractTableModel):
    """Rows of ``CallListState``; reads only, changes only through the methods below."""

    #: The user asked for another order (a header click).
    orderRequested = Signal(object)  # CallOrder
    #: The view reached the end of the loaded rows and more exist.
    moreRequested = Signal()

    def __init__(self, state: CallListState, parent: Any = None) -> None:
        super().__init__(parent)
        self.state = state
        self.list_layout: ListLayout = ANALYSIS
        self._fetching = False

    def set_layout(self, layout: ListLayout) -> None:
        """Show another platform's columns (the rows are reloaded by the controller)."""
        if layout != self.list_layout:
            self.beginResetModel()
            self.list_layout = layout
            self.endResetModel()

    def column(self, section: int) -> ListColumn | None:
        columns = self.list_layout.columns
        return columns[section] if 0 <= section < len(columns) else None

    # --- read ------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.state.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.list_layout.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        column = self.column(section)
        if orientation == Qt.Orientation.Horizontal and column is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {column.title.lower()}"
            if role == Qt.ItemDataRole.DecorationRole and column.status_icon:
                # What the column's icons mean, and all it shows when shrunk to them.
                return status_icon(CallStatus.COMPLETED)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        column = self.column(index.column()) if index.isValid() else None
        if column is None or index.row() >= len(self.state.rows):
            return None
        row = self.state.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column.status_icon:
            return status_icon(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == CALL_ID_ROLE:
            return row.call_id
        if role == SCORE_ROLE:
            return column.score(row) if column.score is not None else row.score
        if role == STATUS_ROLE:
            return row.status.value
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _tooltip(row: CallRow, column: ListColumn) -> str | None:
        if column.status_icon:
            # The column may be narrowed to its icon: the word is always here.
            if not row.status.is_final:
                return f"{column.text(row)}: being analysed; this row updates by itself."
            return f"{column.text(row)}\nCall {row.call_id}"
        score = column.score(row) if column.score is not None else None
        if score is not None:
            return f"{column.title} {format_score(score)} of 100"
        if column.elides:
            # The cell may be shortened ("camp_…"): the whole value, then the call.
            return f"{column.text(row)}\nCall {row.call_id}"
        return f"Call {row.call_id}"

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # --- paging and ordering (requests only: the controller does the work) ------------

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.state.has_more and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.moreRequested.emit()

    def fetch_finished(self) -> None:
        """The requested page arrived (or failed): further pages may be asked for."""
        self._fetching = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spec = self.column(column)
        if spec is not None:
            self.orderRequested.emit(
                CallOrder(
                    key=spec.key,
                    descending=order == Qt.SortOrder.DescendingOrder,
                )
            )

    # --- changes ---------------------------------------------------------------------

    def reset_rows(self, rows: list[CallRow], total: int) -> None:
        self.beginResetModel()
        self.state.reset(rows, total)
        self._fetching = False
        self.endResetModel()

    def append_rows(self, rows: list[CallRow]) -> None:
        fresh = [row for row in rows if self.state.index_of(row.call_id) is None]
        if fresh:
            first = len(self.state.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self.state.append(fresh)
            self.endInsertRows()
        self._fetching = False

    def update_row(self, row: CallRow) -> None:
        position = self.state.replace(row)
        if position is not None:
            self.dataChanged.emit(
                self.index(position, 0), self.index(position, len(self.list_layout.columns) - 1)
            )

    def call_id_at(self, row: int) -> str | None:
        return self.state.rows[row].call_id if 0 <= row < len(self.state.rows) else None
