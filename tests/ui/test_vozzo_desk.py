"""The Vozzo desk against the real local server: a use case made in the manager with two
questions and three buckets, two spoken recordings dropped on it and watched until
ANALYSIS_COMPLETED, one opened — its answers with evidence that plays from its moment,
its bucket — and the dashboard's counts equal to the server's own summary."""

from __future__ import annotations

import httpx
import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from tests.support.qt_drops import drop_files
from tests.support.vozzo_server import (
    BUCKETS,
    QUESTIONS,
    auth,
    organization,
    sales_call_wav,
    vozzo_server,
)
from tests.ui.conftest import make_services
from voxdesk.contracts import vozzo as wire
from voxdesk.domain.timeline import find_timestamps
from voxdesk.providers.registry import make_provider
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import Connection
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.store import UploadStore
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.vozzo.dashboard import COUNT_FIELDS, count_text
from voxdesk.ui.vozzo.recording_detail import (
    LOW_CONFIDENCE,
    LOW_STYLE,
    low_confidence_words,
    turn_html,
)
from voxdesk.ui.vozzo.recordings_desk import VozzoDesk
from voxdesk.ui.vozzo.usecase_manager import USECASE_ROLE
from voxdesk.ui.widgets.widgets import SEEK_SCHEME

#: Slack for a played position: the player reports every ~50 ms and seeks land on packets.
POSITION_SLACK = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with vozzo_server(tmp_path_factory.mktemp("vozzo-desk") / "data") as srv:
        yield srv


@pytest.fixture
def desk(server, driver, tmp_path, qtbot):
    provider = make_provider("vozzo", {"base_url": server.base_url, "token": server.token})
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    uploads = UploadStore(tmp_path / "uploads.sqlite3")
    driver.run(catalog.open())
    driver.run(uploads.open())
    service = CallService("vozzo-desk", provider, catalog)
    queue = UploadQueue(service, uploads)
    desk = VozzoDesk(service, queue)
    qtbot.addWidget(desk)
    desk.resize(1400, 900)
    desk.show()
    desk.start()
    yield desk
    driver.run(desk.shutdown())
    driver.run(queue.close())
    driver.run(uploads.close())
    driver.run(catalog.close())
    driver.run(provider.aclose())


def _server_post(server, path: str, body: dict) -> dict:
    response = httpx.post(server.base_url + path, json=body, headers=auth(server))
    response.raise_for_status()
    return response.json()


