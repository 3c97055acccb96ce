"""A VOIX team's members (user id and name) as an editable table, kept with the
connection: VOIX has no endpoint listing them, and the desk needs them for the send
dialog's agent field and the list's Agent column. "Import…" takes them over from a
voxdesk local server's members list (``voix-members.json``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.services.voix_members import MembersFileError, read_members_file

NAME_COLUMN, USER_COLUMN = range(2)


class MembersEditor(QWidget):
    """``members()`` → ``[{"user_id", "name"}, …]`` (rows with both filled in);
    ``set_members`` fills it. ``team_id`` is asked when importing; ``report`` shows a
    problem with the imported file."""

    def __init__(
        self,
        team_id: Callable[[], str | None],
        report: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._team_id = team_id
        self._report = report
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("voix-members")
        self.table.setHorizontalHeaderLabels(["Name", "User id"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(USER_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.fontMetrics().height() * 6)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        add = QPushButton("Add", self)
        add.clicked.connect(lambda: self.add_member("", ""))
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self._remove_selected)
        self.import_button = QPushButton("Import…", self)
        self.import_button.setToolTip(
            "Read the team's members from a voxdesk local server's voix-members.json."
        )
        self.import_button.clicked.connect(self._choose_file)
        for button in (add, remove, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def add_member(self, user_id: str, name: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, NAME_COLUMN, QTableWidgetItem(name))
        self.table.setItem(row, USER_COLUMN, QTableWidgetItem(user_id))
        if not name:
            self.table.editItem(self.table.item(row, NAME_COLUMN))

    def _remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def set_members(self, members: Any) -> None:
        self.table.setRowCount(0)
        for member in members or ():
            self.add_member(str(member.get("user_id", "")), str(member.get("name", "")))

    def members(self) -> list[dict[str, str]]:
        found = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, NAME_COLUMN) or QTableWidgetItem()).text().strip()
            user = (self.table.item(row, USER_COLUMN) or QTableWidgetItem()).text().strip()
            if name or user:
                found.append({"user_id": user, "name": name})
        return found

    def _choose_file(self) -> None:
        dialog = QFileDialog(self, "Import the team's members")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["Members lists (*.json)", "All files (*)"])
        dialog.fileSelected.connect(lambda file: self.import_file(Path(file)))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()

    def import_file(self, path: Path) -> None:
        try:
            imported = read_members_file(path, self._team_id())
        except MembersFileError as exc:
            self._report(str(exc))
            return
        known = {member["user_id"] for member in self.members()}
        for member in imported:
            if member.user_id not in known:
                self.add_member(member.user_id, member.name)
