"""The desk on the voice-bot platform, against a real local server serving its demo
library (31 calls, 3 campaigns, Completed / Busy / NoAnswer / Failed, surveys): the
platform's columns and filters, its survey pane, transcripts and call maps from
start-only timestamps, playback through the 15-minute SAS URL, calls that never
connected, no uploads, the first sync's progress and its Stop, and the connections
dialog's settings form.

Expected values are read from the demo's manifest (what the server serves), never
from the desk's own code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit

from tests.server.voicecalls.vc_support import seed_data_dir
from tests.support.local_server import LocalServer
from tests.support.qt_drops import drag_enter, drop, url_mime
from tests.ui.conftest import Driver, WindowFactory, make_services
from tests.uploads.faulty_proxy import HOLD, Fault, FaultyProxy
from voxdesk.domain import Direction, Disposition
from voxdesk.providers.settings import TokenSettings
from voxdesk.server.platforms.voicecalls.demo import manifest_path
from voxdesk.services.connections import Connection
from voxdesk.services.local_server import LOCAL_VOICE_CONNECTION, LocalServerProcess
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.connections.settings_form import SettingsForm
from voxdesk.ui.main_window.shortcuts_dialog import shortcut_rows
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.playback.call_map import ESTIMATED_CAPTION
from voxdesk.ui.theme import error_color
from voxdesk.ui.widgets.widgets import PLAIN_TEXT_PROPERTY

VOICE = "Voice bots"
LOCAL = "Local QA"
# A survey-only call has nothing to override, but it can be reviewed: its Review column.
VOICE_COLUMNS = [
    *("Date", "Direction", "Campaign", "State", "Outcome", "Survey", "Duration", "Review")
]
ANALYSIS_COLUMNS = [
    *("Date", "Agent", "Category", "Duration", "Score", "Outcome", "Status"),
    *("Review", "Human", "Δ"),
]
REFUSAL = "Voice-bot calls can't be uploaded: this platform records its own calls."


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads(manifest_path().read_text("utf-8"))


@pytest.fixture(scope="module")
def vc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The local server with the voice-bot demo seeded (and no Voxxi demo to analyse)."""
    data = tmp_path_factory.mktemp("voice-desk") / "data"
    assert seed_data_dir(data) >= 30
    with LocalServer(data, extra_args=["--no-demo", "--workers", "1"]) as running:
        yield running


def _open(
    windows: WindowFactory,
    home: Path,
    server: LocalServer,
    *,
    active: str = VOICE,
    base_url: str | None = None,
) -> MainWindow:
    """A window with a voice-bot and a Voxxi-family connection to the same server (its
    token has every scope), ``active`` the one in use; ``base_url`` reaches the server
    another way (through a proxy)."""
    url = base_url or server.base_url
    services = make_services(
        home,
        [
            (Connection(LOCAL, "local", url), server.token),
            (Connection(VOICE, "voicecalls", url), server.token),
        ],
    )
    connection = services.connections.find(active)
    assert connection is not None
    services.connections.set_active(connection.id)
    return windows.open(services)


def _headers(window: MainWindow) -> list[str]:
    model = window.model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _listed(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())]


def _column(window: MainWindow, title: str) -> list[str]:
    column = _headers(window).index(title)
    return [window.model.index(r, column).data() for r in range(window.model.rowCount())]


def _wait_listed(driver: Driver, window: MainWindow, count: int) -> None:
    driver.wait_until(
        lambda: len(_listed(window)) == count and not window.browser.refreshing,
        timeout=60,
        what=f"{count} calls listed (have {len(_listed(window))})",
    )


def _text(window: MainWindow, name: str) -> str:
    label = window.findChild(QLabel, name)
    assert label is not None, f"no label {name}"
    return label.property(PLAIN_TEXT_PROPERTY) or label.text()


def _open_call(driver: Driver, window: MainWindow, call_id: str) -> None:
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=30, what="listed")
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        timeout=30,
        what=f"{call_id} shown",
    )


