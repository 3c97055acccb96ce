"""Playback in the real window against the real local server: the recording streams
from the server's signed URL into QtMultimedia (offscreen, no audio device: positions
still advance), the transcript and the call map follow it, evidence seeks it, and an
expired recording URL is replaced without the reviewer noticing."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call
from tests.ui.conftest import SPEECH, TEST_CONNECTION, Driver, WindowFactory, make_services
from voxdesk.services.connections import Connection
from voxdesk.ui.main_window.shortcuts_dialog import ShortcutsDialog
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.playback.player import REWIND_ON_RESUME
from voxdesk.ui.theme import error_color
from voxdesk.ui.widgets.widgets import SEEK_SCHEME

#: Slack for positions: the player reports every ~50 ms and seeks land on packets.
TOLERANCE = 0.35


@pytest.fixture(scope="module")
def long_speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 30 s of two-sided speech, long enough to seek and skip around in."""
    path = tmp_path_factory.mktemp("audio") / "long.wav"
    text = " ".join([SPEECH] * 3)
    subprocess.run(["flite", "-voice", "awb", "-t", text, "-o", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def call(server: LocalServer, long_speech: Path) -> dict:
    call_id = create_call(server, long_speech, member="ana.lopez@example.com")
    return wait_for_call(server, call_id, timeout=120)


@pytest.fixture(scope="module")
def short_url_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server whose recording URLs live 3 seconds."""
    with LocalServer(
        tmp_path_factory.mktemp("short-urls") / "data",
        extra_args=["--no-demo", "--recording-url-ttl", "3"],
    ) as srv:
        yield srv


def _open_call(driver: Driver, window: MainWindow, call_id: str) -> None:
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=20, what="listed")
    driver.wait_until(
        lambda: (
            window.playback.call is not None
            and window.playback.call.id == call_id
            and bool(window.player.source)
        ),
        timeout=20,
        what="the recording loaded",
    )


def _position_reaches(driver: Driver, window: MainWindow, seconds: float, timeout=10.0) -> None:
    driver.wait_until(
        lambda: window.player.position >= seconds,
        timeout=timeout,
        what=f"position ≥ {seconds} (at {window.player.position:.2f})",
    )


def _stamp_links(window: MainWindow) -> list[tuple[QLabel, float]]:
    found = []
    for label in window.sections.findChildren(QLabel):
        for href in re.findall(r'href="([^"]+)"', label.text()):
            if href.startswith(SEEK_SCHEME):
                found.append((label, float(href[len(SEEK_SCHEME) :])))
    return found


def test_selecting_loads_and_playing_advances_with_the_transcript(
    driver: Driver, window: MainWindow, call: dict
) -> None:
    _open_call(driver, window, call["callId"])
    assert window.player.source == call["metadata"]["audioUrl"]
    assert not window.player.playing  # selecting never starts talking by itself
    assert window.call_map.has_content
    turns = window.transcript.index.turns
    assert turns and window.transcript.current_turn is None

    window.window_actions.play_action.trigger()
    _position_reaches(driver, window, 1.0)
    assert window.player.playing
    assert window.player_bar.play_button.toolTip().startswith("Pause")
    assert window.player_bar.slider.value() >= 10

    # The highlighted turn follows the position.
    target = turns[min(2, len(turns) - 1)]
    window.playback.seek((target.start + target.end) / 2)
    driver.wait_until(
        lambda: window.transcript.current_turn == turns.index(target), what="highlight"
    )
    assert window.call_map.x_for(window.player.position) > 0
    window.window_actions.play_action.trigger()
    assert not window.player.playing


def test_seek_skip_speed_and_rewind_on_resume(
    driver: Driver, window: MainWindow, call: dict
) -> None:
    _open_call(driver, window, call["callId"])
    player = window.player
    window.playback.seek(10.0)
    assert player.position == pytest.approx(10.0, abs=TOLERANCE)
    window.window_actions.skip_actions[5.0].trigger()
    assert player.position == pytest.approx(15.0, abs=TOLERANCE)
    window.window_actions.skip_actions[-15.0].trigger()
    assert player.position == pytest.approx(0.0, abs=TOLERANCE)
    window.window_actions.skip_actions[15.0].trigger()
    window.window_actions.skip_actions[-5.0].trigger()
    assert player.position == pytest.approx(10.0, abs=TOLERANCE)

    window.window_actions.faster_action.trigger()
    window.window_actions.faster_action.trigger()
    assert player.rate == 1.5 and window.player_bar.rate_box.currentText() == "1.5×"
    window.window_actions.slower_action.trigger()
    assert player.rate == 1.25
    for _ in range(10):
        window.window_actions.faster_action.trigger()
    assert player.rate == 2.0  # the top step, not beyond
    window.window_actions.play_action.trigger()
    _position_reaches(driver, window, 10.2)
    start = player.position
    driver.pump(1.0)
    assert player.position - start > 1.5  # twice as fast as the clock

    window.window_actions.play_action.trigger()  # pause
    paused_at = player.position
    window.window_actions.play_action.trigger()  # resume: a little earlier
    assert player.position == pytest.approx(paused_at - REWIND_ON_RESUME, abs=TOLERANCE)
    window.window_actions.play_action.trigger()
    window.player_bar.rewind_box.setChecked(False)
    paused_at = player.position
    window.window_actions.play_action.trigger()
    assert player.position == pytest.approx(paused_at, abs=TOLERANCE)
    window.window_actions.play_action.trigger()
    window.player.set_rate(1.0)


def test_clicking_a_turn_and_a_rationale_timestamp_play_from_there(
    driver: Driver, window: MainWindow, call: dict, qtbot
) -> None:
    _open_call(driver, window, call["callId"])
    index = window.transcript.index
    assert index is not None
    turns = index.turns  # in time order, as shown
    last = len(turns) - 1
    viewport = window.transcript.view.viewport()
    window.transcript.scroll_to_turn(last)
    header = window.transcript.turn_rect(last).topLeft() + QPoint(3, 3)
    middle = len(turns[last].words) // 2
    word = turns[last].words[middle]
    rect = window.transcript.word_rect(last, middle)
    assert not rect.isEmpty() and word.start > REWIND_ON_RESUME + TOLERANCE
    # The click that gives the transcript focus (to press Ctrl+F) leaves the playhead.
    window.call_list.table.setFocus()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.transcript.view.hasFocus()
    assert window.player.position == pytest.approx(0.0, abs=TOLERANCE)
    assert not window.player.playing
    window.window_actions.find_action.trigger()
    assert window.transcript.search_field.hasFocus()
    window.transcript.close_search()
    assert window.player.position == pytest.approx(0.0, abs=TOLERANCE)
    # Then a word plays from the word…
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    driver.wait_until(lambda: window.player.playing, what="playing from the word")
    assert window.player.position == pytest.approx(word.start, abs=TOLERANCE)
    window.window_actions.play_action.trigger()  # pause
    # …the turn's header (speaker and time) from the turn's start…
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=header)
    driver.wait_until(lambda: window.player.playing, what="playing from the turn")
    assert window.player.position == pytest.approx(turns[last].start, abs=TOLERANCE)
    window.window_actions.play_action.trigger()
    # …and after a pause, from the word again, not 2 s before it as a resume would.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    driver.wait_until(lambda: window.player.playing, what="playing from the word again")
    assert window.player.position == pytest.approx(word.start, abs=TOLERANCE)
    window.window_actions.play_action.trigger()

    links = _stamp_links(window)
    assert links, "the analysis quotes timestamps in its rationales"
    label, seconds = links[-1]
    label.linkActivated.emit(f"{SEEK_SCHEME}{seconds:g}")
    assert window.player.position == pytest.approx(seconds, abs=TOLERANCE)
    driver.wait_until(lambda: window.player.playing, what="playing from the quote")
    driver.wait_until(
        lambda: window.transcript.current_turn == window.transcript.index.turn_near(seconds),
        what="the quoted turn highlighted",
    )
    window.window_actions.play_action.trigger()
    # The call map only moves the playhead.
    window.call_map.seekRequested.emit(2.0)
    assert not window.player.playing
    assert window.player.position == pytest.approx(2.0, abs=TOLERANCE)


def test_space_plays_but_not_while_typing_in_a_field(
    driver: Driver, window: MainWindow, call: dict, qtbot
) -> None:
    _open_call(driver, window, call["callId"])
    window.call_list.table.setFocus()
    qtbot.keyClick(window.call_list.table, Qt.Key.Key_Space)
    driver.wait_until(lambda: window.player.playing, what="Space to play")
    qtbot.keyClick(window.call_list.table, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    driver.wait_until(lambda: not window.player.playing, what="Ctrl+Space to pause")

    search = window.call_list.findChild(QLineEdit)
    assert search is not None
    search.setFocus()
    search.setText("ana")
    QApplication.sendEvent(
        search,
        QKeyEvent(
            QKeyEvent.Type.ShortcutOverride, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, " "
        ),
    )
    qtbot.keyClick(search, Qt.Key.Key_Space)
    assert search.text() == "ana "
    assert not window.player.playing
    search.clear()


def test_ctrl_j_jumps_to_failed_evidence_and_help_lists_the_keys(
    driver: Driver, window: MainWindow, call: dict
) -> None:
    _open_call(driver, window, call["callId"])
    pins = window.call_map.pins
    window.window_actions.evidence_action.trigger()
    if pins:
        assert window.player.position == pytest.approx(pins[0].seconds, abs=TOLERANCE)
    else:
        assert "No failed criterion" in window.statusBar().currentMessage()
    dialog = window.show_shortcuts()
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    rows = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
        for r in range(dialog.table.rowCount())
    }
    assert rows["Play / pause"] == "Space or Ctrl+Space"
    assert rows["Back 5 s"] == "Ctrl+Left" and rows["Forward 15 s"] == "Ctrl+Shift+Right"
    assert rows["Faster"] == "Ctrl+Up" and rows["Jump to failed criterion's evidence"] == "Ctrl+J"
    assert rows["Upload recordings"] == "Ctrl+U"
    dialog.reject()


def test_coming_back_to_a_call_resumes_where_it_was_left(
    driver: Driver, window: MainWindow, call: dict, server: LocalServer, speech_wav: Path
) -> None:
    other = wait_for_call(server, create_call(server, speech_wav), timeout=120)["callId"]
    window.refresh()
    _open_call(driver, window, call["callId"])
    window.playback.seek(12.0)
    _open_call(driver, window, other)
    assert window.player.position == pytest.approx(0.0, abs=TOLERANCE)
    _open_call(driver, window, call["callId"])
    driver.wait_until(
        lambda: abs(window.player.position - 12.0) < TOLERANCE, what="the remembered position"
    )


def test_an_expired_recording_url_is_refreshed_and_playback_goes_on(
    driver: Driver,
    windows: WindowFactory,
    short_url_server: LocalServer,
    long_speech: Path,
    home: Path,
) -> None:
    srv = short_url_server
    call_id = create_call(srv, long_speech)
    wait_for_call(srv, call_id, timeout=120)
    connection = Connection(TEST_CONNECTION, "local", srv.base_url)
    window = windows.open(make_services(home, [(connection, srv.token)]))
    _open_call(driver, window, call_id)
    player = window.player

    # Ahead of time: a seek after the URL expired fetches a fresh one first.
    window.window_actions.play_action.trigger()
    _position_reaches(driver, window, 3.5)
    first_url = player.source
    window.playback.seek(1.0)
    driver.wait_until(lambda: player.source != first_url, what="a fresh URL")
    _position_reaches(driver, window, 1.5)
    assert player.position < 3.0  # went on from where it was sent, not from the start
    assert player.playing and window.player_bar.message.text() == ""

    # After the fact: the player itself is refused (its URL's expiry was not
    # consulted); it stalls, and a fresh URL resumes it at the same second.
    driver.pump(3.5)
    second_url = player.source
    player.seek(2.0)
    driver.wait_until(lambda: player.source != second_url, timeout=10, what="recovery")
    _position_reaches(driver, window, 2.4)
    assert player.position < 6.0
    assert player.playing and window.player_bar.message.text() == ""
    window.window_actions.play_action.trigger()


def test_a_recording_that_cannot_be_played_is_explained(
    driver: Driver, window: MainWindow, server: LocalServer, tmp_path: Path
) -> None:
    window.player.load(f"{server.base_url}/storage/missing.wav?expires=1&signature=0")
    window.window_actions.play_action.trigger()
    driver.wait_until(lambda: window.player_bar.message.text(), timeout=15, what="a message")
    assert "recording" in window.player_bar.message.text().lower()
    assert error_color().name() in window.player_bar.message.styleSheet()  # it went wrong


def test_the_shortcuts_dialog_shows_every_row_without_scrolling(
    driver: Driver, window: MainWindow
) -> None:
    dialog = window.show_shortcuts()
    driver.pump(0.2)
    table = dialog.table
    assert table.rowCount() >= 8
    assert table.verticalScrollBar().maximum() == 0, "all rows visible"
    assert table.horizontalScrollBar().maximum() == 0
    assert dialog.height() <= dialog.screen().availableGeometry().height()
    dialog.reject()
