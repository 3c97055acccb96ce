"""Place call…: have one of the platform's agents call a number, or several.

Opened with ``open()``, never ``exec()`` (a nested loop inside a qasync coroutine stalls
every task). The dialog only collects and checks: the agent (from the platform), its
script variables (form rows built from the agent's list, required ones marked), and the
number — E.164, checked as it is typed, in plain words, before anything is sent. The
``CallPlacing`` presenter does the placing and answers through signals.

"Several numbers" takes pasted numbers (one a line) or CSV text with a ``toNumber``
column and a column per variable (Load CSV… puts a file's text there to check and edit);
every row is checked before the first is sent. Each row's status follows its call, at
most ``lines`` calls are under way at once, Cancel remaining stops the rows not yet
placed, and a summary ends the batch. Closing the dialog stops the batch; switching
connections closes the dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import OutboundCallRequest
from voxdesk.domain.phone import parse_e164
from voxdesk.services.call_batch import BatchRow, BatchSummary, RowsError, read_csv_file, read_rows
from voxdesk.services.outbound import Attempt, AttemptState
from voxdesk.services.placing import AgentChoice
from voxdesk.ui.placing.placing_controller import CallPlacing, attempt_text
from voxdesk.ui.placing.variables_form import VariablesForm

ONE_TAB, BATCH_TAB = 0, 1
NUMBER_COLUMN, STATUS_COLUMN, CALL_COLUMN = 0, 1, 2
BATCH_HINT = (
    "One number a line, or CSV with a header: toNumber and a column per variable, e.g.\n"
    "toNumber,customerName,accountNumber\n+14155550100,Maria Lopez,48213"
)


def number_hint(text: str) -> tuple[str, bool]:
    """What the number field says under it as it is typed: (words, acceptable)."""
    if not text.strip():
        return "", False
    try:
        return f"Will call {parse_e164(text)}", True
    except ValueError as exc:
        return str(exc), False


class PlaceCallDialog(QDialog):
    def __init__(self, placing: CallPlacing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placing = placing
        self.setObjectName("place-call-dialog")
        self.setWindowTitle("Place call")
        self._batch_running = False
        self._setup_ui()
        self._connect()
        self.agent_box.setEnabled(False)
        self.message.setText("Reading the platform's agents…")
        placing.load_agents()

    # --- construction ----------------------------------------------------------------

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.agent_box = QComboBox(self)
        self.agent_box.setObjectName("agent-box")
        top.addRow("&Agent:", self.agent_box)
        layout.addLayout(top)

        self.variables_group = QGroupBox("Script variables (* required)", self)
        group_layout = QVBoxLayout(self.variables_group)
        self.variables = VariablesForm(self.variables_group)
        group_layout.addWidget(self.variables)
        layout.addWidget(self.variables_group)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("number-tabs")
        self.tabs.addTab(self._one_number_tab(), "&One number")
        self.tabs.addTab(self._batch_tab(), "&Several numbers")
        layout.addWidget(self.tabs, 1)

        self.message = QLabel(self)
        self.message.setObjectName("place-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.place_button = QPushButton("&Place call", self)
        self.place_button.setObjectName("place-button")
        self.place_button.setDefault(True)
        self.cancel_rows_button = QPushButton("Cancel &remaining", self)
        self.cancel_rows_button.setObjectName("cancel-rows-button")
        self.cancel_rows_button.setToolTip("Place none of the rows not dialled yet")
        self.cancel_rows_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        buttons.addStretch(1)
        for button in (self.place_button, self.cancel_rows_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 100, metrics.height() * 42)

    def _one_number_tab(self) -> QWidget:
        tab = QWidget(self)
        form = QFormLayout(tab)
        self.number_edit = QLineEdit(tab)
        self.number_edit.setObjectName("number-edit")
        self.number_edit.setPlaceholderText("+14155551234")
        self.number_edit.setToolTip("International (E.164): + then the country code and number")
        form.addRow("&Number:", self.number_edit)
        self.number_hint = QLabel(tab)
        self.number_hint.setObjectName("number-hint")
        self.number_hint.setWordWrap(True)
        form.addRow("", self.number_hint)
        return tab

    def _batch_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.batch_text = QPlainTextEdit(tab)
        self.batch_text.setObjectName("batch-text")
        self.batch_text.setPlaceholderText(BATCH_HINT)
        self.batch_text.setMaximumHeight(self.fontMetrics().height() * 5)
        row = QHBoxLayout()
        row.addWidget(self.batch_text, 1)
        self.load_csv_button = QPushButton("&Load CSV…", tab)
        row.addWidget(self.load_csv_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.lines_label = QLabel(
            f"At most {self.placing.lines} calls are under way at once; the rest wait here.", tab
        )
        layout.addWidget(self.lines_label)
        self.batch_table = QTableWidget(0, 3, tab)
        self.batch_table.setObjectName("batch-table")
        self.batch_table.setHorizontalHeaderLabels(["Number", "Status", "Call"])
        self.batch_table.verticalHeader().hide()
        self.batch_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.batch_table.horizontalHeader()
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NUMBER_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CALL_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.batch_table, 1)
        return tab

    def _connect(self) -> None:
        p = self.placing
        p.agentsLoaded.connect(self._show_agents)
        p.agentsFailed.connect(self._agents_failed)
        p.placeFinished.connect(self._placed)
        p.rowChanged.connect(self._show_row)
        p.batchFinished.connect(self._batch_finished)
        p.batchFailed.connect(self._batch_failed)
        # Another connection: its agents and calls are not these (the batch has stopped).
        p.availableChanged.connect(self._connection_changed)
        self.agent_box.currentIndexChanged.connect(lambda _i: self.variables.set_agent(self.agent))
        self.number_edit.textChanged.connect(self._check_number)
        self.number_edit.returnPressed.connect(self.place)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.place_button.clicked.connect(self.place)
        self.cancel_rows_button.clicked.connect(self.cancel_remaining)
        self.close_button.clicked.connect(self.reject)
        self.load_csv_button.clicked.connect(self.choose_csv)
        self.finished.connect(self._closed)

    # --- agents ----------------------------------------------------------------------

    @property
    def agent(self) -> AgentChoice | None:
        return self.agent_box.currentData()

    def _show_agents(self, agents: list[AgentChoice]) -> None:
        self.agent_box.clear()
        for agent in agents:
            self.agent_box.addItem(f"{agent.name} ({agent.agent_id})", agent)
        self.agent_box.setEnabled(True)
        self.variables.set_agent(self.agent)
        self.message.setText("")

    def _agents_failed(self, text: str) -> None:
        self.message.setText(text)
        self.place_button.setEnabled(False)

    # --- checking and placing --------------------------------------------------------

    def _check_number(self, text: str) -> None:
        hint, ok = number_hint(text)
        self.number_hint.setText(hint)
        self.number_hint.setProperty("acceptable", ok)

    def _tab_changed(self, index: int) -> None:
        self.place_button.setText("&Place calls" if index == BATCH_TAB else "&Place call")

    def place(self) -> None:
        """Check everything, say what is wrong in plain words, or hand it over."""
        agent = self.agent
        if agent is None or self.placing.placing:
            return
        if self.tabs.currentIndex() == BATCH_TAB:
            self._place_batch(agent)
            return
        try:
            number = parse_e164(self.number_edit.text())
        except ValueError as exc:
            text = self.number_edit.text().strip()
            self.message.setText(str(exc) if text else "Type the number to call.")
            self.number_edit.setFocus()
            return
        variables = self.variables.values()
        if missing := agent.missing(variables):
            self.message.setText(f"Fill in {', '.join(missing)}: the agent's script uses it.")
            self.variables.edits[missing[0]].setFocus()
            return
        request = OutboundCallRequest(
            agent_id=agent.agent_id, to_number=number, variables=variables
        )
        self.message.setText(f"Placing the call to {number}…")
        self._set_busy(True)
        self.placing.place(request)

    def _placed(self, attempt: Attempt) -> None:
        self._set_busy(False)
        self.message.setText(attempt_text(attempt))
        if attempt.state is AttemptState.PLACED:
            self.accept()  # the call is listed, selected, and followed there

    def _place_batch(self, agent: AgentChoice) -> None:
        try:
            rows = read_rows(self.batch_text.toPlainText(), agent, self.variables.values())
        except RowsError as exc:
            self.message.setText(str(exc))
            return
        self.batch_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self.batch_table.setItem(index, NUMBER_COLUMN, QTableWidgetItem(row.number))
            self._show_row(index, row)
        self._batch_running = True
        self._set_busy(True)
        self.cancel_rows_button.setEnabled(True)
        noun = "call" if len(rows) == 1 else "calls"
        self.message.setText(f"Placing {len(rows)} {noun}…")
        self.placing.start_batch(agent.agent_id, rows)

    def _show_row(self, index: int, row: BatchRow) -> None:
        if index >= self.batch_table.rowCount():
            return
        status = QTableWidgetItem(row.status_text)
        status.setToolTip(row.status_text)
        self.batch_table.setItem(index, STATUS_COLUMN, status)
        self.batch_table.setItem(index, CALL_COLUMN, QTableWidgetItem(row.call_id or ""))

    def cancel_remaining(self) -> None:
        self.placing.cancel_batch()
        self.cancel_rows_button.setEnabled(False)
        self.message.setText("No more rows will be placed; the placed calls ring on.")

    def _batch_finished(self, summary: BatchSummary) -> None:
        self._end_batch(summary.text())

    def _batch_failed(self, text: str) -> None:
        self._end_batch(text)

    def _end_batch(self, text: str) -> None:
        self._batch_running = False
        self._set_busy(False)
        self.cancel_rows_button.setEnabled(False)
        self.message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.place_button, self.agent_box, self.variables, self.tabs.tabBar()):
            widget.setEnabled(not busy)
        self.number_edit.setReadOnly(busy)
        self.batch_text.setReadOnly(busy)
        self.load_csv_button.setEnabled(not busy)

    # --- CSV -------------------------------------------------------------------------

    def choose_csv(self) -> QFileDialog:
        dialog = QFileDialog(self, "Load numbers from a CSV file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["CSV files (*.csv)", "All files (*)"])
        dialog.fileSelected.connect(lambda path: self.load_csv(Path(path)))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def load_csv(self, path: Path) -> None:
        try:
            self.batch_text.setPlainText(read_csv_file(path))
        except RowsError as exc:
            self.message.setText(str(exc))
            return
        self.tabs.setCurrentIndex(BATCH_TAB)
        self.message.setText(f"Loaded {path.name}: check the rows, then Place calls.")

    def _connection_changed(self, _available: bool) -> None:
        self._batch_running = False  # its task was cancelled with the old connection
        self.reject()

    def _closed(self, _result: int) -> None:
        if self._batch_running:
            self.placing.stop_batch()
        for signal, slot in (
            (self.placing.agentsLoaded, self._show_agents),
            (self.placing.agentsFailed, self._agents_failed),
            (self.placing.placeFinished, self._placed),
            (self.placing.rowChanged, self._show_row),
            (self.placing.batchFinished, self._batch_finished),
            (self.placing.batchFailed, self._batch_failed),
            (self.placing.availableChanged, self._connection_changed),
        ):
            signal.disconnect(slot)
