"""The desk on a VOIX connection, against a real local server with VOIX's keys and a
members list: recordings dropped on the window are asked about, staged in the server's
own storage and sent as one finishing beat each, then followed to completed with their
transcript; a phone system's call log goes through File ▸ Send call log… with a report
per row, and a re-run sends only the finishing beat of the call that gained a recording.
A VOIX the staged recordings could not reach is refused in plain words.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QDateTime, Qt

from tests.server.voix.voix_support import (
    LENA,
    MARCO,
    MEMBERS,
    PRIYA,
    SERVER_ARGS,
    TEAM,
    TEAM_KEY,
    WORKSPACE_KEY,
    bearer,
)
from tests.support.local_server import LocalServer
from tests.support.qt_drops import drop_files
from tests.ui.conftest import Driver, WindowFactory, make_services
from tests.uploads.faulty_proxy import HOLD, Fault, FaultyProxy
from voxdesk.services.connections import Connection
from voxdesk.services.local_server import (
    LOCAL_VOIX_CONNECTION,
    LOCAL_VOIX_TEAM,
    LocalServerProcess,
)
from voxdesk.services.voix_outbox import VoixOutbox
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.voix.report_dialog import SendReportDialog
from voxdesk.ui.voix.send_dialog import SendRecordingsDialog

VOIX = "VOIX team"
LOCAL = "Local QA"
TEAM_MEMBERS = [
    {"user_id": PRIYA, "name": "Priya Shah"},
    {"user_id": MARCO, "name": "Marco Rossi"},
    {"user_id": LENA, "name": "Lena Berg"},
]
#: Completed calls take a transcription each; one worker on a shared machine.
FINAL_TIMEOUT = 240


@pytest.fixture(scope="module")
def voix_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """VOIX on the local server: its token is the workspace-wide key, one team key, the
    team's members listed; no private fetches allowed (staged files are its own)."""
    data = tmp_path_factory.mktemp("voix-desk") / "data"
    data.mkdir()
    (data / "voix-members.json").write_text(json.dumps(MEMBERS), "utf-8")
    args = ["--no-demo", "--workers", "1", *SERVER_ARGS]
    with LocalServer(data, token=WORKSPACE_KEY, extra_args=args) as running:
        yield running


def _open(
    windows: WindowFactory,
    home: Path,
    server: LocalServer,
    *,
    voix_url: str | None = None,
    stage_on: str | None = None,
) -> MainWindow:
    """A window on a team-keyed VOIX connection, with a Local connection to the same
    server (whose storage stages the recordings)."""
    settings = {"key_kind": "team", "members": TEAM_MEMBERS}
    if stage_on is not None:
        settings["stage_on"] = stage_on
    services = make_services(
        home,
        [
            (Connection(LOCAL, "local", server.base_url), server.token),
            (Connection(VOIX, "voix", voix_url or server.base_url, settings=settings), TEAM_KEY),
        ],
        voix_outbox=VoixOutbox(home / "data" / "voix-outbox.sqlite3"),
    )
    connection = services.connections.find(VOIX)
    assert connection is not None
    services.connections.set_active(connection.id)
    return windows.open(services)


def _listed(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())]


def _cell(window: MainWindow, call_id: str, title: str) -> str:
    model = window.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = _listed(window).index(call_id)
    return model.index(row, headers.index(title)).data()


def _report(driver: Driver, window: MainWindow) -> SendReportDialog:
    def shown() -> list[SendReportDialog]:
        return [d for d in window.findChildren(SendReportDialog) if d.isVisible()]

    driver.wait_until(lambda: bool(shown()), timeout=30, what="the report")
    dialog = shown()[-1]
    driver.wait_until(lambda: not dialog.running, timeout=120, what="the send to end")
    return dialog


def _server_calls(server: LocalServer) -> list[dict]:
    return httpx.get(f"{server.base_url}/calls", headers=bearer(TEAM_KEY)).json()["calls"]


