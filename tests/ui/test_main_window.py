"""The real main window against a real local server on loopback (no HTTP mocks)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QProgressBar

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import analysis, create_call
from tests.ui.conftest import TEST_CONNECTION, Driver, WindowFactory, make_services
from voxdesk.domain import CallStatus
from voxdesk.services.catalog import CallFilter
from voxdesk.services.connections import Connection
from voxdesk.services.formatting import format_score
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE, Column
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.widgets.widgets import PLAIN_TEXT_PROPERTY


@pytest.fixture(scope="module")
def calls(server: LocalServer, speech_wav: Path) -> dict[str, dict]:
    """Two analysed calls by two agents in two categories (analysed once per module)."""
    ids = [
        create_call(
            server,
            speech_wav,
            member="ana.lopez@example.com",
            category="support-qa",
            date="2026-01-05",
            udfs={"ticket": "T-100"},
        ),
        create_call(
            server,
            speech_wav,
            member="bo.chen@example.com",
            category="sales-qa",
            date="2026-01-06",
        ),
    ]
    return {call_id: wait_for_call(server, call_id, timeout=120) for call_id in ids}


def _listed_ids(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())]


def _label(window: MainWindow, name: str) -> str:
    label = window.findChild(QLabel, name)
    assert label is not None, f"no label {name}"
    # A shortened (elided) label keeps its whole text in this property.
    return label.property(PLAIN_TEXT_PROPERTY) or label.text()


def _plain(window: MainWindow, name: str) -> str:
    """A label's text as the server wrote it (evidence labels show it with links)."""
    label = window.findChild(QLabel, name)
    assert label is not None, f"no label {name}"
    return label.property(PLAIN_TEXT_PROPERTY)


def _select(driver: Driver, window: MainWindow, call_id: str) -> None:
    assert driver.call(lambda: window.call_list.select_call(call_id))
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        what=f"detail of {call_id}",
    )