def test_a_use_case_made_dropped_on_analysed_opened_and_summed_up(
    desk, server, driver, tmp_path
) -> None:
    # The manager: a use case with two questions and three buckets.
    desk.open_manager()
    manager = desk.manager
    assert manager is not None
    driver.wait_until(lambda: not manager.running_tasks(), what="the use cases read")
    manager.new_button.click()
    editor = manager.editor
    assert editor is not None and editor.isVisible()
    editor.name_edit.setText("Loan leads")
    editor.tags_edit.setText("sales, quality")
    for question in QUESTIONS:
        editor.add_question(question)
    for name, description in BUCKETS:
        editor.add_bucket(name, description)
    editor.accept()
    driver.wait_until(lambda: manager.table.rowCount() == 1, what="the new use case listed")
    assert manager.table.item(0, 0).text() == "Loan leads"
    assert [manager.table.item(0, c).text() for c in (2, 3, 4)] == ["2", "3", "0"]
    driver.wait_until(lambda: desk.picker.currentText() == "Loan leads", what="the picker")
    usecase = desk.usecase_id()
    stored = httpx.get(f"{server.base_url}{wire.USECASE_PATH}/{usecase}", headers=auth(server))
    config = stored.json()["analysis_config"]
    assert config["analysis_questions"] == list(QUESTIONS)
    assert len(config["analysis_buckets"]) == 3
    manager.close()

    # Two recordings dropped on the list, watched until analysed — and the dashboard,
    # open from the start, following them.
    desk.open_dashboard()
    dashboard = desk.dashboard
    assert dashboard is not None
    driver.wait_until(lambda: dashboard.counts is not None, what="the first summary")
    assert dashboard.counts.total_calls == 0
    followed: list[tuple[int, int]] = []
    dashboard.refreshed.connect(lambda c, _d: followed.append((c.total_calls, c.completed)))
    files = [sales_call_wav(tmp_path / f"lead{n}.wav") for n in (1, 2)]
    assert desk.drops.refusal is None, desk.drops.refusal
    drop_files(desk.table.viewport(), files)
    seen_states: set[str] = set()

    def analysed() -> bool:
        states = [desk.table.item(r, 1).text() for r in range(desk.table.rowCount())]
        seen_states.update(states)
        return len(states) == 2 and set(states) == {"ANALYSIS_COMPLETED"}

    driver.wait_until(analysed, timeout=240, what="both recordings analysed")
    assert {desk.table.item(r, 0).text() for r in range(2)} == {"lead1.wav", "lead2.wav"}
    driver.wait_until(lambda: followed and followed[-1] == (2, 2), what="the dashboard follows")
    desk.dashboard_dialog.close()

    # One opened: the answers as a scorecard, with evidence that plays from its moment.
    shown = []
    desk.recordingShown.connect(shown.append)
    desk.select_row(0)
    driver.wait_until(lambda: bool(shown), what="the recording read")
    call = shown[-1]
    ref_parts = call.id.split("/")
    read = _server_post(
        server,
        wire.TRANSCRIPT_ANALYTICS_PATH,
        {"org_uuid": ref_parts[0], "usecase_uuid": usecase, "recording_uuid": ref_parts[2]},
    )
    analytics = read["analytics"]
    answers = desk.detail.answers
    # Answers are not a score: no "– / –" and no empty bar over them.
    assert answers.findChild(QLabel, "section-0-score") is None
    for row, expected in enumerate(analytics["answers"]):
        name = f"section-0-criterion-{row}"
        assert answers.findChild(QLabel, f"{name}-question").text() == expected["question"]
        assert expected["answer"] in answers.findChild(QLabel, f"{name}-result").text()
    evidenced = [
        (row, a) for row, a in enumerate(analytics["answers"]) if a["timestamp"] is not None
    ]
    assert evidenced, "the sales call's answers came back without any evidence"
    row, answer = evidenced[0]
    rationale = answers.findChild(QLabel, f"section-0-criterion-{row}-rationale")
    moment = find_timestamps(rationale.property("plainText"))[0]
    assert moment.seconds == int(answer["timestamp"])
    rationale.linkActivated.emit(f"{SEEK_SCHEME}{moment.seconds:g}")
    driver.wait_until(
        lambda: desk.player is not None and bool(desk.player.source), what="audio loaded"
    )
    driver.wait_until(
        lambda: desk.player.playing and desk.player.position >= moment.seconds - POSITION_SLACK,
        timeout=15,
        what=f"playing from {moment.seconds} s",
    )
    assert desk.player.position < moment.seconds + 3 * POSITION_SLACK

    # The bucket, as the outcome.
    bucket = analytics["bucket"]
    shown_bucket = desk.detail.findChild(QLabel, "recording-bucket").text()
    if bucket and bucket["name"]:
        assert shown_bucket == bucket["name"]
    else:
        assert shown_bucket == "No bucket fits this recording."

    # The transcript: every word the recogniser was unsure of is marked, no other.
    unsure = [
        w["word"]
        for t in read["transcript"]
        for w in t["words"]
        if w["confidence"] < LOW_CONFIDENCE
    ]
    assert low_confidence_words(call) == unsure
    shown_html = "".join(turn_html(turn) for turn in call.transcript)
    assert shown_html.count(LOW_STYLE) == len(unsure)
    assert "Customer:" in desk.detail.transcript.toPlainText()

    # The dashboard's counts are the server's summary.
    desk.open_dashboard()
    driver.wait_until(
        lambda: dashboard.counts is not None and dashboard.counts.completed == 2,
        what="the dashboard's summary",
    )
    body = {"org_uuid": organization(server)["org_uuid"], "usecase_uuid": usecase}
    counts = wire.SummaryCounts.model_validate(_server_post(server, wire.SUMMARY_COUNTS_PATH, body))
    details = _server_post(server, wire.SUMMARY_DETAILS_PATH, body)
    for field, _label in COUNT_FIELDS:
        assert dashboard.count_labels[field].text() == count_text(field, counts)
    assert counts.total_calls == 2
    bars = dashboard.bucket_view.chart().series()[0].barSets()[0]
    assert [bars.at(i) for i in range(bars.count())] == [b["count"] for b in details["buckets"]]
    answer_sets = dashboard.answer_view.chart().series()[0].barSets()
    assert [[s.at(i) for i in range(s.count())] for s in answer_sets] == [
        [a[key] for a in details["answers"]] for key in ("yes", "no", "not_clear")
    ]


