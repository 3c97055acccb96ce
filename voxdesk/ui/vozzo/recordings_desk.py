"""The Vozzo desk: a use-case picker above the recordings list with a state filter and a
date range, a recording's answers / bucket / transcript beside it, files dropped on the
list uploaded into the picked use case, and the use-case manager and dashboard a click
away.

Filtering is the platform's (its recordings request takes the state and the days), so
nothing is filtered here. While a listed recording is still in progress the list is
read again every ``POLL_MS`` and the open recording with it, so a reviewer watches
uploads reach ANALYSIS_COMPLETED. Uploads go through the persistent queue
(``UploadQueue``: one recording per file, resumable) — the caller's, since one
connection's jobs must run in one queue (the window's upload presenter owns it). Every
request is a named task the desk owns; ``shutdown`` cancels them.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.contracts import vozzo as wire
from voxdesk.domain import Call
from voxdesk.domain.timeline import clock
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.queries import CallQuery
from voxdesk.providers.vozzo import VozzoProvider
from voxdesk.providers.vozzo_mapping import STATE_OF_STATUS, STATUS_OF_STATE
from voxdesk.services.calls import CallService
from voxdesk.services.tasks import NamedTasks
from voxdesk.services.uploads.jobs import UploadMetadata
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.ui.playback.player import Player
from voxdesk.ui.vozzo.dashboard import UseCaseDashboard
from voxdesk.ui.vozzo.recording_detail import RecordingDetail
from voxdesk.ui.vozzo.usecase_manager import UseCaseManager
from voxdesk.ui.widgets.banner import ErrorBanner
from voxdesk.ui.widgets.date_filter import DateFilterEdit
from voxdesk.ui.widgets.drop_target import DropTarget

log = logging.getLogger("voxdesk.ui.vozzo")

POLL_MS = 1500
PAGE_SIZE = wire.MAX_LIMIT
COLUMNS = ("Recording", "State", "Call date", "Length")
#: The recording's ``Call.id`` on each row's first cell.
CALL_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_STATES = "All states"
NO_USECASE = "Choose a use case (or create one in Use cases…) to drop recordings on it."


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), UTC)


class VozzoDesk(QWidget):
    #: The list was read: the calls shown (tests and the status bar follow it).
    recordingsShown = Signal(list)
    #: The open recording was read again.
    recordingShown = Signal(object)

    def __init__(
        self, service: CallService, queue: UploadQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert isinstance(service.provider, VozzoProvider)
        self.setObjectName("vozzo-desk")
        self.service = service
        self.provider: VozzoProvider = service.provider
        self.queue = queue
        self.usecases: list[wire.UsecaseListItem] = []
        self.calls: list[Call] = []
        self.player: Player | None = None
        #: The recording the player holds (its URL is asked for once per recording).
        self._loaded_call_id: str | None = None
        self.manager: UseCaseManager | None = None
        self.dashboard_dialog: QDialog | None = None
        self.dashboard: UseCaseDashboard | None = None
        self._tasks = NamedTasks()
        self._poll = QTimer(self)
        self._poll.setSingleShot(True)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.reload_recordings)
        self._setup_ui()
        self._unsubscribe = queue.subscribe(lambda _job: self._poll.start())

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        self.banner.retryRequested.connect(self.start)
        layout.addWidget(self.banner)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Use case:", self))
        self.picker = QComboBox(self)
        self.picker.setObjectName("usecase-picker")
        self.picker.setMinimumContentsLength(24)
        self.picker.currentIndexChanged.connect(lambda _i: self._usecase_changed())
        bar.addWidget(self.picker, 1)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("state-filter")
        self.state_filter.addItem(ALL_STATES, None)
        for state in wire.RecordingState:
            self.state_filter.addItem(state.value, state)
        self.state_filter.currentIndexChanged.connect(lambda _i: self.reload_recordings())
        bar.addWidget(self.state_filter)
        bar.addWidget(QLabel("From:", self))
        self.date_from = DateFilterEdit(
            self, name="date-from", fallback=lambda: self.date_to.date()
        )
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("To:", self))
        self.date_to = DateFilterEdit(self, name="date-to", fallback=lambda: self.date_from.date())
        bar.addWidget(self.date_to)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.reload_recordings())
        self.manage_button = QPushButton("Use cases…", self)
        self.manage_button.setObjectName("usecases-manage")
        self.manage_button.clicked.connect(self.open_manager)
        bar.addWidget(self.manage_button)
        self.dashboard_button = QPushButton("Dashboard", self)
        self.dashboard_button.setObjectName("usecase-dashboard-open")
        self.dashboard_button.clicked.connect(self.open_dashboard)
        bar.addWidget(self.dashboard_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS), left)
        self.table.setObjectName("recording-list")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        left_layout.addWidget(self.table)
        self.status = QLabel(NO_USECASE, left)
        self.status.setObjectName("vozzo-status")
        self.status.setWordWrap(True)
        left_layout.addWidget(self.status)
        self.detail = RecordingDetail(splitter)
        self.detail.seekRequested.connect(self.play_from)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        # The list wide enough for a file name, its state and day; the rest for the detail.
        chars = self.fontMetrics().averageCharWidth()
        splitter.setSizes([chars * 70, chars * 110])
        layout.addWidget(splitter, 1)
        self.drops = DropTarget(self.table.viewport())
        self.drops.files_dropped.connect(self.upload)

    # --- use cases ----------------------------------------------------------------------

    def start(self) -> None:
        """Read the use cases (then the picked one's recordings)."""
        self._tasks.start("usecases", self._load_usecases())

    async def _load_usecases(self) -> None:
        try:
            usecases = await self.provider.list_usecases()
        except ProviderError as exc:
            self.banner.show_error(f"The use cases could not be read: {exc}")
            return
        self.banner.hide()
        self.show_usecases(usecases)

    def show_usecases(self, usecases: list[wire.UsecaseListItem]) -> None:
        picked = self.usecase_id()
        self.usecases = usecases
        self.picker.blockSignals(True)
        self.picker.clear()
        for item in usecases:
            self.picker.addItem(item.usecase_name, item.usecase_uuid)
        found = self.picker.findData(picked) if picked else -1
        self.picker.setCurrentIndex(found if found >= 0 else (0 if usecases else -1))
        self.picker.blockSignals(False)
        self._usecase_changed()

    def usecase_id(self) -> str | None:
        return self.picker.currentData()

    def pick_usecase(self, usecase_id: str) -> None:
        index = self.picker.findData(usecase_id)
        if index >= 0:
            self.picker.setCurrentIndex(index)

    def _usecase_changed(self) -> None:
        usecase = self.usecase_id()
        self.drops.refuse(None if usecase else NO_USECASE)
        self.status.setText(
            f"Drop recordings here to upload them into “{self.picker.currentText()}”."
            if usecase
            else NO_USECASE
        )
        if self.dashboard is not None:
            self.dashboard.show_usecase(usecase, self.picker.currentText())
        self.detail.show_call(None)
        self.reload_recordings()

    # --- recordings --------------------------------------------------------------------

    def query(self) -> CallQuery | None:
        usecase = self.usecase_id()
        if usecase is None:
            return None
        state = self.state_filter.currentData()
        return CallQuery(
            page_size=PAGE_SIZE,
            grouping_id=usecase,
            status=STATUS_OF_STATE[state] if state is not None else None,
            date_from=_day_start(self.date_from.date()),
            date_to=_day_start(self.date_to.date()),
        )

    def reload_recordings(self) -> None:
        self._poll.stop()
        query = self.query()
        if query is None:
            self.show_recordings([])
            return
        self._tasks.start("list", self._load_recordings(query))

    async def _load_recordings(self, query: CallQuery) -> None:
        try:
            page = await self.provider.list_calls(query)
        except ProviderError as exc:
            self.banner.show_error(f"The recordings could not be read: {exc}")
            self._poll.start()
            return
        self.banner.hide()
        states = [(call.id, call.status) for call in page.calls]
        changed = states != [(call.id, call.status) for call in self.calls]
        self.show_recordings(page.calls)
        if changed and self.dashboard is not None and self.dashboard.isVisible():
            self.dashboard.refresh()  # a recording arrived or finished: the counts moved
        opened = self.detail.call
        if opened is not None:
            listed = next((c for c in page.calls if c.id == opened.id), None)
            if listed is not None and listed.status is not opened.status:
                self._tasks.start("detail", self._open(opened.id))
        if any(not call.status.is_final for call in page.calls):
            self._poll.start()

    def show_recordings(self, calls: list[Call]) -> None:
        selected = self.selected_call_id()
        self.calls = calls
        self.table.blockSignals(True)
        self.table.setRowCount(len(calls))
        for row, call in enumerate(calls):
            values = (
                str(call.udfs.get("file", call.id)),
                STATE_OF_STATUS[call.status].value,
                call.date.date().isoformat() if call.date else "",
                clock(call.duration) if call.duration is not None else "",
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column == 0:
                    cell.setData(CALL_ROLE, call.id)
                self.table.setItem(row, column, cell)
            if call.id == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self.recordingsShown.emit(calls)

    def selected_call_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(CALL_ROLE) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selection_changed(self) -> None:
        call_id = self.selected_call_id()
        if call_id is None:
            self.detail.show_call(None)
            return
        self._tasks.start("detail", self._open(call_id))

    async def _open(self, call_id: str) -> None:
        try:
            call = await self.provider.get_call(call_id)
        except ProviderError as exc:
            self.banner.show_error(f"The recording could not be read: {exc}")
            return
        self.detail.show_call(call)
        self.recordingShown.emit(call)

    # --- playback ----------------------------------------------------------------------

    def play_from(self, seconds: float) -> None:
        """An evidence link or a transcript time was clicked: play the open recording
        from there (its audio URL is asked for on the first play)."""
        call = self.detail.call
        if call is not None:
            self._tasks.start("play", self._play_from(call, seconds))

    async def _play_from(self, call: Call, seconds: float) -> None:
        if self.player is None:
            self.player = Player(self)
        if self._loaded_call_id != call.id:
            try:
                recording = await self.provider.recording_url(call.id)
            except ProviderError as exc:
                self.banner.show_error(f"The recording could not be opened: {exc}")
                return
            if recording is None:
                return
            self.player.load(recording.url, seconds)
            self._loaded_call_id = call.id
        self.player.play_from(seconds)

    # --- uploads, manager, dashboard -----------------------------------------------------

    def upload(self, paths: list[Path]) -> None:
        usecase = self.usecase_id()
        if usecase is None:
            self.status.setText(NO_USECASE)
            return
        metadata = UploadMetadata(member_id="", category_id=usecase)
        self._tasks.start("upload", self.queue.add(paths, metadata))

    def open_manager(self) -> None:
        if self.manager is None:
            self.manager = UseCaseManager(self.provider, self)
            self.manager.usecasesChanged.connect(
                lambda: self._tasks.start("usecases", self._load_usecases())
            )
        self.manager.show_usecases(self.usecases)
        self.manager.reload()
        self.manager.open()

    def open_dashboard(self) -> None:
        if self.dashboard_dialog is None:
            self.dashboard_dialog = QDialog(self)
            self.dashboard_dialog.setObjectName("usecase-dashboard-dialog")
            self.dashboard_dialog.setWindowTitle("Use-case dashboard")
            box = QVBoxLayout(self.dashboard_dialog)
            self.dashboard = UseCaseDashboard(self.provider, self.dashboard_dialog)
            box.addWidget(self.dashboard)
            font = self.fontMetrics()
            self.dashboard_dialog.resize(font.averageCharWidth() * 140, font.height() * 34)
        assert self.dashboard is not None
        self.dashboard.show_usecase(self.usecase_id(), self.picker.currentText())
        self.dashboard_dialog.open()

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def shutdown(self) -> None:
        self._poll.stop()
        await self._tasks.close()
        self._unsubscribe()
        for child in (self.manager, self.dashboard):
            if child is not None:
                await child.close_tasks()