def _by_id(manifest: dict[str, Any], call_id: str) -> dict[str, Any]:
    return next(c for c in manifest["calls"] if c["id"] == call_id)


def _surveyed(manifest: dict[str, Any]) -> dict[str, Any]:
    """A completed call whose survey was answered in full."""
    return next(
        c
        for c in manifest["calls"]
        if c["state"] == "Completed" and (c["epaResults"] or {}).get("state") == "Completed"
    )


# --- list: columns and filters ---------------------------------------------------------


def test_switching_to_a_voice_bot_connection_shows_its_columns_and_filters(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path, manifest
) -> None:
    window = _open(windows, tmp_path, vc_server, active=LOCAL)
    driver.wait_until(lambda: window.session.connection is not None, what="connected")
    assert _headers(window) == ANALYSIS_COLUMNS
    panel = window.call_list
    panel.more_button.setChecked(True)
    assert panel.agent_box.isVisible() and panel.status_box.isVisible()
    assert not panel.campaign_box.isVisible()

    voice = window.services.connections.find(VOICE)
    window.session.switch_to(voice.id)
    _wait_listed(driver, window, len(manifest["calls"]))
    assert _headers(window) == VOICE_COLUMNS
    for box in (panel.campaign_box, panel.disposition_box, panel.direction_box):
        assert box.isVisible(), box.objectName()
    assert panel.date_from.isVisible() and panel.date_to.isVisible()
    for widget in (panel.agent_box, panel.category_box, panel.status_box, panel.score_min):
        assert not widget.isVisible(), widget.objectName()
    # The campaigns the platform has are offered; each call's row reads as it went.
    driver.wait_until(
        lambda: panel.campaign_box.count() == 1 + len(manifest["campaigns"]), what="campaigns"
    )
    rows = dict(zip(_listed(window), _column(window, "State"), strict=True))
    busy = next(c for c in manifest["calls"] if c["state"] == "Busy")
    assert rows[busy["id"]] == "Busy"
    no_answer = next(c for c in manifest["calls"] if c["state"] == "NoAnswer")
    assert rows[no_answer["id"]] == "No answer"

    # And back: Voxxi's columns again; each list keeps its own column widths.
    header = panel.table.horizontalHeader()
    header.resizeSection(VOICE_COLUMNS.index("Campaign"), 333)
    local = window.services.connections.find(LOCAL)
    window.session.switch_to(local.id)
    driver.wait_until(lambda: _headers(window) == ANALYSIS_COLUMNS, what="Voxxi columns")
    assert panel.agent_box.isVisible() and not panel.campaign_box.isVisible()
    assert 333 not in [header.sectionSize(c) for c in range(header.count())]
    window.session.switch_to(voice.id)
    driver.wait_until(lambda: _headers(window) == VOICE_COLUMNS, what="voice-bot columns")
    assert header.sectionSize(VOICE_COLUMNS.index("Campaign")) == 333


