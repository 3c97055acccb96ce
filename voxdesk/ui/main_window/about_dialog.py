"""Help ▸ About: voxdesk's version, its local server's version (asked of the running
server, which names it in its ``Server`` header) and the folders voxdesk keeps files in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from voxdesk import __version__
from voxdesk.services.local_server import server_version
from voxdesk.services.tasks import NamedTasks

NOT_RUNNING = "not running (another connection is active)"
CHECKING = "asking the server…"
NO_ANSWER = "did not say (it may be stopping)"


class AboutDialog(QDialog):
    """Non-modal (``open()``); the server's version fills in when it answers. The task
    that asks is the dialog's, cancelled when it closes."""

    def __init__(
        self,
        server_url: str | None,
        folders: list[tuple[str, Path]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle("About voxdesk")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._tasks = NamedTasks()
        self._setup_ui(folders)
        if server_url:
            self.server_label.setText(CHECKING)
            self._tasks.start("server-version", self._ask_version(server_url))
        self.finished.connect(lambda _result: self._tasks.cancel_all())

    def _setup_ui(self, folders: list[tuple[str, Path]]) -> None:
        form = QFormLayout(self)
        self.version_label = QLabel(__version__)
        self.server_label = QLabel(NOT_RUNNING)
        form.addRow("<b>voxdesk</b>", self.version_label)
        form.addRow("Local server", self.server_label)
        self.folder_labels: dict[str, QLabel] = {}
        for name, path in folders:
            label = QLabel(str(path))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, label)
            self.folder_labels[name] = label
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    async def _ask_version(self, server_url: str) -> None:
        version = await server_version(server_url)
        self.server_label.setText(f"voxdesk {version}" if version else NO_ANSWER)
