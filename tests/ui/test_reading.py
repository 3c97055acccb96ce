"""Reading a call in the real window against the real local server: what a failed call
says, the call id label, opening an unknown id, and the keyboard in the call list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call
from tests.ui.conftest import Driver
from voxdesk.ui.main_window.window import MainWindow


@pytest.fixture(scope="module")
def failed_call(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A "WAV" whose bytes are no audio: stored and served, but its analysis fails."""
    path = tmp_path_factory.mktemp("audio") / "garbled.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVE" + b"not audio at all " * 400)
    call = wait_for_call(server, create_call(server, path), timeout=120)
    assert call["status"] == "failed" and call["error"]
    return call


def _select(driver: Driver, window: MainWindow, call_id: str) -> None:
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=20, what="listed")
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        what="the call shown",
    )


def test_a_failed_call_says_why_and_offers_nothing_to_play(
    driver: Driver, window: MainWindow, failed_call: dict
) -> None:
    _select(driver, window, failed_call["callId"])
    message = window.transcript.message
    driver.wait_until(lambda: failed_call["error"] in message.text(), what="the reason shown")
    assert "no transcript for this call" not in message.text()
    assert "failed" in message.text().lower()
    bar = window.player_bar
    driver.wait_until(
        lambda: not bar.play_button.isEnabled(), timeout=20, what="the player switched off"
    )
    assert not bar.slider.isEnabled()
    assert bar.message.text(), "the bar says why nothing plays"
    window.window_actions.play_action.trigger()
    assert not window.player.playing


@pytest.fixture(scope="module")
def tone_call(server: LocalServer, tone_wav: Path) -> dict:
    return wait_for_call(server, create_call(server, tone_wav), timeout=120)


def test_a_clipped_call_id_shows_an_ellipsis_and_copies_whole(
    driver: Driver, window: MainWindow, tone_call: dict
) -> None:
    call_id = tone_call["callId"]
    _select(driver, window, call_id)
    label = window.detail.findChild(QLabel, "detail-call-id")
    assert label is not None
    window.splitter.setSizes([600, 150, 600])  # a narrow reading pane
    driver.wait_until(lambda: label.width() < label.fontMetrics().horizontalAdvance(call_id))
    driver.pump(0.1)
    shown = label.text()
    assert "…" in shown and shown != call_id
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    head, tail = shown.split("…")
    assert call_id.startswith(head) and call_id.endswith(tail)
    assert label.toolTip() == call_id
    window.detail.copy_call_id()
    assert QApplication.clipboard().text() == call_id
    window.resize(1800, window.height())  # the first window fits the (small) offscreen screen
    window.splitter.setSizes([300, 1200, 300])
    driver.wait_until(lambda: label.text() == call_id, what="the whole id once there is room")


def test_an_unknown_id_in_ctrl_o_says_so_without_the_error_banner(
    driver: Driver, window: MainWindow
) -> None:
    driver.wait_until(lambda: window.browser.service is not None, what="connected")
    said: list[str] = []
    window.browser.statusMessage.connect(said.append)
    window.window_actions.open_id_action.trigger()
    dialog = next(d for d in window.findChildren(QInputDialog) if d.isVisible())
    dialog.setTextValue("call_no_such_call_0000")
    dialog.accept()
    answer = "There is no call with ID call_no_such_call_0000 on this connection."
    driver.wait_until(lambda: answer in said, what="the answer")
    # It replaces "Opening call…" in the status bar (other news may follow it there).
    opening = said.index("Opening call call_no_such_call_0000…")
    assert said[opening + 1] == answer
    driver.pump(0.3)
    assert not window.banner.isVisible()


def test_tab_leaves_the_call_list(driver: Driver, window: MainWindow, tone_call: dict) -> None:
    _select(driver, window, tone_call["callId"])
    table = window.call_list.table
    table.setFocus()
    assert table.hasFocus()
    before = table.currentIndex()
    driver.qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()
    assert table.currentIndex() == before
