"""The use-case manager: the organization's use cases with their recordings counted by
state; New, Edit and Delete open the editor or ask first, and save on the platform.

Every platform request is a named task the dialog owns (cancelled on ``close_tasks``);
a refusal shows in the dialog's banner in the platform's words. ``usecasesChanged``
tells the desk to reload its picker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.contracts import vozzo as wire
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.protocols import SupportsUseCases
from voxdesk.providers.queries import UsecaseDraft
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.vozzo.usecase_editor import UseCaseEditor, draft_of
from voxdesk.ui.widgets.banner import ErrorBanner

COLUMNS = ("Use case", "Tags", "Questions", "Buckets", "Recordings", "Analysed", "In progress",
           "Failed")  # fmt: skip
NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: The use case's uuid, on each row's first cell.
USECASE_ROLE = Qt.ItemDataRole.UserRole + 1


def row_values(item: wire.UsecaseListItem) -> tuple[str, ...]:
    counts = item.recording_counts
    config = item.analysis_config
    return (
        item.usecase_name,
        ", ".join(item.tags),
        str(len(config.analysis_questions)),
        str(len(config.analysis_buckets)),
        str(item.total_recordings),
        str(counts.ANALYSIS_COMPLETED),
        str(counts.INITIATED + counts.TRANSCRIPTION_COMPLETED),
        str(counts.FAILED),
    )


class UseCaseManager(QDialog):
    usecasesChanged = Signal()

    def __init__(self, provider: SupportsUseCases, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usecase-manager")
        self.setWindowTitle("Use cases")
        self.provider = provider
        self.usecases: list[wire.UsecaseListItem] = []
        self.editor: UseCaseEditor | None = None
        self._tasks = NamedTasks()
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("usecase-table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.new_button = QPushButton("New…", self)
        self.new_button.setObjectName("usecase-new")
        self.new_button.clicked.connect(self.new_usecase)
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setObjectName("usecase-edit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("usecase-delete")
        self.delete_button.clicked.connect(self.delete_selected)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        for button in (self.new_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 24)

    # --- the list ---------------------------------------------------------------------

    def reload(self) -> None:
        self._tasks.start("list", self._reload())

    async def _reload(self) -> None:
        try:
            usecases = await self.provider.list_usecases()
        except ProviderError as exc:
            self.banner.show_error(f"The use cases could not be read: {exc}")
            return
        self.banner.hide()
        self.show_usecases(usecases)

    def show_usecases(self, usecases: list[wire.UsecaseListItem]) -> None:
        selected = self.selected_uuid()
        self.usecases = usecases
        self.table.setRowCount(len(usecases))
        for row, item in enumerate(usecases):
            for column, value in enumerate(row_values(item)):
                cell = QTableWidgetItem(value)
                if column >= 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 0:
                    cell.setData(USECASE_ROLE, item.usecase_uuid)
                    cell.setToolTip(item.usecase_desc or item.usecase_name)
                self.table.setItem(row, column, cell)
            if item.usecase_uuid == selected:
                self.table.selectRow(row)

    def selected_uuid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(USECASE_ROLE)

    # --- new, edit, delete --------------------------------------------------------------

    def new_usecase(self) -> None:
        self._open_editor(None, None)

    def edit_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid is None:
            return
        item = next(u for u in self.usecases if u.usecase_uuid == uuid)
        self._open_editor(uuid, draft_of(item))

    def _open_editor(self, uuid: str | None, draft: UsecaseDraft | None) -> None:
        self.editor = UseCaseEditor(draft, self)
        self.editor.draftAccepted.connect(lambda d: self.save(uuid, d))
        self.editor.open()

    def save(self, uuid: str | None, draft: UsecaseDraft) -> None:
        self._tasks.start("save", self._save(uuid, draft))

    async def _save(self, uuid: str | None, draft: UsecaseDraft) -> None:
        try:
            if uuid is None:
                await self.provider.create_usecase(draft)
            else:
                await self.provider.update_usecase(uuid, draft)
        except ProviderError as exc:
            self.banner.show_error(f"The use case was not saved: {exc}")
            return
        self.usecasesChanged.emit()
        await self._reload()

    def delete_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid is None:
            return
        item = next(u for u in self.usecases if u.usecase_uuid == uuid)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete use case",
            f"Delete “{item.usecase_name}”? Its {item.total_recordings} recording(s) are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("usecase-delete-confirm")
        box.accepted.connect(lambda: self.delete(uuid))
        box.open()

    def delete(self, uuid: str) -> None:
        self._tasks.start("delete", self._delete(uuid))

    async def _delete(self, uuid: str) -> None:
        try:
            await self.provider.delete_usecase(uuid)
        except ProviderError as exc:
            self.banner.show_error(f"The use case was not deleted: {exc}")
            return
        self.usecasesChanged.emit()
        await self._reload()

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close_tasks(self) -> None:
        await self._tasks.close()