def test_a_dropped_recording_is_sent_once_and_reaches_completed_with_its_transcript(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path, speech_wav
) -> None:
    recording = tmp_path / "support 2026-06-16 09.05.35.wav"
    shutil.copy(speech_wav, recording)
    window = _open(windows, tmp_path, voix_server)
    driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")
    assert window.window_actions.send_call_log_action.isEnabled()

    drop_files(window, [recording])
    driver.wait_until(
        lambda: bool(window.findChildren(SendRecordingsDialog)), timeout=30, what="the dialog"
    )
    dialog = window.findChildren(SendRecordingsDialog)[0]
    # Defaults from the file: the start time in its name, the duration from its audio.
    started = dialog.start_edits[0].dateTime()
    assert started == QDateTime.fromString("2026-06-16 09:05:35", "yyyy-MM-dd HH:mm:ss")
    assert abs(dialog.duration_edits[0].value() - 10) <= 6  # flite speaks ~10 s
    # The team's members are offered as agents.
    agents = [dialog.agent_box.itemText(i) for i in range(dialog.agent_box.count())]
    assert agents[1:] == ["Lena Berg", "Marco Rossi", "Priya Shah"]

    # A missing number is said in the dialog, which stays open; nothing is sent.
    dialog.accept()
    assert dialog.isVisible() and "from" in dialog.error.text()
    dialog.from_edit.setText("+31612345678")
    dialog.to_edit.setText("+31201234567")
    dialog.direction_box.setCurrentIndex(1)  # inbound
    dialog.agent_box.setCurrentIndex(dialog.agent_box.findData(PRIYA))
    dialog.accept()

    report = _report(driver, window)
    assert report.outcomes() == ["Sent the finishing beat"]
    assert report.summary.text().startswith("1 of 1 went through")
    calls = _server_calls(voix_server)
    assert len(calls) == 1 and len(calls[0]["jobs"]) == 1
    call_id = calls[0]["callId"]
    assert calls[0]["userId"] == PRIYA and calls[0]["outgoing"] is False

    # Listed at once with VOIX's status, then followed to completed.
    driver.wait_until(lambda: call_id in _listed(window), timeout=30, what="the call listed")
    driver.wait_until(
        lambda: _cell(window, call_id, "VOIX status") == "Completed",
        timeout=FINAL_TIMEOUT,
        what="the call completed",
    )
    assert _cell(window, call_id, "Agent") == "Priya Shah"
    assert _cell(window, call_id, "Direction") == "Inbound"
    window.call_list.select_call(call_id)
    driver.wait_until(
        lambda: window.transcript.index is not None and bool(window.transcript.index.turns),
        timeout=30,
        what="the transcript shown",
    )
    said = " ".join(turn.text for turn in window.transcript.index.turns).lower()
    assert "calling" in said

    # The same file dropped again is the same call: skipped, not sent twice.
    drop_files(window, [recording])

    def second_dialog() -> list[SendRecordingsDialog]:
        found = window.findChildren(SendRecordingsDialog)
        return [d for d in found if d is not dialog and d.isVisible()]

    driver.wait_until(lambda: bool(second_dialog()), timeout=30, what="a second dialog")
    again = second_dialog()[0]
    again.from_edit.setText("+31612345678")
    again.to_edit.setText("+31201234567")
    report.close()
    again.accept()
    second = _report(driver, window)
    assert second.outcomes() == ["Skipped: the finishing beat was already sent"]
    assert [len(c["jobs"]) for c in _server_calls(voix_server)] == [1]


def _write_log(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "startTime", "outgoing", "duration", "userId", "recording"])
        writer.writerows(rows)
    return path


