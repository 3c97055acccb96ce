"""The reviewer's main window."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._setup_ui()

    def _setup_ui(self) -> None:
        self.setWindowTitle("voxdesk")
        self.resize(1280, 800)
        self.setCentralWidget(QLabel("voxdesk"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.closed.emit()
        super().closeEvent(event)

    async def shutdown(self) -> None:
        """Stop background work before the loop ends."""
