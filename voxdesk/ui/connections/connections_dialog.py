"""Add, edit, remove and switch connections.

Connections are saved with ``ConnectionStore`` and their tokens with ``CredentialStore``
(the OS keyring). Where no keyring exists the connection is still saved, and the dialog
says where its token comes from instead: a typed token is kept in memory for this
session only, and without one the token in ``VOXDESK_TOKEN`` is used, as the command
line does. voxdesk never falls back to plain-text secrets. The dialog does no network
work; switching is a request (``activateRequested``) that the session carries out.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.services.connections import (
    PLATFORMS,
    TOKEN_ENV,
    Connection,
    ConnectionStore,
    CredentialError,
    CredentialStore,
    NoKeyringAvailable,
    environment_token,
)

CONNECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ConnectionsDialog(QDialog):
    #: The user chose to use this connection now.
    activateRequested = Signal(str)
    #: A connection was saved or removed (the active one may need reconnecting).
    connectionsChanged = Signal()

    def __init__(
        self,
        connections: ConnectionStore,
        credentials: CredentialStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.connections = connections
        self.credentials = credentials
        self._setup_ui()
        self._reload()

    def _setup_ui(self) -> None:
        self.setWindowTitle("Connections")
        self.setObjectName("connections-dialog")
        layout = QHBoxLayout(self)

        left = QVBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("connections-list")
        self.list.currentItemChanged.connect(self._selected)
        left.addWidget(self.list, 1)
        new = QPushButton("New", self)
        new.clicked.connect(self._new)
        left.addWidget(new)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.platform_box = QComboBox(self)
        self.platform_box.addItems(list(PLATFORMS))
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://app.voxxi.ai")
        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Name:", self.name_edit)
        form.addRow("Platform:", self.platform_box)
        form.addRow("Base URL:", self.url_edit)
        form.addRow("Token:", self.token_edit)
        right.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("connections-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.error)
        self.notice = QLabel(self)
        self.notice.setObjectName("connections-notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.notice)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save", self)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove)
        self.use_button = QPushButton("Use this connection", self)
        self.use_button.clicked.connect(self.use_selected)
        for button in (self.save_button, self.remove_button, self.use_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        right.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        right.addWidget(close)
        layout.addLayout(right, 2)

    # --- list ------------------------------------------------------------------------

    def _reload(self, select: str | None = None) -> None:
        active = self.connections.active()
        self.list.clear()
        for connection in self.connections.list():
            mark = "  (in use)" if active and active.id == connection.id else ""
            item = QListWidgetItem(f"{connection.name}{mark}")
            item.setData(CONNECTION_ID_ROLE, connection.id)
            item.setToolTip(f"{connection.platform} · {connection.base_url}")
            self.list.addItem(item)
            if connection.id == (select or (active.id if active else None)):
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None:
            self._new()

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.error.clear()
        self.notice.clear()
        connection = self.connections.get(item.data(CONNECTION_ID_ROLE)) if item else None
        if connection is None:
            return
        self.name_edit.setText(connection.name)
        self.platform_box.setCurrentText(connection.platform)
        self.url_edit.setText(connection.base_url)
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            "kept for this session only"
            if self.credentials.is_session_only(connection.id)
            else "unchanged"
        )

    def _new(self) -> None:
        self.list.setCurrentItem(None)
        self.name_edit.clear()
        self.platform_box.setCurrentText("voxxi")
        self.url_edit.clear()
        self.token_edit.clear()
        self.token_edit.setPlaceholderText("the platform's API token")
        self.name_edit.setFocus()

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(CONNECTION_ID_ROLE) if item else None

    # --- actions ---------------------------------------------------------------------

    def save(self) -> bool:
        """Save the form; on failure the reason is shown in the dialog, as written.
        Without a keyring it still saves, and ``notice`` says where the token comes from."""
        self.error.clear()
        self.notice.clear()
        name = self.name_edit.text().strip()
        if not name:
            self.error.setText("Give the connection a name.")
            return False
        try:
            connection = Connection(
                name, self.platform_box.currentText(), self.url_edit.text().strip()
            )
        except ValueError as exc:
            self.error.setText(str(exc).capitalize())
            return False
        token = self.token_edit.text()
        previous = self.connections.get(self.selected_id() or "")
        if previous is not None:
            # An edit, a rename included: same id, so its calls, uploads and token stay.
            connection = replace(connection, id=previous.id, settings=previous.settings)
        namesake = self.connections.find(name)
        if namesake is not None and namesake.id != connection.id:
            self.error.setText(f"A connection named {name!r} already exists.")
            return False
        notice = ""
        if token:
            try:
                self.credentials.set(connection.id, token)
            except NoKeyringAvailable:
                self.credentials.keep_for_session(connection.id, token)
                notice = (
                    "There is no system keyring here, so this token is kept for this session "
                    "only, in memory (voxdesk never writes tokens in plain text). After a "
                    f"restart, set {TOKEN_ENV} to the token, as for the command line, or "
                    "enter it here again."
                )
            except CredentialError as exc:
                self.error.setText(str(exc))
                return False
        elif previous is None and connection.platform != "local":
            if environment_token() is None:
                self.error.setText(
                    f"Enter the platform's API token (or set {TOKEN_ENV} before starting voxdesk)."
                )
                return False
            notice = f"No token entered: this connection uses the token in {TOKEN_ENV}."
        self.connections.save(connection)
        self.token_edit.clear()
        self._reload(select=connection.id)
        self.notice.setText(notice)
        self.connectionsChanged.emit()
        return True

    def remove(self) -> None:
        connection_id = self.selected_id()
        if connection_id is None:
            return
        self.connections.remove(connection_id)
        self.credentials.delete(connection_id)
        self._reload()
        self.connectionsChanged.emit()

    def use_selected(self) -> None:
        connection_id = self.selected_id()
        if connection_id is not None:
            self.activateRequested.emit(connection_id)
            self._reload(select=connection_id)
