"""The main window's dialogs: each opened with ``open()``, never ``exec()`` (a nested
event loop inside a qasync coroutine stalls every task), and kept alive until it closes.
A mixin of ``MainWindow``, whose presenters and settings the dialogs report to."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QWidget,
)

from voxdesk.domain import Category, Member
from voxdesk.services.uploads.checks import AUDIO_SUFFIXES
from voxdesk.ui.connections.connections_dialog import ConnectionsDialog
from voxdesk.ui.main_window.shortcuts_dialog import ShortcutsDialog
from voxdesk.ui.placing.place_call_dialog import PlaceCallDialog
from voxdesk.ui.upload.upload_dialog import UploadDialog
from voxdesk.ui.voix.report_dialog import SendReportDialog
from voxdesk.ui.voix.send_dialog import SendRecordingsDialog


class WindowDialogsMixin:
    """Connections, call id, recordings, upload metadata and shortcuts dialogs."""

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.actions(), self)
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def ask_call_id(self) -> None:
        """Ask for a call ID without blocking the event loop (``open``, never ``exec``)."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Open call by ID")
        dialog.setLabelText("Call ID:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(self.browser.open_call_id)
        self._keep_until_closed(dialog)
        dialog.open()

    def open_connections(self) -> ConnectionsDialog:
        dialog = ConnectionsDialog(self.services.connections, self.services.credentials, self)
        dialog.activateRequested.connect(self.session.switch_to)
        dialog.connectionsChanged.connect(self.session.reconnect)
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def choose_recordings(self) -> QFileDialog:
        """File ▸ Upload recordings…: pick files without blocking the event loop."""
        dialog = QFileDialog(self, "Upload recordings")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        patterns = " ".join(f"*{suffix}" for suffix in sorted(AUDIO_SUFFIXES))
        dialog.setNameFilters([f"Recordings ({patterns})", "All files (*)"])
        dialog.filesSelected.connect(lambda files: self.uploads.prepare([Path(f) for f in files]))
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def ask_upload_metadata(
        self, paths: list[Path], members: list[Member], categories: list[Category] | None
    ) -> UploadDialog:
        dialog = UploadDialog(
            paths, self.settings, members=members, categories=categories, parent=self
        )
        dialog.accepted_metadata.connect(self.uploads.add)
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def place_call(self) -> PlaceCallDialog | None:
        """File ▸ Place call…: one dialog at a time (a second press raises it)."""
        if not self.placing.available:
            return None
        for dialog in self._dialogs:
            if isinstance(dialog, PlaceCallDialog):
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = PlaceCallDialog(self.placing, self)
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def choose_call_log(self) -> QFileDialog:
        """File ▸ Send call log…: pick a phone system's CSV without blocking."""
        dialog = QFileDialog(self, "Send a call log to VOIX")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["Call logs (*.csv)", "All files (*)"])
        dialog.fileSelected.connect(lambda file: self.voix.send_call_log(Path(file)))
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def ask_voix_details(self, defaults: list, members: tuple) -> SendRecordingsDialog:
        dialog = SendRecordingsDialog(defaults, members, parent=self)
        dialog.accepted_calls.connect(self.voix.send_recordings)
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def show_voix_report(self, kind: str, what: str) -> SendReportDialog:
        """The per-row report of a send that just started; its Cancel stops the send."""
        line_title = "Row" if kind == "call log" else "Recording"
        dialog = SendReportDialog(f"VOIX: {kind}", what, line_title, self)
        voix = self.voix
        previous = getattr(self, "voix_report", None)
        if previous is not None and previous.running:
            # A new send replaces the running one: its report ends here, not in this one.
            previous.detach()
            previous.finish("Stopped: a new send started. The rows listed went through.")
        dialog.attach(voix.rowReported, voix.runFinished)
        dialog.cancelRequested.connect(voix.cancel_send)
        self.voix_report = dialog
        self._keep_until_closed(dialog)
        dialog.open()
        return dialog

    def _keep_until_closed(self, dialog: QWidget) -> None:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._forget(dialog))

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)
        dialog.deleteLater()