def test_a_call_log_is_sent_with_a_report_per_row_and_a_rerun_sends_only_what_is_new(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path, speech_wav
) -> None:
    before = {c["callId"] for c in _server_calls(voix_server)}
    for name in ("first.wav", "second.wav", "third.wav"):
        shutil.copy(speech_wav, tmp_path / name)
    rows = [
        ["+31612345001", "+31201234567", "2026-06-17T09:00:00Z", "false", "10", PRIYA, "first.wav"],
        ["+31612345002", "+31201234567", "2026-06-17T10:00:00Z", "true", "10", "", "second.wav"],
        ["+31612345003", "+31201234567", "2026-06-17T11:00:00Z", "false", "", "", ""],
    ]
    log = _write_log(tmp_path / "calls.csv", rows)
    window = _open(windows, tmp_path, voix_server)
    driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")

    picker = window.choose_call_log()
    picker.fileSelected.emit(str(log))
    picker.reject()
    report = _report(driver, window)
    assert report.outcomes() == [
        "Sent the finishing beat",
        "Sent the finishing beat",
        "Sent beat 1",
    ]
    assert report.summary.text().startswith("3 of 3 went through")
    sent = [c for c in _server_calls(voix_server) if c["callId"] not in before]
    assert sorted(c["status"] for c in sent if not c["jobs"]) == ["received"]
    received = next(c["callId"] for c in sent if not c["jobs"])
    driver.wait_until(lambda: received in _listed(window), timeout=30, what="listed")
    assert _cell(window, received, "VOIX status") == "Received"

    # The third call's recording arrives; the log is sent again.
    rows[2][4], rows[2][6] = "10", "third.wav"
    _write_log(log, rows)
    report.close()
    window.voix.send_call_log(log)
    again = _report(driver, window)
    assert again.outcomes() == [
        "Skipped: the finishing beat was already sent",
        "Skipped: the finishing beat was already sent",
        "Sent the finishing beat",
    ]
    after = {c["callId"]: c for c in _server_calls(voix_server) if c["callId"] not in before}
    assert len(after) == 3  # the same three calls: nothing sent twice
    assert [len(c["jobs"]) for c in after.values()] == [1, 1, 1]
    assert after[received]["duration"] == 10
    driver.wait_until(
        lambda: _cell(window, received, "VOIX status") in ("Transcribing…", "Completed"),
        timeout=30,
        what="the third call transcribing",
    )


def test_recordings_voix_could_not_fetch_are_refused_before_the_dialog(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path, tone_wav
) -> None:
    # A VOIX out on the internet, staging on this computer's server: unreachable.
    window = _open(
        windows, tmp_path, voix_server, voix_url="https://ingest.voix.example", stage_on=LOCAL
    )
    driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")
    drop_files(window, [tone_wav])
    driver.wait_until(window.banner.isVisible, what="the refusal")
    assert "could not fetch recordings staged on 'Local QA'" in window.banner.text()
    assert not window.findChildren(SendRecordingsDialog)


def test_a_remote_voix_with_nowhere_to_stage_says_so(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path, tone_wav
) -> None:
    window = _open(windows, tmp_path, voix_server, voix_url="https://ingest.voix.example")
    driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")
    drop_files(window, [tone_wav])
    driver.wait_until(window.banner.isVisible, what="the refusal")
    assert "VOIX takes no uploads" in window.banner.text()
    assert "Stage recordings on" in window.banner.text()
    assert not window.findChildren(SendRecordingsDialog)


def test_a_call_log_send_can_be_cancelled_and_the_rerun_sends_only_the_rest(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path
) -> None:
    # Each submission is held on its way, so the send is surely running when Cancel is
    # pressed; the window stays usable meanwhile (nothing waits in a nested loop).
    held = Fault("POST", "/submit", HOLD, times=3, seconds=1.5)
    proxy = driver.run(FaultyProxy(voix_server.port, [held]).start())
    try:
        rows = [
            [f"+3161234510{n}", "+31201234567", f"2026-06-18T0{n}:00:00Z", "", "", "", ""]
            for n in range(1, 4)
        ]
        log = _write_log(tmp_path / "calls.csv", rows)
        window = _open(windows, tmp_path, voix_server, voix_url=proxy.base_url)
        driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")
        window.voix.send_call_log(log)
        driver.wait_until(
            lambda: any(d.isVisible() for d in window.findChildren(SendReportDialog)),
            what="the report",
        )
        report = window.findChildren(SendReportDialog)[-1]
        driver.wait_until(lambda: len(report.outcomes()) == 1, timeout=30, what="row 1 answered")
        assert report.button.text() == "Cancel"
        report.button.click()
        driver.wait_until(lambda: not report.running, timeout=10, what="the cancel")
        assert report.outcomes() == ["Sent beat 1"]
        assert report.summary.text().startswith("Cancelled. 1 of 1 went through")
        assert report.button.text() == "Close"
        assert not window.voix.sending

        report.close()
        window.voix.send_call_log(log)
        again = _report(driver, window)
        assert again.outcomes() == [
            "Skipped: beat 1 was already sent",
            "Sent beat 1",
            "Sent beat 1",
        ]
    finally:
        driver.run(proxy.stop())


