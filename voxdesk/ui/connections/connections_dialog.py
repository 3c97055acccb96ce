"""Add, edit, remove and switch connections.

Connections are saved with ``ConnectionStore`` and their tokens with ``CredentialStore``
(the OS keyring). Where no keyring exists the connection is still saved, and the dialog
says where its token comes from instead: a typed token is kept in memory for this
session only, and without one the token in ``VOXDESK_TOKEN`` is used, as the command
line does. voxdesk never falls back to plain-text secrets. The dialog does no network
work; switching is a request (``activateRequested``) that the session carries out.

The fields under the platform are the platform's settings model as a form
(``SettingsForm``): its base URL, its token (masked, into the keyring), and whatever
else it declares (org, profile, team ids…), saved in the connection's ``settings``.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import ValidationError
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

from voxdesk.providers import registry
from voxdesk.services.connections import (
    TOKEN_ENV,
    Connection,
    ConnectionStore,
    CredentialError,
    CredentialStore,
    NoKeyringAvailable,
    environment_token,
)
from voxdesk.ui.connections.settings_form import SettingsForm

CONNECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The settings field that holds the connection's address (``Connection.base_url``)
#: and the secret that goes to the keyring as the connection's token.
BASE_URL_FIELD, TOKEN_FIELD = "base_url", "token"


class PlatformBox(QComboBox):
    """The registered platforms by title; the item data is the platform's name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection-platform")
        for entry in registry.entries():
            self.addItem(entry.title, entry.platform)

    def platform(self) -> str:
        return self.currentData()

    def set_platform(self, platform: str) -> None:
        self.setCurrentIndex(max(0, self.findData(platform)))


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
        self.platform_box = PlatformBox(self)
        form.addRow("Name *:", self.name_edit)
        form.addRow("Platform:", self.platform_box)
        right.addLayout(form)
        self.settings_form = SettingsForm(self)
        self.settings_form.setObjectName("connection-settings")
        # A members list that could not be imported is said where save errors are.
        self.settings_form.problem.connect(lambda text: self.error.setText(text))
        self.platform_box.currentIndexChanged.connect(self._platform_changed)
        self._platform_changed()
        right.addWidget(self.settings_form)
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

    @property
    def url_edit(self) -> QLineEdit:
        return self.settings_form.edits[BASE_URL_FIELD]

    @property
    def token_edit(self) -> QLineEdit:
        return self.settings_form.edits[TOKEN_FIELD]

    def _platform_changed(self) -> None:
        self.settings_form.set_model(registry.entry(self.platform_box.platform()).settings_model)

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
        self.platform_box.set_platform(connection.platform)
        self.settings_form.set_values({**connection.settings, BASE_URL_FIELD: connection.base_url})
        self.settings_form.set_secret_placeholder(
            "kept for this session only"
            if self.credentials.is_session_only(connection.id)
            else "unchanged"
        )

    def _new(self) -> None:
        self.list.setCurrentItem(None)
        self.name_edit.clear()
        self.platform_box.set_platform("voxxi")
        self.settings_form.clear()
        self.url_edit.setPlaceholderText("https://app.voxxi.ai")
        self.settings_form.set_secret_placeholder("the platform's API token")
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
        values = self.settings_form.values()
        base_url = values.pop(BASE_URL_FIELD, "")
        secrets = self.settings_form.secrets()
        token = secrets.get(TOKEN_FIELD, "")
        platform = self.platform_box.platform()
        try:
            connection = Connection(name, platform, base_url, settings=values)
        except ValueError as exc:
            self.error.setText(str(exc).capitalize())
            return False
        previous = self.connections.get(self.selected_id() or "")
        problem = self._settings_problem(platform, base_url, values, token)
        if problem is not None:
            self.error.setText(problem)
            return False
        if previous is not None:
            # An edit, a rename included: same id, so its calls, uploads and token stay.
            connection = replace(connection, id=previous.id)
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

    def _settings_problem(
        self, platform: str, base_url: str, values: dict[str, str], token: str
    ) -> str | None:
        """What is wrong with the form's settings for ``platform``, in plain words, or
        ``None``. A saved token left empty stays as it is (it is not checked here)."""
        missing = [
            title
            for title in self.settings_form.missing(secrets_required=False)
            if title != self.settings_form.labels[BASE_URL_FIELD].text()
        ]
        if missing:
            return f"Fill in {', '.join(missing)}."
        model = registry.entry(platform).settings_model
        try:
            model.model_validate(
                {**values, BASE_URL_FIELD: base_url, TOKEN_FIELD: token or "unchanged"}
            )
        except ValidationError as exc:
            problem = exc.errors()[0]
            name = str(problem["loc"][0]) if problem["loc"] else ""
            field = model.model_fields.get(name)
            title = field.title if field is not None and field.title else name
            return f"{title}: {problem['msg']}"
        return None

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
