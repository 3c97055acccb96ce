"""Help ▸ About: voxdesk's version (pyproject's), the local server's (asked of a real
running server) and the folders voxdesk keeps its files in."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

from tests.support.local_server import LocalServer
from tests.ui.conftest import Driver
from voxdesk.ui.main_window.about_dialog import NO_ANSWER, NOT_RUNNING, AboutDialog
from voxdesk.ui.main_window.window import MainWindow

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_help_about_shows_the_version_and_the_data_folders(window: MainWindow) -> None:
    window.window_actions.about_action.trigger()
    dialog = next(d for d in window.findChildren(AboutDialog) if d.isVisible())
    assert dialog.version_label.text() == VERSION
    # The test window is connected to a server it did not start: no local server runs.
    assert dialog.server_label.text() == NOT_RUNNING
    assert dialog.folder_labels["Local server data"].text() == str(window.session.server_dir)
    assert set(dialog.folder_labels) == {"Data", "Settings", "Local server data"}
    dialog.reject()


def test_the_local_servers_version_is_asked_of_the_server(
    driver: Driver, server: LocalServer
) -> None:
    dialog = AboutDialog(server.base_url, [])
    driver.wait_until(
        lambda: dialog.server_label.text() == f"voxdesk {VERSION}", what="the server's version"
    )
    dialog.reject()


def test_a_server_that_does_not_answer_is_said_so(driver: Driver) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    dialog = AboutDialog(f"http://127.0.0.1:{port}", [])
    driver.wait_until(lambda: dialog.server_label.text() == NO_ANSWER, what="no answer")
    dialog.reject()
