"""Reading a call in the real window against the real local server: what a failed call
says, the call id label, opening an unknown id, and the keyboard in the call list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call
from tests.ui.conftest import Driver
from voxdesk.ui.main_window import MainWindow


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
    window.play_action.trigger()
    assert not window.player.playing
