"""The per-row report of a send to VOIX (a call log, or dropped recordings), filled in
as each row is answered: sent, skipped as already sent, refused or failed with the
reason. Non-modal; while the send runs its button cancels it (``cancelRequested``)
and the rows already answered stay as they are; when it ends the button closes.
"""

from __future__ import annotations

from PySide6.QtCore import QMetaObject, QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.services.voix_call_log import RowReport
from voxdesk.services.voix_outbox import Sent

LINE_COLUMN, OUTCOME_COLUMN, DETAIL_COLUMN = range(3)


def outcome_text(report: RowReport) -> str:
    if report.outcome is Sent.SENT:
        return f"Sent {report.beat}"
    if report.outcome is Sent.SKIPPED:
        return f"Skipped: {report.beat} was already sent"
    return report.outcome.value.capitalize()


def detail_text(report: RowReport) -> str:
    if report.reason:
        return report.reason
    job = f", job {report.job_id}" if report.job_id else ""
    return f"callId {report.call_id}{job}" if report.call_id else ""


class SendReportDialog(QDialog):
    """``SendReportDialog(title, what, line_title, parent)``; ``add_report`` per row,
    ``finish(summary)`` at the end."""

    cancelRequested = Signal()

    def __init__(self, title: str, what: str, line_title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.running = True
        self._links: list[QMetaObject.Connection] = []
        self._setup_ui(title, what, line_title)
        self.finished.connect(lambda _result: self.detach())

    def attach(self, row_reported: SignalInstance, run_finished: SignalInstance) -> None:
        """Show the rows and the end of the run these signals report."""
        self._links = [row_reported.connect(self.add_report), run_finished.connect(self.finish)]

    def detach(self) -> None:
        """Stop listening (closed, or another send took over); safe to call twice."""
        links, self._links = self._links, []
        for link in links:
            QObject.disconnect(link)

    def _setup_ui(self, title: str, what: str, line_title: str) -> None:
        self.setWindowTitle(title)
        self.setObjectName("voix-report-dialog")
        self.setModal(False)
        layout = QVBoxLayout(self)
        self.what = QLabel(what, self)
        self.what.setWordWrap(True)
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.what)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("voix-report-rows")
        self.table.setHorizontalHeaderLabels([line_title, "Outcome", "Call or reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LINE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OUTCOME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.summary = QLabel("Sending…", self)
        self.summary.setObjectName("voix-report-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(self)
        self.button = QPushButton("Cancel", self)
        self.button.setObjectName("voix-report-button")
        buttons.addButton(self.button, QDialogButtonBox.ButtonRole.RejectRole)
        self.button.clicked.connect(self._button_clicked)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 24)

    def add_report(self, report: RowReport, label: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in (
            (LINE_COLUMN, label),
            (OUTCOME_COLUMN, outcome_text(report)),
            (DETAIL_COLUMN, detail_text(report)),
        ):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(row, column, item)
        self.table.resizeRowToContents(row)

    def outcomes(self) -> list[str]:
        """Each row's outcome as shown (for tests and screen readers alike)."""
        return [self.table.item(r, OUTCOME_COLUMN).text() for r in range(self.table.rowCount())]

    def finish(self, summary: str) -> None:
        self.running = False
        self.summary.setText(summary)
        self.button.setText("Close")

    def _button_clicked(self) -> None:
        if self.running:
            self.summary.setText("Cancelling… rows already answered stay sent.")
            self.cancelRequested.emit()
        else:
            self.reject()