def test_filtering_by_campaign_state_and_direction(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path, manifest
) -> None:
    window = _open(windows, tmp_path, vc_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    panel = window.call_list
    panel.more_button.setChecked(True)
    campaign = "camp_renewals"
    driver.wait_until(lambda: panel.campaign_box.findData(campaign) > 0, what="campaign offered")

    panel.campaign_box.setCurrentIndex(panel.campaign_box.findData(campaign))
    expected = {c["id"] for c in manifest["calls"] if c["campaignId"] == campaign}
    driver.wait_until(lambda: set(_listed(window)) == expected, what="one campaign's calls")
    assert set(_column(window, "Campaign")) == {campaign}

    panel.disposition_box.setCurrentIndex(panel.disposition_box.findData(Disposition.COMPLETED))
    expected = {
        c["id"]
        for c in manifest["calls"]
        if c["campaignId"] == campaign and c["state"] == "Completed"
    }
    driver.wait_until(lambda: set(_listed(window)) == expected, what="completed in the campaign")
    assert set(_column(window, "State")) == {"Completed"}
    assert window.counts_label.text() == f"{len(expected)} of {len(manifest['calls'])} calls shown"

    panel.clear_filter()
    panel.direction_box.setCurrentIndex(panel.direction_box.findData(Direction.INBOUND))
    expected = {c["id"] for c in manifest["calls"] if c["direction"] == "Inbound"}
    driver.wait_until(lambda: set(_listed(window)) == expected, what="inbound calls")
    assert set(_column(window, "Direction")) == {"Inbound"}


# --- a completed call: survey, transcript, call map, playback -------------------------


def test_a_completed_call_shows_its_survey_transcript_estimated_map_and_plays(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path, manifest
) -> None:
    window = _open(windows, tmp_path, vc_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    wanted = _surveyed(manifest)
    _open_call(driver, window, wanted["id"])

    # Detail: how the call went, in plain words.
    assert _text(window, "detail-status").endswith("Completed")
    assert _text(window, "detail-direction") == wanted["direction"]
    assert _text(window, "detail-campaign") == wanted["campaignId"]
    assert _text(window, "detail-state") == "Completed"
    assert _text(window, "detail-outcome") == wanted["outcome"]
    assert _text(window, "detail-talk-time") == f"0:{wanted['talkTimeSeconds']:02d}"
    assert _text(window, "detail-duration") == f"0:{wanted['durationSeconds']:02d}"
    assert _text(window, "detail-start") and _text(window, "detail-end")

    # The survey where Voxxi shows section scores.
    survey = wanted["epaResults"]
    assert window.verdict.currentWidget() is window.survey
    assert window.survey.isVisible()
    assert _text(window, "survey-state") == "Completed"
    assert _text(window, "survey-reason") == "All questions answered"
    answered = f"{survey['questionsAnswered']} of {survey['totalQuestions']}"
    assert _text(window, "survey-answered") == answered
    assert _text(window, "survey-score") == f"Score {survey['calculatedScore']:.0f}"
    for number, response in enumerate(survey["responses"]):
        name = f"survey-response-{number}"
        assert _text(window, f"{name}-question") == response["question"]
        assert _text(window, f"{name}-answer") == response["answer"]
        assert _text(window, f"{name}-score") == f"Score {response['score']}"

    # Transcript: every turn, each ending where the next begins.
    index = window.transcript.index
    assert index is not None
    assert [turn.text for turn in index.turns] == [t["text"] for t in wanted["transcript"]]
    for turn, following in zip(index.turns, index.turns[1:], strict=False):
        assert turn.end == following.start and turn.end_estimated
    # The call map says its lanes are estimated.
    call_map = window.call_map
    assert call_map.isVisible() and call_map.lanes_estimated
    assert ESTIMATED_CAPTION in call_map.accessibleDescription()
    middle = call_map.x_for(call_map.duration / 2)
    assert ESTIMATED_CAPTION in call_map.tooltip_at(middle, call_map.height() / 2)
    assert call_map.height() >= call_map.sizeHint().height()

    # Playback through the signed 15-minute URL.
    driver.wait_until(lambda: bool(window.player.source), timeout=30, what="recording loaded")
    assert "se=" in window.player.source and "sig=" in window.player.source
    assert window.playback.recording is not None
    assert window.playback.recording.expires_at is not None
    assert window.player_bar.play_button.isEnabled()
    window.playback.play()
    driver.wait_until(
        lambda: window.player.position >= 1.0,
        timeout=30,
        what=f"playing (at {window.player.position:.2f})",
    )
    # The map's time axis is the recording's, as the slider's is (not the call's stated
    # length, which counts the ringing too), and it still says its lanes are estimated.
    recording = window.player.duration
    assert recording > 0
    assert abs(call_map.duration - recording) <= 0.5
    assert call_map.lanes_estimated


def test_a_survey_only_call_takes_notes_and_is_submitted_and_reopened(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path, manifest
) -> None:
    """Nothing to override on a survey, but notes and the reviewed state still work."""
    window = _open(windows, tmp_path, vc_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    call_id = _surveyed(manifest)["id"]
    _open_call(driver, window, call_id)
    driver.wait_until(
        lambda: window.review.review is not None and window.review.review.call_ref == call_id,
        what="the call's review",
    )
    pane = window.review_pane
    assert window.survey.isVisible() and pane.isVisible()
    assert pane.scores.text() == "No score to review"
    assert pane.add_note_button.isEnabled() and pane.submit_button.isEnabled()
    window.window_actions.note_action.trigger()
    dialog = window.findChild(QInputDialog, "note-dialog")
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("the bot asked the second question twice")
    dialog.accept()
    [note] = window.review.review.notes
    assert window.call_map.notes == (note,)
    assert "asked the second question twice" in pane.notes.item(0).text()

    def review_column() -> str:
        return dict(zip(_listed(window), _column(window, "Review"), strict=True))[call_id]

    pane.submit_button.click()
    assert pane.state.text() == f"Reviewed by {window.review.reviewer}"
    assert not pane.add_note_button.isEnabled() and pane.reopen_button.isVisible()
    driver.wait_until(lambda: review_column() == "Reviewed", what="the Review column")
    pane.reopen_button.click()
    assert pane.state.text() == "Draft" and pane.add_note_button.isEnabled()
    driver.wait_until(lambda: review_column() == "Draft", what="the Review column")
    driver.run(window.services.reviews.flush())
    stored = driver.run(window.services.reviews.store.load(window.browser.connection, call_id))
    assert stored is not None and stored.notes == (note,) and stored.seconds_spent > 0


def test_a_busy_call_says_it_never_connected_and_has_no_recording(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path, manifest
) -> None:
    window = _open(windows, tmp_path, vc_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    busy = next(c for c in manifest["calls"] if c["state"] == "Busy")
    _open_call(driver, window, busy["id"])
    driver.wait_until(
        lambda: "never connected" in window.player_bar.message.text(), what="player message"
    )
    assert window.player_bar.message.text() == (
        "This call never connected (the line was busy), so there is no recording to play."
    )
    # Nothing went wrong: the sentence is not in the error colour.
    assert error_color().name() not in window.player_bar.message.styleSheet()
    assert not window.player_bar.play_button.isEnabled()
    assert not window.player.source
    assert _text(window, "detail-status").endswith("Busy")
    assert "never connected" in _text(window, "survey-notice")
    assert window.transcript.message.text() == (
        "This call never connected (the line was busy), so nothing was said."
    )
    assert not window.call_map.isVisible()
    window.playback.play()  # Space on a call with nothing to play: nothing happens
    driver.pump(0.3)
    assert window.player.position == 0.0 and not window.player.source


@pytest.fixture(scope="module")
def short_url_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The voice-bot demo on a server whose recording URLs live 3 seconds."""
    data = tmp_path_factory.mktemp("voice-short-urls") / "data"
    seed_data_dir(data)
    args = ["--no-demo", "--workers", "1", "--recording-url-ttl", "3"]
    with LocalServer(data, extra_args=args) as running:
        yield running


def test_an_expiring_recording_url_is_replaced_and_playback_goes_on(
    driver: Driver, windows: WindowFactory, short_url_server: LocalServer, tmp_path: Path, manifest
) -> None:
    window = _open(windows, tmp_path, short_url_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    longest = max(
        (c for c in manifest["calls"] if c["state"] == "Completed"),
        key=lambda c: c["durationSeconds"],
    )
    _open_call(driver, window, longest["id"])
    driver.wait_until(lambda: bool(window.player.source), timeout=30, what="recording loaded")
    player = window.player
    first_url = player.source
    window.playback.play()
    driver.wait_until(lambda: player.position >= 3.5, timeout=30, what="played past the expiry")
    # The URL's own se= said it expired: a seek asks the platform for a fresh one first.
    window.playback.seek(1.0)
    driver.wait_until(lambda: player.source != first_url, timeout=30, what="a fresh URL")
    driver.wait_until(lambda: player.position >= 1.5, timeout=30, what="playing on")
    assert player.position < 3.0 and player.playing
    assert window.player_bar.message.text() == ""


# --- no uploads on a platform that records its own calls -------------------------------


def _mime(path: Path) -> QMimeData:
    return url_mime(QUrl.fromLocalFile(str(path)))


def _drop_event(mime: QMimeData) -> QDropEvent:
    """A drop as a desktop that ignores the refused enter delivers it (Qt itself only
    delivers drops to a widget that accepted the drag, so it is handed over directly).
    The event does not own ``mime``: the caller keeps it alive."""
    return QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_the_voice_bot_desk_offers_no_upload_and_answers_a_drop_in_plain_words(
    driver: Driver,
    windows: WindowFactory,
    vc_server: LocalServer,
    tmp_path: Path,
    tone_wav: Path,
    manifest,
) -> None:
    window = _open(windows, tmp_path, vc_server)
    _wait_listed(driver, window, len(manifest["calls"]))
    upload = window.window_actions.upload_action
    assert not upload.isVisible() and not upload.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert upload not in [a for a in file_menu.actions() if a.isVisible()]
    assert "Upload recordings" not in [text for text, _ in shortcut_rows(window.actions())]
    asked: list[object] = []
    window.uploads.metadataNeeded.connect(lambda *args: asked.append(args))

    QTest.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    driver.pump(0.3)
    assert not [d for d in window._dialogs if d.isVisible()]  # no file dialog opened

    # The cursor says "no" and the status bar why, as soon as the files come over.
    assert not drag_enter(window, _mime(tone_wav))
    assert window.statusBar().currentMessage() == REFUSAL
    window.statusBar().clearMessage()
    # A drop delivered anyway (some desktops do) gets the same answer, and no upload.
    assert not drop(window, _mime(tone_wav))
    mime = _mime(tone_wav)
    assert window.drop_target.eventFilter(window, _drop_event(mime))
    assert window.statusBar().currentMessage() == REFUSAL
    driver.pump(0.3)
    assert not asked and not window.upload_panel.isVisible()

    # A Voxxi-family connection takes uploads again.
    window.session.switch_to(window.services.connections.find(LOCAL).id)
    driver.wait_until(lambda: upload.isVisible() and upload.isEnabled(), what="upload offered")
    assert drag_enter(window, _mime(tone_wav))


# --- first sync: progress, Stop, list usable -----------------------------------------

BULK_CALLS = 6000
#: Pages of the first sync held on their way (a second each, three at a time).
HELD_PAGES = 12


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voice-bulk") / "data"
    with LocalServer(
        data, extra_args=["--no-demo", "--workers", "1", "--bulk-voice-calls", str(BULK_CALLS)]
    ) as running:
        yield running


def test_the_first_sync_shows_progress_can_be_stopped_and_goes_on_later(
    driver: Driver, windows: WindowFactory, bulk_server: LocalServer, tmp_path: Path
) -> None:
    # The first pages are held a second each on their way, so the sync is surely still
    # running when the list shows its first rows and Esc is pressed (an idle machine
    # otherwise finishes 6,000 calls before the list's first reload).
    held = Fault("GET", "/api/v1/voice-calls", HOLD, times=HELD_PAGES, seconds=1.0)
    proxy = driver.run(FaultyProxy(bulk_server.port, [held]).start())
    try:
        _sync_stop_and_resume(driver, windows, bulk_server, tmp_path, proxy.base_url)
    finally:
        driver.run(proxy.stop())


def _sync_stop_and_resume(
    driver: Driver, windows: WindowFactory, bulk_server: LocalServer, home: Path, url: str
) -> None:
    window = _open(windows, home, bulk_server, base_url=url)
    progress: list[str] = []
    window.browser.syncProgress.connect(progress.append)
    driver.wait_until(
        lambda: window.sync_label.text().startswith("Syncing calls…"), timeout=60, what="progress"
    )
    assert window.window_actions.stop_sync_action.isEnabled()
    assert window.stop_sync_button.isVisible()
    # The list fills while the sync runs, and can be used.
    driver.wait_until(lambda: window.model.rowCount() > 0, timeout=30, what="rows while syncing")
    assert window.browser.refreshing
    first = _listed(window)[0]
    assert window.call_list.select_call(first)

    QTest.keyClick(window.call_list.table, Qt.Key.Key_Escape)
    driver.wait_until(
        lambda: window.statusBar().currentMessage().startswith("Sync stopped"),
        timeout=30,
        what="sync stopped",
    )
    assert not window.browser.refreshing
    assert window.sync_label.text() == "" and not window.stop_sync_button.isVisible()
    assert not window.window_actions.stop_sync_action.isEnabled()
    stored = window.state.total
    assert 0 < stored < BULK_CALLS
    assert progress[0].startswith("Syncing calls… 200 of 6,000")

    window.refresh()  # F5: goes on from where it stopped
    _wait_listed_total(driver, window, BULK_CALLS)
    assert window.counts_label.text() == f"{BULK_CALLS} calls"


def _wait_listed_total(driver: Driver, window: MainWindow, total: int) -> None:
    driver.wait_until(
        lambda: window.state.total == total and not window.browser.refreshing,
        timeout=120,
        what=f"{total} calls known (have {window.state.total})",
    )


# --- connections: the platform's settings as a form -----------------------------------


def test_the_connections_dialog_renders_the_platforms_settings_and_saves_them(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, vc_server, active=LOCAL)
    dialog = window.open_connections()
    dialog._new()
    dialog.platform_box.set_platform("voicecalls")
    labels = {name: label.text() for name, label in dialog.settings_form.labels.items()}
    assert labels == {"base_url": "Base URL *:", "token": "API token *:"}
    assert dialog.token_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.url_edit.echoMode() == QLineEdit.EchoMode.Normal

    dialog.name_edit.setText("Bots")
    dialog.url_edit.setText(vc_server.base_url)
    dialog.token_edit.setText(vc_server.token)
    assert dialog.save(), dialog.error.text()
    saved = window.services.connections.find("Bots")
    assert saved is not None and saved.platform == "voicecalls"
    assert saved.base_url == vc_server.base_url and dict(saved.settings) == {}
    assert window.services.credentials.get(saved.id) == vc_server.token
    dialog.use_selected()
    driver.wait_until(
        lambda: window.session.connection is not None and window.session.connection.id == saved.id,
        what="switched to the new connection",
    )
    _wait_listed(driver, window, 31)
    dialog.close()


class TeamSettings(TokenSettings):
    """A platform whose connection names a team (as VOIX's will)."""

    team_id: str = Field(title="Team ID", description="The team whose calls to list.")
    region: str = Field(default="eu", title="Region")


def test_a_settings_form_marks_required_fields_masks_secrets_and_keeps_them_apart(
    qtbot,
) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_model(TeamSettings)
    assert [form.labels[n].text() for n in ("base_url", "token", "team_id", "region")] == [
        "Base URL *:",
        "API token *:",
        "Team ID *:",
        "Region:",
    ]
    assert form.edits["token"].echoMode() == QLineEdit.EchoMode.Password
    assert form.edits["region"].placeholderText() == "eu"
    assert "Required" in form.edits["team_id"].toolTip()
    form.edits["base_url"].setText(" https://voix.example ")
    form.edits["token"].setText("s3cret")
    assert form.missing(secrets_required=True) == ["Team ID"]
    form.edits["team_id"].setText("team-7")
    assert form.missing(secrets_required=True) == []
    assert form.values() == {"base_url": "https://voix.example", "team_id": "team-7"}
    assert form.secrets() == {"token": "s3cret"}
    form.set_values({"base_url": "https://x.example", "team_id": "t", "token": "leak"})
    assert form.edits["token"].text() == ""  # secrets are never filled back in


# --- the app's own server serves the voice-bot platform too -----------------------------


def _no_demo(data_dir: Path, token: str) -> LocalServerProcess:
    return LocalServerProcess(data_dir, token, demo=False)


def test_the_apps_own_server_is_also_a_voice_bot_connection_that_keeps_it_running(
    driver: Driver, windows: WindowFactory, tmp_path: Path
) -> None:
    services = make_services(tmp_path, [], server_factory=_no_demo, server_dir=tmp_path / "srv")
    window = windows.open(services)
    driver.wait_until(lambda: window.session.connection is not None, timeout=60, what="local")
    server = window.session.server
    assert server is not None and server.running
    voice = services.connections.find(LOCAL_VOICE_CONNECTION)
    assert voice is not None and voice.platform == "voicecalls"
    assert voice.base_url == server.base_url

    window.session.switch_to(voice.id)
    driver.wait_until(
        lambda: window.session.connection is not None and window.session.connection.id == voice.id,
        timeout=60,
        what="switched to the voice-bot connection",
    )
    # Same child, same port, its token: the sync succeeds (an empty library: no demo).
    assert window.session.server is server and server.running
    assert services.connections.active().id == voice.id
    driver.wait_until(
        lambda: window.statusBar().currentMessage() == "Calls are up to date.",
        timeout=60,
        what="the voice-bot sync",
    )
    assert _headers(window) == VOICE_COLUMNS
    assert not window.banner.isVisible()
    label = f"{LOCAL_VOICE_CONNECTION} — Voice-bot platform · {server.base_url}"
    assert window.connection_label.text() == label


def test_a_platforms_own_settings_are_saved_in_the_connection_and_checked(
    driver: Driver, windows: WindowFactory, vc_server: LocalServer, tmp_path: Path
) -> None:
    """VOIX declares a key kind and a team id beyond the base URL and token: the form
    shows them, a bad one is refused naming it, good ones land in ``settings``."""
    window = _open(windows, tmp_path, vc_server, active=LOCAL)
    dialog = window.open_connections()
    dialog._new()
    dialog.platform_box.set_platform("voix")
    form = dialog.settings_form
    assert set(form.edits) == {"base_url", "token", "team_id", "stage_on"}
    # The key's kind is one of two, offered as a list; the members are a table.
    assert set(form.choices) == {"key_kind"} and form.members_editor is not None
    assert form.labels["team_id"].text() == "Team id:"
    dialog.name_edit.setText("Contact centre")
    dialog.url_edit.setText("https://voix.example")
    dialog.token_edit.setText("voix-key")
    form.choices["key_kind"].setCurrentIndex(form.choices["key_kind"].findData("workspace"))
    form.edits["team_id"].setText("not-a-team")
    assert not dialog.save()
    assert dialog.error.text().startswith("Team id:")
    assert window.services.connections.find("Contact centre") is None
    team = "3f6c1a52-8e0b-4a8e-9d41-2b7f0c5d9e11"
    form.edits["team_id"].setText(team)
    assert dialog.save(), dialog.error.text()
    saved = window.services.connections.find("Contact centre")
    assert saved is not None and saved.platform == "voix"
    assert dict(saved.settings) == {"key_kind": "workspace", "team_id": team}
    assert "voix-key" not in json.dumps(dict(saved.settings))
    assert window.services.credentials.get(saved.id) == "voix-key"
    # Opened again, the form shows what was saved (never the token).
    dialog.list.setCurrentItem(None)
    dialog._reload(select=saved.id)
    assert form.edits["team_id"].text() == team and form.edits["token"].text() == ""
    dialog.close()
