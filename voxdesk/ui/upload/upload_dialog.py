"""What a batch of recordings is filed under: agent, category, call date, udfs.

Non-modal and opened with ``open()``: a nested ``exec()`` loop inside a coroutine would
re-enter the qasync loop. It only collects metadata and emits ``accepted_metadata``; the
owner queues the files. The last values are remembered, since a reviewer usually
uploads several batches for the same agent and category in a row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Category, Member
from voxdesk.services.uploads.jobs import UploadMetadata

LAST_AGENT = "uploads/agent"
LAST_CATEGORY = "uploads/category"
LAST_UDFS = "uploads/udfs"


def agent_choices(members: Sequence[Member]) -> list[str]:
    """What the agent field completes: each agent's email where known, else its id."""
    return sorted({m.email or m.id for m in members})


class UploadDialog(QDialog):
    """``UploadDialog(paths, settings, members=..., categories=..., parent=window)``,
    then ``.open()``. ``categories`` of ``None`` means the platform cannot list them, so
    the category is typed. Emits ``accepted_metadata(list[Path], UploadMetadata)``."""

    accepted_metadata = Signal(list, object)

    def __init__(
        self,
        paths: list[Path],
        settings: QSettings,
        *,
        members: Sequence[Member] = (),
        categories: list[Category] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Upload recordings")
        self.setModal(False)
        self.paths = list(paths)
        self._settings = settings

        self.agent = QLineEdit()
        self.agent.setPlaceholderText("member id or email")
        completer = QCompleter(agent_choices(members), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.agent.setCompleter(completer)

        self.category = QComboBox()
        self.category.setEditable(categories is None)
        for category in categories or ():
            self.category.addItem(category.display_name, category.id)

        self.own_dates = QCheckBox("Each file's modified time")
        self.date = QDateTimeEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.date.setDateTime(QDateTime.fromSecsSinceEpoch(round(self._first_mtime())))
        self.own_dates.toggled.connect(lambda own: self.date.setEnabled(not own))
        self.own_dates.setChecked(True)

        self.udfs = QTableWidget(0, 2)
        self.udfs.setHorizontalHeaderLabels(["Field", "Value"])
        self.udfs.horizontalHeader().setStretchLastSection(True)
        self.udfs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add_row = QPushButton("Add field")
        remove_row = QPushButton("Remove field")
        add_row.clicked.connect(lambda: self.add_udf_row())
        remove_row.clicked.connect(self._remove_udf_rows)
        udf_buttons = QHBoxLayout()
        udf_buttons.addWidget(add_row)
        udf_buttons.addWidget(remove_row)
        udf_buttons.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Upload")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Agent", self.agent)
        form.addRow("Category", self.category)
        form.addRow("Call date", self.own_dates)
        form.addRow("", self.date)
        layout = QVBoxLayout(self)
        names = ", ".join(p.name for p in self.paths[:3]) + (", …" if len(self.paths) > 3 else "")
        layout.addWidget(QLabel(f"Upload {names}"))
        layout.addLayout(form)
        layout.addWidget(QLabel("User-defined fields"))
        layout.addWidget(self.udfs)
        layout.addLayout(udf_buttons)
        layout.addWidget(self.buttons)

        self.agent.textChanged.connect(self._validate)
        self.category.currentTextChanged.connect(self._validate)
        self._restore()
        self._validate()

    # --- values ----------------------------------------------------------------------

    def metadata(self) -> UploadMetadata:
        date = None
        if not self.own_dates.isChecked():
            moment = self.date.dateTime().toSecsSinceEpoch()
            date = datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
        return UploadMetadata(
            member_id=self.agent.text().strip(),
            category_id=self._category_id(),
            date=date,
            udfs=self.udf_values(),
        )

    def udf_values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for row in range(self.udfs.rowCount()):
            key, value = (self.udfs.item(row, c) for c in (0, 1))
            if key is not None and key.text().strip():
                values[key.text().strip()] = value.text() if value is not None else ""
        return values

    def add_udf_row(self, key: str = "", value: str = "") -> None:
        row = self.udfs.rowCount()
        self.udfs.insertRow(row)
        self.udfs.setItem(row, 0, QTableWidgetItem(key))
        self.udfs.setItem(row, 1, QTableWidgetItem(value))

    def open(self) -> None:
        """Show without blocking the window (``QDialog.open`` would make it window-modal):
        the reviewer can keep browsing, and dropping more files opens another batch."""
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.show()
        self.raise_()
        self.activateWindow()

    def accept(self) -> None:
        if not self._validate():
            return
        metadata = self.metadata()
        self._remember(metadata)
        super().accept()
        self.accepted_metadata.emit(self.paths, metadata)

    # --- internals -------------------------------------------------------------------

    def _category_id(self) -> str:
        if self.category.isEditable():
            return self.category.currentText().strip()
        return str(self.category.currentData() or "")

    def _validate(self) -> bool:
        ok = bool(self.agent.text().strip() and self._category_id())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def _remove_udf_rows(self) -> None:
        for row in sorted({i.row() for i in self.udfs.selectedIndexes()}, reverse=True):
            self.udfs.removeRow(row)

    def _first_mtime(self) -> float:
        for path in self.paths:
            try:
                return path.stat().st_mtime
            except OSError:
                continue
        return datetime.now(UTC).timestamp()

    def _restore(self) -> None:
        self.agent.setText(str(self._settings.value(LAST_AGENT, "") or ""))
        category = str(self._settings.value(LAST_CATEGORY, "") or "")
        found = self.category.findData(category)
        if found >= 0:
            self.category.setCurrentIndex(found)
        elif self.category.isEditable():
            self.category.setEditText(category)
        try:
            udfs = json.loads(str(self._settings.value(LAST_UDFS, "{}") or "{}"))
        except ValueError:
            udfs = {}
        for key, value in udfs.items() if isinstance(udfs, dict) else ():
            self.add_udf_row(str(key), str(value))

    def _remember(self, metadata: UploadMetadata) -> None:
        self._settings.setValue(LAST_AGENT, metadata.member_id)
        self._settings.setValue(LAST_CATEGORY, metadata.category_id)
        self._settings.setValue(LAST_UDFS, json.dumps(metadata.udfs))
        self._settings.sync()
