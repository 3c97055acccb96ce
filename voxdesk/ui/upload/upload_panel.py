"""The upload queue as a dock: one row per file, Cancel/Retry, overall progress.

The model is a thin view of the queue's plain Python state: it keeps only the order of
job ids and reads each job back from the queue when a cell is painted. The queue tells
it which job changed (a listener on the event loop), and Cancel/Retry are plain calls on
the queue, which owns every task. The panel itself never touches the network.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voxdesk.services.uploads.jobs import UploadJob, UploadState
from voxdesk.services.uploads.queue import QueueTotals
from voxdesk.services.uploads.report import format_speed, format_time_left, state_text

JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class UploadSource(Protocol):
    """What the panel needs of an ``UploadQueue``."""

    def jobs(self) -> list[UploadJob]: ...
    def job(self, job_id: str) -> UploadJob | None: ...
    def totals(self) -> QueueTotals: ...
    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]: ...
    def cancel(self, job_id: str) -> bool: ...
    def retry(self, job_id: str) -> bool: ...
    def cancel_all(self) -> int: ...
    def retry_all(self) -> int: ...
    def clear_finished(self) -> int: ...


class Column(IntEnum):
    FILE = 0
    STATE = 1
    PROGRESS = 2
    SPEED = 3
    TIME_LEFT = 4
    REASON = 5


HEADERS = {
    Column.FILE: "File",
    Column.STATE: "State",
    Column.PROGRESS: "Progress",
    Column.SPEED: "Speed",
    Column.TIME_LEFT: "Time left",
    Column.REASON: "Reason",
}


class UploadTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source: UploadSource | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}

    def set_source(self, source: UploadSource | None) -> None:
        """Show another queue (the active connection's), or none."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.beginResetModel()
        self._source = source
        self._ids = [job.id for job in source.jobs()] if source else []
        self._reindex()
        self.endResetModel()
        if source is not None:
            self._unsubscribe = source.subscribe(self.job_changed)

    def job_id(self, row: int) -> str:
        return self._ids[row]

    def job_changed(self, job_id: str) -> None:
        """The queue's listener: insert, update or remove the job's row."""
        job = self._source.job(job_id) if self._source else None
        row = self._rows.get(job_id)
        if job is None and row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._reindex()
            self.endRemoveRows()
        elif job is not None and row is None:
            end = len(self._ids)
            self.beginInsertRows(QModelIndex(), end, end)
            self._ids.append(job_id)
            self._rows[job_id] = end
            self.endInsertRows()
        elif job is not None and row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _reindex(self) -> None:
        self._rows = {job_id: row for row, job_id in enumerate(self._ids)}

    # --- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._source is None:
            return None
        job = self._source.job(self._ids[index.row()])
        if job is None:
            return None
        column = Column(index.column())
        if role == JOB_ID_ROLE:
            return job.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(job.path) if column is Column.FILE else job.reason
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column is Column.FILE:
            return job.name
        if column is Column.STATE:
            return state_text(job)
        if column is Column.PROGRESS:
            return f"{job.progress:.0%}"
        if column is Column.SPEED:
            return format_speed(job.speed) if job.state is UploadState.UPLOADING else ""
        if column is Column.TIME_LEFT:
            return format_time_left(job.seconds_left) if job.state is UploadState.UPLOADING else ""
        return job.reason or ""


class _JobTable(QTableView):
    """Asks for its header and ``HINT_ROWS`` rows only: the dock opens small beside the
    reading panes, and a reviewer with many uploads drags it taller."""

    HINT_ROWS = 2

    def sizeHint(self) -> QSize:
        rows = self.verticalHeader().defaultSectionSize() * self.HINT_ROWS
        height = self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), height)


class UploadPanel(QDockWidget):
    """``UploadPanel(parent)`` then ``set_queue(queue)``; add it with
    ``window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Uploads", parent)
        self.setObjectName("uploadPanel")
        self.model = UploadTableModel(self)
        self.view = _JobTable()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            Column.REASON, QHeaderView.ResizeMode.Stretch
        )
        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.summary = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.retry_button = QPushButton("Retry")
        self.cancel_all_button = QPushButton("Cancel all")
        self.retry_all_button = QPushButton("Retry all")
        self.clear_button = QPushButton("Clear finished")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_all_button.clicked.connect(lambda: self._queue and self._queue.cancel_all())
        self.retry_all_button.clicked.connect(lambda: self._queue and self._queue.retry_all())
        self.clear_button.clicked.connect(lambda: self._queue and self._queue.clear_finished())
        buttons = QHBoxLayout()
        for button in (
            self.cancel_button,
            self.retry_button,
            self.cancel_all_button,
            self.retry_all_button,
            self.clear_button,
        ):
            buttons.addWidget(button)
        # One line under the table for the buttons, the summary and the overall bar:
        # the dock shares the window's height with the reading panes.
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        self.overall.setMaximumWidth(self.fontMetrics().averageCharWidth() * 30)
        buttons.addWidget(self.overall, 1)
        layout = QVBoxLayout()
        margin = self.fontMetrics().height() // 4
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.setSpacing(margin)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        body = QWidget()
        body.setLayout(layout)
        self.setWidget(body)
        self._queue: UploadSource | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.model.modelReset.connect(self._refresh)
        self.view.selectionModel().selectionChanged.connect(self._refresh)
        self._refresh()

    def set_queue(self, queue: UploadSource | None) -> None:
        """Show the active connection's queue (``None`` when there is none)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._queue = queue
        self.model.set_source(queue)
        if queue is not None:
            self._unsubscribe = queue.subscribe(lambda _job_id: self._refresh())
        self._refresh()

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.job_id(row) for row in rows]

    def cancel_selected(self) -> None:
        if self._queue is not None:
            for job_id in self.selected_ids():
                self._queue.cancel(job_id)

    def retry_selected(self) -> None:
        if self._queue is not None:
            for job_id in self.selected_ids():
                self._queue.retry(job_id)

    def _refresh(self) -> None:
        """Overall progress and which buttons apply, after any change."""
        queue = self._queue
        jobs = queue.jobs() if queue else []
        selected = [queue.job(i) for i in self.selected_ids()] if queue else []
        self.cancel_button.setEnabled(any(j and j.can_cancel for j in selected))
        self.retry_button.setEnabled(any(j and j.can_retry for j in selected))
        self.cancel_all_button.setEnabled(any(j.can_cancel for j in jobs))
        self.retry_all_button.setEnabled(any(j.can_retry for j in jobs))
        self.clear_button.setEnabled(any(j.state.is_final for j in jobs))
        if queue is None or not jobs:
            self.overall.setValue(0)
            self.summary.setText("No uploads.")
            return
        totals = queue.totals()
        # Nothing to send (every file refused or cancelled) is no progress, not 100 %.
        self.overall.setValue(round(totals.fraction * 1000) if totals.bytes_total else 0)
        self.summary.setText(
            f"{totals.succeeded} done, {totals.failed} not uploaded, "
            f"{totals.jobs - totals.finished} in progress"
        )
