"""What VOIX needs for recordings dropped on a VOIX connection: who called whom, when,
which way and which agent; one finishing beat per file.

Non-modal and opened with ``open()`` (a nested ``exec()`` inside a coroutine would
re-enter the qasync loop). Each file gets its own row, its start time and duration
proposed from the file (``RecordingDefaults``) and editable; from, to, direction and
agent apply to every file. Direction and agent may be left to VOIX, which then infers
the direction from the conversation and the agent from their self-introduction. The
fields are checked against the contract before the dialog closes, so a mistake is
said here in plain words rather than after sending. The dialog only collects; its
owner sends (``accepted_calls``).
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.contracts.voix import InvalidSubmission
from voxdesk.providers.voix import TeamMember
from voxdesk.services.voix_outbox import check_call
from voxdesk.services.voix_recordings import RecordingDefaults

FILE_COLUMN, START_COLUMN, DURATION_COLUMN = range(3)
#: The direction choices: (label, the ``outgoing`` value, or None to let VOIX infer it).
DIRECTIONS = (
    ("Let VOIX infer it from the conversation", None),
    ("Inbound (the caller rang us)", False),
    ("Outbound (we placed the call)", True),
)
LET_VOIX_IDENTIFY = "Let VOIX identify the agent from the transcript"
DATE_FORMAT = "yyyy-MM-dd HH:mm:ss"
MAX_DURATION = 24 * 3600
DIALOG_CHARS, DIALOG_LINES = 100, 24


class SendRecordingsDialog(QDialog):
    """``SendRecordingsDialog(defaults, members, parent=window)``, then ``.open()``.
    Emits ``accepted_calls(list[tuple[Path, dict]])``: each file with its VOIX fields
    (wire names, ``callId`` and ``recordingUrl`` left to the outbox)."""

    accepted_calls = Signal(list)

    def __init__(
        self,
        defaults: list[RecordingDefaults],
        members: tuple[TeamMember, ...] | list[TeamMember] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.defaults = list(defaults)
        self.members = list(members)
        self._setup_ui()

    def _setup_ui(self) -> None:
        count = len(self.defaults)
        self.setWindowTitle("Send recordings to VOIX")
        self.setObjectName("voix-send-dialog")
        self.setModal(False)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{count} recording{'s' if count != 1 else ''}: each is sent as one finished "
            "call. Start times come from the file names where they hold one, else from "
            "when the files were written; durations from the audio.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(count, 3, self)
        self.table.setObjectName("voix-send-files")
        self.table.setHorizontalHeaderLabels(["Recording", "Start time", "Duration (s)"])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (START_COLUMN, DURATION_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.start_edits: list[QDateTimeEdit] = []
        self.duration_edits: list[QSpinBox] = []
        for row, found in enumerate(self.defaults):
            item = QTableWidgetItem(found.path.name)
            item.setToolTip(f"{found.path}\nStart time from the {found.started_from}.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, FILE_COLUMN, item)
            start = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(found.started_at.timestamp())))
            start.setDisplayFormat(DATE_FORMAT)
            start.setCalendarPopup(True)
            start.setToolTip(f"From the {found.started_from}.")
            self.table.setCellWidget(row, START_COLUMN, start)
            self.start_edits.append(start)
            duration = QSpinBox()
            duration.setRange(0, MAX_DURATION)
            duration.setValue(found.duration or 0)
            if found.duration is None:
                duration.setToolTip("The file could not be decoded: give its length.")
            self.table.setCellWidget(row, DURATION_COLUMN, duration)
            self.duration_edits.append(duration)
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        self.from_edit = QLineEdit(self)
        self.from_edit.setObjectName("voix-send-from")
        self.from_edit.setPlaceholderText("the calling number, e.g. +31612345678")
        self.to_edit = QLineEdit(self)
        self.to_edit.setObjectName("voix-send-to")
        self.to_edit.setPlaceholderText("the number that was called")
        self.direction_box = QComboBox(self)
        self.direction_box.setObjectName("voix-send-direction")
        for label, outgoing in DIRECTIONS:
            self.direction_box.addItem(label, outgoing)
        self.agent_box = QComboBox(self)
        self.agent_box.setObjectName("voix-send-agent")
        self.agent_box.addItem(LET_VOIX_IDENTIFY, None)
        for member in sorted(self.members, key=lambda m: m.name.lower()):
            self.agent_box.addItem(member.name, member.user_id)
        if not self.members:
            self.agent_box.setToolTip(
                "Add the team's members to the connection (File ▸ Connections…) to pick one."
            )
        form.addRow("&From *:", self.from_edit)
        form.addRow("&To *:", self.to_edit)
        form.addRow("&Direction:", self.direction_box)
        form.addRow("&Agent:", self.agent_box)
        layout.addLayout(form)

        self.error = QLabel(self)
        self.error.setObjectName("voix-send-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.send_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText(f"Send {count} call{'s' if count != 1 else ''}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        # Wide enough for a recorder's long file names beside their start times.
        self.resize(metrics.averageCharWidth() * DIALOG_CHARS, metrics.height() * DIALOG_LINES)
        self.from_edit.setFocus()

    def calls(self) -> list[tuple[Path, dict[str, Any]]]:
        """Each file with its fields as VOIX takes them."""
        shared: dict[str, Any] = {
            "from": self.from_edit.text().strip(),
            "to": self.to_edit.text().strip(),
        }
        if (outgoing := self.direction_box.currentData()) is not None:
            shared["outgoing"] = outgoing
        if (user_id := self.agent_box.currentData()) is not None:
            shared["userId"] = user_id
        calls = []
        for found, start, duration in zip(
            self.defaults, self.start_edits, self.duration_edits, strict=True
        ):
            started = start.dateTime().toPython().astimezone(UTC)
            fields = {
                **shared,
                "startTime": started.isoformat().replace("+00:00", "Z"),
                "duration": duration.value(),
            }
            calls.append((found.path, fields))
        return calls

    def accept(self) -> None:
        """Close only on fields VOIX accepts; otherwise say what is wrong."""
        calls = self.calls()
        for path, fields in calls:
            try:
                check_call(fields, None)
            except InvalidSubmission as exc:
                self.error.setText(f"{path.name}: {exc}")
                return
        self.error.clear()
        self.accepted_calls.emit(calls)
        super().accept()
