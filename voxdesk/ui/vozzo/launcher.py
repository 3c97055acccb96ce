"""The main window's way into the Vozzo desk: a File-menu action, offered only while the
active connection's platform keeps use cases (read off its provider, never its name),
that opens the desk in its own window on that connection and its upload queue.

Switching connections closes the desk (its provider is about to be closed); its tasks
are cancelled with ``shutdown``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget

from voxdesk.providers.base import Capability
from voxdesk.services.calls import CallService
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.upload.upload_controller import UploadController
from voxdesk.ui.vozzo.recordings_desk import VozzoDesk

TITLE = "Vozzo use cases"


class UseCaseDeskLauncher(QObject):
    def __init__(self, uploads: UploadController, parent: QWidget) -> None:
        super().__init__(parent)
        self.uploads = uploads
        self.service: CallService | None = None
        self.window: QMainWindow | None = None
        self.desk: VozzoDesk | None = None
        self._tasks = NamedTasks()
        self.action = QAction("Vozzo &use cases…", parent)
        self.action.setObjectName("open-usecase-desk")
        self.action.setStatusTip("Browse recordings by use case, manage use cases, dashboards")
        self.action.triggered.connect(self.open)
        self.action.setVisible(False)

    def set_service(self, service: CallService | None) -> None:
        self._close_desk()
        self.service = service
        offered = service is not None and service.provider.supports(Capability.USE_CASES)
        self.action.setVisible(offered)
        self.action.setEnabled(offered)

    def open(self) -> None:
        if self.service is None or self.uploads.queue is None:
            return
        if self.window is None:
            self.window = QMainWindow(self.parent())  # type: ignore[arg-type]
            self.window.setObjectName("usecase-desk-window")
            self.window.setWindowTitle(TITLE)
            self.desk = VozzoDesk(self.service, self.uploads.queue, self.window)
            self.window.setCentralWidget(self.desk)
            font = self.window.fontMetrics()
            self.window.resize(font.averageCharWidth() * 180, font.height() * 40)
            self.desk.start()
        self.window.show()
        self.window.raise_()

    def _close_desk(self) -> None:
        if self.desk is not None and self.window is not None:
            desk, window = self.desk, self.window
            self.desk = self.window = None
            window.hide()
            self._tasks.start(f"close:{id(desk)}", self._dispose(desk, window))

    async def _dispose(self, desk: VozzoDesk, window: QMainWindow) -> None:
        await desk.shutdown()
        window.deleteLater()

    async def shutdown(self) -> None:
        self._close_desk()
        await self._tasks.close()
