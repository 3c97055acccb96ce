"""View ▸ Theme: System, Light or Dark, applied to the whole app and remembered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMenu

from tests.support.local_server import LocalServer
from tests.ui.conftest import TEST_CONNECTION, WindowFactory, make_services
from voxdesk.services.connections import Connection
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.theme import Theme, apply_theme


def _window_colour() -> str:
    return QApplication.palette().color(QPalette.ColorRole.Window).name()


def _lightness() -> int:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness()


def _theme_menu(window: MainWindow) -> QMenu:
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a.menu() for a in view.actions() if a.text() == "&Theme")


@pytest.fixture
def platform_colours() -> Iterator[str]:
    """The platform's window colour; the app is handed back to it afterwards."""
    apply_theme(Theme.SYSTEM)
    yield _window_colour()
    apply_theme(Theme.SYSTEM)


def test_the_theme_menu_switches_and_is_remembered(
    platform_colours: str, windows: WindowFactory, server: LocalServer, home: Path
) -> None:
    connection = Connection(TEST_CONNECTION, "local", server.base_url)
    window = windows.open(make_services(home, [(connection, server.token)]))
    menu = _theme_menu(window)
    assert [a.text() for a in menu.actions()] == ["System", "Light", "Dark"]
    assert next(a for a in menu.actions() if a.isChecked()).text() == "System"

    next(a for a in menu.actions() if a.text() == "Dark").trigger()
    assert _lightness() < 128
    next(a for a in menu.actions() if a.text() == "Light").trigger()
    assert _lightness() >= 128
    next(a for a in menu.actions() if a.text() == "Dark").trigger()
    windows.close(window)

    # A restart: the app starts in the platform's colours, the window applies the choice.
    apply_theme(Theme.SYSTEM)
    again = windows.open(make_services(home, [(connection, server.token)]), start=False)
    assert _lightness() < 128
    menu = _theme_menu(again)
    assert next(a for a in menu.actions() if a.isChecked()).text() == "Dark"

    next(a for a in menu.actions() if a.text() == "System").trigger()
    assert _window_colour() == platform_colours
