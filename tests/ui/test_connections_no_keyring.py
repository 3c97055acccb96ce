"""Saving a connection from the window on a machine without a system keyring: the real
``CredentialStore`` with keyring's own "no backend" keyring, a real local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.support.local_server import LocalServer
from tests.ui.api import create_call
from tests.ui.conftest import Driver, WindowFactory, make_services
from voxdesk.services.connections import TOKEN_ENV, CredentialStore
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.connections.connections_dialog import ConnectionsDialog
from voxdesk.ui.main_window.window import MainWindow


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def keyless_window(no_keyring: None, windows: WindowFactory, home: Path) -> Iterator[MainWindow]:
    services = make_services(home, [])
    services.credentials = CredentialStore()
    # Not started: with nothing saved the window would start its own demo server.
    return windows.open(services, start=False)


def _fill(dialog: ConnectionsDialog, name: str, platform: str, url: str, token: str) -> None:
    dialog.name_edit.setText(name)
    dialog.platform_box.set_platform(platform)
    dialog.url_edit.setText(url)
    dialog.token_edit.setText(token)


def _listed(window: MainWindow) -> set[str]:
    model = window.model
    return {model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())}


def test_a_typed_token_is_kept_for_this_session_and_says_so(
    driver: Driver, keyless_window: MainWindow, server: LocalServer, tone_wav: Path
) -> None:
    window = keyless_window
    call_id = create_call(server, tone_wav, date="2026-03-01")
    dialog = window.open_connections()
    _fill(dialog, "Team server", "local", server.base_url, server.token)
    assert dialog.save(), dialog.error.text()
    assert dialog.error.text() == ""
    assert "this session only" in dialog.notice.text()
    assert TOKEN_ENV in dialog.notice.text()
    assert window.services.connections.find("Team server") is not None
    # Nothing on disk holds the token.
    for path in Path(window.services.connections.path).parent.rglob("*"):
        if path.is_file():
            assert server.token not in path.read_text(errors="replace")

    dialog.use_selected()
    driver.wait_until(
        lambda: call_id in _listed(window), timeout=30, what="the calls of the new connection"
    )
    assert window.session.connection.name == "Team server"
    assert not window.banner.isVisible()
    dialog.reject()
    driver.pump(0.5)  # let the list's debounced visible-rows update run on the loop


def test_without_a_typed_token_the_environment_token_is_used_and_named(
    driver: Driver,
    keyless_window: MainWindow,
    server: LocalServer,
    tone_wav: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = keyless_window
    monkeypatch.setenv(TOKEN_ENV, server.token)
    call_id = create_call(server, tone_wav, date="2026-03-02")
    dialog = window.open_connections()
    _fill(dialog, "Voxxi via env", "voxxi", server.base_url, "")
    assert dialog.save(), dialog.error.text()
    assert TOKEN_ENV in dialog.notice.text()

    dialog.use_selected()
    dialog.reject()
    driver.wait_until(
        lambda: (
            window.session.connection is not None
            and window.session.connection.name == "Voxxi via env"
        ),
        timeout=30,
        what="the switch",
    )
    driver.wait_until(lambda: window.browser.service is not None, what="the service")
    window.browser.open_call_id(call_id)
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        timeout=30,
        what="the call opened with the environment's token",
    )
    driver.pump(0.5)
