"""Every key of the README's table works while the search box has focus (as at launch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.support.local_server import LocalServer
from tests.ui.api import create_call
from tests.ui.conftest import Driver
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.main_window.window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier

#: (key, modifiers, the window's action it must trigger), as in the README's keys table.
README_KEYS = [
    (Qt.Key.Key_Space, CTRL, "play_action"),
    (Qt.Key.Key_Left, CTRL, "skip_back_5"),
    (Qt.Key.Key_Right, CTRL, "skip_forward_5"),
    (Qt.Key.Key_Left, CTRL | SHIFT, "skip_back_15"),
    (Qt.Key.Key_Right, CTRL | SHIFT, "skip_forward_15"),
    (Qt.Key.Key_Up, CTRL, "faster_action"),
    (Qt.Key.Key_Down, CTRL, "slower_action"),
    (Qt.Key.Key_J, CTRL, "evidence_action"),
    (Qt.Key.Key_F, CTRL, "find_action"),
    (Qt.Key.Key_U, CTRL, "upload_action"),
    (Qt.Key.Key_U, CTRL | SHIFT, "uploads_view_action"),
    (Qt.Key.Key_F5, NONE, "refresh_action"),
    (Qt.Key.Key_L, CTRL, "copy_id_action"),
    (Qt.Key.Key_O, CTRL, "open_id_action"),
    (Qt.Key.Key_F1, NONE, "shortcuts_action"),
    (Qt.Key.Key_Q, CTRL, "quit_action"),
]


def _focus_search(driver: Driver, window: MainWindow) -> None:
    window.activateWindow()  # on a real display (xcb) keys go to the active window only
    window.call_list.search.setFocus()
    driver.wait_until(window.call_list.search.hasFocus, what="focus in the search box")


def _action(window: MainWindow, name: str):
    skips = {"skip_back_5": -5.0, "skip_forward_5": 5.0}
    skips |= {"skip_back_15": -15.0, "skip_forward_15": 15.0}
    actions = window.window_actions
    return actions.skip_actions[skips[name]] if name in skips else getattr(actions, name)


@pytest.mark.parametrize(("key", "modifiers", "name"), README_KEYS)
def test_window_key_works_with_focus_in_the_search_box(
    driver: Driver, window: MainWindow, qtbot, key, modifiers, name: str
) -> None:
    action = _action(window, name)
    # Only whether the key reaches the action is under test here: its own effect (a
    # dialog, quitting) is tested elsewhere and would take the focus away.
    action.triggered.disconnect()
    fired: list[bool] = []
    action.triggered.connect(lambda *_: fired.append(True))
    search = window.call_list.search
    _focus_search(driver, window)
    qtbot.keyClick(search, key, modifiers)
    assert fired == [True], f"{name} did not fire from the search box"


def test_space_types_in_the_search_box_and_arrows_move_the_list(
    driver: Driver, window: MainWindow, server: LocalServer, tone_wav: Path, qtbot
) -> None:
    ids = {create_call(server, tone_wav, date=f"2026-02-0{day}") for day in (1, 2)}
    window.refresh()

    def listed() -> set[str]:
        model = window.model
        return {model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())}

    driver.wait_until(lambda: ids <= listed(), timeout=30, what="the calls listed")
    played: list[bool] = []
    window.window_actions.play_action.triggered.connect(lambda *_: played.append(True))
    search = window.call_list.search
    _focus_search(driver, window)
    qtbot.keyClick(search, Qt.Key.Key_Space)
    assert search.text() == " " and not played  # Space types in a text field
    search.clear()

    table = window.call_list.table
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 0
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(search, Qt.Key.Key_Up)
    assert table.currentIndex().row() == 0
    assert search.hasFocus()  # the reviewer can go on typing
    driver.wait_until(
        lambda: (
            window.detail.call is not None
            and window.detail.call.id == window.call_list.current_call_id()
        ),
        what="the detail to follow the list",
    )
    driver.pump(0.5)  # let the list's debounced visible-rows update run on the loop