def test_switching_away_from_voix_stops_following_and_takes_uploads_again(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, voix_server)
    driver.wait_until(lambda: window.voix.active, what="the VOIX connection in use")
    assert window.drop_target.accepting
    local = window.services.connections.find(LOCAL)
    window.session.switch_to(local.id)
    driver.wait_until(lambda: not window.voix.active, what="the Local connection in use")
    assert window.voix.running_tasks() == []
    assert not window.window_actions.send_call_log_action.isEnabled()
    assert window.window_actions.upload_action.isEnabled()


def test_a_voix_connections_settings_key_kind_team_and_members_are_kept(
    driver: Driver, windows: WindowFactory, voix_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, voix_server)
    dialog = window.open_connections()
    dialog._new()
    dialog.platform_box.set_platform("voix")
    form = dialog.settings_form
    kinds = form.choices["key_kind"]
    assert [kinds.itemText(i) for i in range(kinds.count())] == ["workspace", "team"]
    assert kinds.currentText() == "team"
    assert form.members_editor is not None

    dialog.name_edit.setText("VOIX workspace")
    dialog.url_edit.setText(voix_server.base_url)
    dialog.token_edit.setText(WORKSPACE_KEY)
    kinds.setCurrentIndex(kinds.findData("workspace"))
    # A workspace-wide key names its team; without one the form says so.
    assert not dialog.save()
    assert "workspace-wide key needs the team id" in dialog.error.text()

    form.edits["team_id"].setText(TEAM)
    # The team's members, taken over from the local server's own documented list.
    form.members_editor.import_file(voix_server.data_dir / "voix-members.json")
    assert [m["name"] for m in form.members_editor.members()] == [
        "Priya Shah",
        "Marco Rossi",
        "Lena Berg",
    ]
    # A member typed in with a user id that is not a UUID is refused in plain words.
    form.members_editor.add_member("agent-7", "Sam Novak")
    assert not dialog.save()
    assert "agent-7" in dialog.error.text() and "not a UUID" in dialog.error.text()
    form.members_editor.table.removeRow(3)
    assert dialog.save(), dialog.error.text()

    saved = window.services.connections.find("VOIX workspace")
    assert saved is not None and saved.platform == "voix"
    assert saved.settings["key_kind"] == "workspace"
    assert saved.settings["team_id"] == TEAM
    assert saved.settings["members"] == [
        {"user_id": PRIYA, "name": "Priya Shah"},
        {"user_id": MARCO, "name": "Marco Rossi"},
        {"user_id": LENA, "name": "Lena Berg"},
    ]
    # Selected again, the form shows what was saved.
    dialog._reload(select=saved.id)
    assert form.choices["key_kind"].currentText() == "workspace"
    assert form.edits["team_id"].text() == TEAM
    assert len(form.members_editor.members()) == 3
    dialog.reject()


def test_the_apps_own_server_is_also_voix_and_attributes_from_the_desks_members(
    driver: Driver, windows: WindowFactory, tmp_path: Path
) -> None:
    services = make_services(
        tmp_path,
        [],
        server_factory=lambda data, token: LocalServerProcess(data, token, demo=False),
        server_dir=tmp_path / "srv",
        voix_outbox=VoixOutbox(tmp_path / "data" / "voix-outbox.sqlite3"),
    )
    window = windows.open(services)
    driver.wait_until(lambda: window.session.connection is not None, timeout=60, what="local")
    server = window.session.server
    voix = services.connections.find(LOCAL_VOIX_CONNECTION)
    assert voix is not None and voix.platform == "voix" and voix.base_url == server.base_url
    assert dict(voix.settings) == {"key_kind": "workspace", "team_id": LOCAL_VOIX_TEAM}
    services.connections.save(replace(voix, settings={**voix.settings, "members": TEAM_MEMBERS}))

    window.session.switch_to(voix.id)
    driver.wait_until(lambda: window.voix.active, timeout=60, what="the VOIX connection")
    # Same child, still running; the members reach the server's own list.
    assert window.session.server is server and server.running
    members = tmp_path / "srv" / "voix-members.json"
    driver.wait_until(members.is_file, timeout=30, what="the members list written")
    listed = json.loads(members.read_text("utf-8"))["teams"][LOCAL_VOIX_TEAM]
    assert [m["name"] for m in listed] == ["Priya Shah", "Marco Rossi", "Lena Berg"]
    # Staging needs no choice: the server's own storage, with its own token.
    place = window.voix.staging_place()
    assert place is not None and place.base_url == server.base_url
    assert place.token == server.token