def _direct_upload(server, usecase: str, path) -> str:
    client = organization(server)["client_name"]
    response = httpx.post(
        f"{server.base_url}{wire.API_PREFIX}/{client}/{wire.DEFAULT_PROFILE}/direct-upload",
        files={"file": (path.name, path.read_bytes(), "audio/wav")},
        data={"usecase_uuid": usecase, "metadata": "{}"},
        headers=auth(server),
    )
    response.raise_for_status()
    return response.json()["recording_uuid"]


def test_the_main_window_lists_every_use_case_and_opens_the_vozzo_desk(
    windows, server, home, driver, tmp_path
) -> None:
    org = organization(server)["org_uuid"]
    usecases = [
        _server_post(server, wire.USECASE_PATH, {"org_uuid": org, "usecase_name": name})
        for name in ("Window A", "Window B")
    ]
    uploaded = {
        _direct_upload(server, usecase["usecase_uuid"], sales_call_wav(tmp_path / f"w{n}.wav"))
        for n, usecase in enumerate(usecases)
    }
    services = make_services(
        home,
        [
            (Connection("Local QA", "local", server.base_url), server.token),
            (Connection("Vozzo", "vozzo", server.base_url), server.token),
        ],
    )
    vozzo = services.connections.find("Vozzo")
    assert vozzo is not None
    services.connections.set_active(vozzo.id)
    window = windows.open(services)
    # The list holds the recordings of every use case.
    driver.wait_until(
        lambda: uploaded <= {call_id.rsplit("/", 1)[-1] for call_id in _listed(window)},
        timeout=60,
        what="both use cases' recordings listed",
    )
    action = window.usecase_desk.action
    assert action.isVisible() and not window.window_actions.upload_action.isVisible()
    assert window.drop_target.refusal is not None and "use case" in window.drop_target.refusal
    action.trigger()
    desk = window.usecase_desk.desk
    assert desk is not None and window.usecase_desk.window.isVisible()
    driver.wait_until(lambda: desk.picker.count() >= 2, what="the desk's use cases")
    assert desk.queue is window.uploads.queue  # one queue per connection, never two

    # The manager edits and deletes (asking first).
    desk.open_manager()
    manager = desk.manager
    assert manager is not None
    target = usecases[1]["usecase_uuid"]

    def row_of(uuid: str) -> int | None:
        rows = range(manager.table.rowCount())
        return next((r for r in rows if manager.table.item(r, 0).data(USECASE_ROLE) == uuid), None)

    driver.wait_until(lambda: row_of(target) is not None, what="the use case in the manager")
    manager.table.selectRow(row_of(target))
    manager.edit_selected()
    editor = manager.editor
    assert editor is not None and editor.name_edit.text() == "Window B"
    editor.name_edit.setText("Window B, renamed")
    editor.add_question("Did the customer agree? (Yes/No)")
    editor.add_bucket("Agreed", "The customer agreed.")
    editor.accept()
    driver.wait_until(
        lambda: desk.picker.findText("Window B, renamed") >= 0, what="the rename in the picker"
    )
    stored = httpx.get(f"{server.base_url}{wire.USECASE_PATH}/{target}", headers=auth(server))
    assert stored.json()["analysis_config"]["analysis_questions"] == [
        "Did the customer agree? (Yes/No)"
    ]
    manager.table.selectRow(row_of(target))
    manager.delete_selected()
    confirm = manager.findChild(QMessageBox, "usecase-delete-confirm")
    assert confirm is not None and "recording(s) are kept" in confirm.text()
    confirm.button(QMessageBox.StandardButton.Yes).click()
    driver.wait_until(lambda: row_of(target) is None, what="the use case deleted")
    gone = httpx.get(f"{server.base_url}{wire.USECASE_PATH}/{target}", headers=auth(server))
    assert gone.status_code == 404
    manager.close()

    # Another platform: no use cases offered, and the desk is closed.
    local = services.connections.find("Local QA")
    assert local is not None
    window.session.switch_to(local.id)
    driver.wait_until(lambda: not action.isVisible(), what="the action withdrawn")
    assert window.usecase_desk.desk is None


def _listed(window) -> list[str]:
    model = window.model
    return [model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())]