def test_calls_appear_and_detail_shows_the_servers_values(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")
    call_id, data = next(iter(calls.items()))
    _select(driver, window, call_id)

    wire = data["analysis"]
    assert window.findChild(QLabel, "detail-call-id").toolTip() == call_id  # text may elide
    assert _label(window, "detail-score") == f"Score {format_score(wire['score'])}"
    assert _label(window, "detail-outcome") == wire["outcomeLabel"]
    assert _plain(window, "detail-outcome-rationale") == wire["outcomeRationale"]
    assert (
        _label(window, "detail-agent") == "Ana Lopez"
        or "ana" in _label(window, "detail-agent").lower()
    )
    assert _label(window, "detail-udf-ticket") == "T-100"
    for observation in wire["callObservations"]:
        assert observation in _plain(window, "detail-observations")
    for improvement in wire["areasForImprovement"]:
        assert improvement in _plain(window, "detail-improvements")
    if data["metadata"]["summary"]:
        assert _plain(window, "detail-summary") == data["metadata"]["summary"]
    # Empty fields are left out, never shown as "null".
    assert window.findChild(QLabel, "detail-extractions") is None or wire["extractions"]
    for label in window.detail.findChildren(QLabel):
        assert "null" not in label.text().lower().split()
        assert label.text() != "None"

    for number, section in enumerate(wire["sections"]):
        score = _label(window, f"section-{number}-score")
        assert score == f"{format_score(section['score'])} / {format_score(section['totalScore'])}"
        assert _label(window, f"section-{number}-name") == section["sectionName"]
        bar = window.findChild(QProgressBar, f"section-{number}-bar")
        expected = round(section["score"] / section["totalScore"] * bar.maximum())
        assert bar.value() == expected
        for row, criterion in enumerate(section["criterias"]):
            prefix = f"section-{number}-criterion-{row}"
            assert _label(window, f"{prefix}-question") == criterion["question"]
            assert criterion["result"] in _label(window, f"{prefix}-result")
            if criterion["rationale"]:
                assert _plain(window, f"{prefix}-rationale") == criterion["rationale"]


def test_search_and_filters_narrow_the_list(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")
    panel = window.call_list
    first, second = list(calls)
    driver.call(lambda: panel.search.setText(first[-10:]))
    driver.wait_until(lambda: _listed_ids(window) == [first], what="search by call id")
    assert window.counts_label.text().startswith("1 of")

    driver.call(panel.search.clear)
    driver.wait_until(lambda: len(_listed_ids(window)) >= 2, what="search cleared")

    driver.call(lambda: panel.more_button.setChecked(True))
    driver.wait_until(lambda: panel.category_box.count() > 2, what="category choices")
    driver.call(
        lambda: panel.category_box.setCurrentIndex(panel.category_box.findText("Sales call QA"))
    )
    driver.wait_until(lambda: _listed_ids(window) == [second], what="category filter")
    assert window.state.filter.category == "Sales call QA"

    driver.call(panel.clear_filter)
    driver.wait_until(lambda: len(_listed_ids(window)) >= 2, what="filters cleared")
    driver.call(lambda: panel.status_box.setCurrentIndex(3))  # Failed
    driver.wait_until(
        lambda: not (set(calls) & set(_listed_ids(window))), what="status filter excludes"
    )
    driver.call(panel.clear_filter)
    driver.wait_until(lambda: window.state.filter == CallFilter(), what="clear")


def test_header_click_sorts_in_sql(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")
    header = window.call_list.table.horizontalHeader()
    driver.call(lambda: header.setSortIndicator(Column.AGENT, Qt.SortOrder.AscendingOrder))
    driver.wait_until(lambda: window.state.order.key.value == "agent", what="order")
    driver.wait_until(
        lambda: (
            [window.model.index(r, Column.AGENT).data() for r in range(2)]
            == sorted(window.model.index(r, Column.AGENT).data() for r in range(2))
        ),
        what="sorted rows",
    )
    assert not window.state.order.descending


def test_a_pending_call_completes_without_user_action(
    driver: Driver, window: MainWindow, server: LocalServer, speech_wav: Path, tmp_path: Path
) -> None:
    driver.wait_until(lambda: window.session.connection is not None, what="connected")
    # Audio this server has not analysed yet (its last sample differs by one bit): the
    # same recording would be answered from the server's result cache, complete at once.
    fresh = bytearray(speech_wav.read_bytes())
    fresh[-1] ^= 1
    (recording := tmp_path / "fresh-speech.wav").write_bytes(fresh)
    call_id = create_call(server, recording, member="cy.diaz@example.com")
    driver.call(window.refresh)
    driver.wait_until(lambda: call_id in _listed_ids(window), what="new call listed")
    row = window.state.index_of(call_id)
    assert not window.state.rows[row].status.is_final
    _select(driver, window, call_id)
    assert window.sections.findChild(QLabel, "sections-notice") is not None

    driver.wait_until(
        lambda: window.state.rows[window.state.index_of(call_id)].status is CallStatus.COMPLETED,
        timeout=90,
        what="the row to turn completed",
    )
    driver.wait_until(
        lambda: window.findChild(QLabel, "section-0-score") is not None,
        what="sections of the now completed call",
    )
    assert not any(n.startswith("follow:") for n in window.browser.running_tasks())


def test_wrong_token_shows_the_banner_and_keeps_the_list(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    calls: dict[str, dict],
) -> None:
    good = Connection(TEST_CONNECTION, "local", server.base_url)
    bad = Connection("Wrong token", "local", server.base_url)
    window = windows.open(make_services(home, [(good, server.token), (bad, "not-the-token")]))
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")

    # The same server under a wrong token: 401, shown plainly, nothing modal.
    driver.call(lambda: window.session.switch_to(bad.id))
    driver.wait_until(lambda: window.banner.isVisible(), what="banner")
    assert "refused the access token" in window.banner.text()
    driver.call(lambda: window.session.switch_to(good.id))
    driver.wait_until(lambda: not window.banner.isVisible(), timeout=15, what="banner gone")
    assert set(calls) <= set(_listed_ids(window))


def test_a_stopped_server_shows_the_banner_and_keeps_the_list(
    driver: Driver, windows: WindowFactory, tmp_path: Path, speech_wav: Path, home: Path
) -> None:
    with LocalServer(tmp_path / "own-server", extra_args=["--no-demo"]) as own:
        call_id = create_call(own, speech_wav)
        connection = Connection(TEST_CONNECTION, "local", own.base_url)
        window = windows.open(make_services(home, [(connection, own.token)]))
        driver.wait_until(lambda: call_id in _listed_ids(window), what="call listed")
        own.stop()
        driver.call(window.refresh)
        driver.wait_until(lambda: window.banner.isVisible(), timeout=30, what="banner")
        assert "Cannot reach the server" in window.banner.text()
        # The cached list stays usable offline: select, see the detail.
        assert _listed_ids(window) == [call_id]
        _select(driver, window, call_id)
        own.restart()
        window.session.connections.save(replace(connection, base_url=own.base_url))
        driver.call(window.session.reconnect)
        driver.call(window.banner.retry_button.click)
        driver.wait_until(lambda: not window.banner.isVisible(), timeout=30, what="recovered")


def test_keyboard_moves_through_the_list_and_copies_the_id(
    driver: Driver, window: MainWindow, calls: dict[str, dict], qtbot
) -> None:
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")
    table = window.call_list.table
    table.setFocus()
    ids = _listed_ids(window)
    _select(driver, window, ids[0])
    driver.call(lambda: qtbot.keyClick(table, Qt.Key.Key_Down))
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == ids[1],
        what="detail follows the arrow key",
    )
    driver.call(window.window_actions.copy_id_action.trigger)
    assert QGuiApplication.clipboard().text() == ids[1]
    driver.call(window.window_actions.find_action.trigger)
    driver.pump(0.05)
    assert window.call_list.search.hasFocus() or window.focusWidget() is window.call_list.search


def test_quick_switching_leaves_only_the_last_load(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(_listed_ids(window)), what="calls listed")
    ids = _listed_ids(window)

    def switch_quickly() -> None:
        for call_id in ids * 3:
            window.call_list.select_call(call_id)

    driver.call(switch_quickly)
    last = ids[-1]
    driver.wait_until(
        lambda: window.detail.call is not None and window.detail.call.id == last,
        what="last selection shown",
    )
    driver.pump(0.3)
    assert window.detail.call.id == last
    assert window.findChild(QLabel, "detail-call-id").toolTip() == last


def test_open_call_by_id_adds_and_selects_it(
    driver: Driver, windows: WindowFactory, server: LocalServer, home: Path, calls: dict
) -> None:
    # A Voxxi connection cannot list calls: "open by ID" is how a call gets in.
    connection = Connection("Voxxi", "voxxi", server.base_url)
    window = windows.open(make_services(home, [(connection, server.token)]))
    driver.wait_until(lambda: window.session.connection is not None, what="connected")
    driver.pump(0.3)
    assert _listed_ids(window) == []
    call_id = next(iter(calls))
    driver.call(lambda: window.browser.open_call_id(call_id))
    driver.wait_until(lambda: _listed_ids(window) == [call_id], what="call added")
    driver.wait_until(lambda: window.call_list.current_call_id() == call_id, what="call selected")
    assert analysis(server, call_id)["analysis"]["score"] == window.state.rows[0].score
