"""The desk on Voxpria, against a real local server whose telephony simulator runs ten
times faster: Place call… checks the number and the variables in plain words before
anything is sent, the placed call is listed at once and its row follows queued → ringing
→ in progress → completed with no refresh, then opens and plays like any call; a batch of
three numbers (one of them the simulator's busy test number) ends with per-row statuses
and a summary; Cancel remaining places none of the waiting rows.

Outcomes come from the simulator's documented test numbers and from the server's own
list (``calls_where``), never from the desk's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.support.local_server import LocalServer
from tests.support.voxpria_server import calls_where, voxpria_server
from tests.ui.conftest import Driver, WindowFactory, make_services
from voxdesk.contracts.voxpria import AGENTS_PATH, BUSY_NUMBER
from voxdesk.domain import Disposition
from voxdesk.services.connections import LOCAL_CONNECTION, Connection
from voxdesk.services.local_server import LOCAL_VOXPRIA_CONNECTION, LocalServerProcess
from voxdesk.services.outbound import AttemptStore
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.placing.place_call_dialog import BATCH_TAB, STATUS_COLUMN, PlaceCallDialog

AI_CALLS = "AI calls"
AGENT = "agent_payment_reminder"
VOXPRIA_COLUMNS = ["Date", "Agent", "State", "Duration", "Score", "Outcome", "Analysis"]
LIVE_ORDER = ["Queued", "Ringing", "In progress", "Completed"]


@pytest.fixture(scope="module")
def vp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with voxpria_server(tmp_path_factory.mktemp("voxpria-desk") / "data") as running:
        yield running


def _open(windows: WindowFactory, home: Path, server: LocalServer) -> MainWindow:
    services = make_services(
        home,
        [(Connection(AI_CALLS, "voxpria", server.base_url), server.token)],
        outbound=AttemptStore(home / "data" / "outbound.sqlite3"),
    )
    return windows.open(services)


def _dialog(driver: Driver, window: MainWindow) -> PlaceCallDialog:
    action = window.window_actions.place_call_action
    driver.wait_until(action.isEnabled, timeout=30, what="Place call… offered")
    assert action.isVisible() and action.shortcut().toString() == "Ctrl+N"
    # The key works with the focus in the search box, as the README's keys do.
    window.activateWindow()
    window.call_list.search.setFocus()
    driver.wait_until(window.call_list.search.hasFocus, what="focus in the search box")
    QTest.keyClick(window.call_list.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = [d for d in window._dialogs if isinstance(d, PlaceCallDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialog = dialogs[0]
    driver.wait_until(lambda: dialog.agent_box.count() >= 2, timeout=30, what="agents")
    dialog.agent_box.setCurrentIndex(dialog.agent_box.findText(AGENT, Qt.MatchFlag.MatchContains))
    return dialog


def _cell(window: MainWindow, call_id: str, title: str) -> str | None:
    model = window.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    for row in range(model.rowCount()):
        if model.index(row, 0).data(CALL_ID_ROLE) == call_id:
            return model.index(row, titles.index(title)).data()
    return None


def _agents(server: LocalServer) -> list[dict]:
    return httpx.get(f"{server.base_url}{AGENTS_PATH}", headers=server.auth).json()["data"]


def _to(server: LocalServer, number: str) -> list[dict]:
    return calls_where(server, lambda call: call.get("toNumber") == number)


def test_a_call_placed_from_the_dialog_is_followed_live_to_completed_and_plays(
    driver: Driver, windows: WindowFactory, vp_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, vp_server)
    driver.wait_until(lambda: window.statusBar().currentMessage() == "Calls are up to date.")
    model = window.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == VOXPRIA_COLUMNS
    dialog = _dialog(driver, window)
    form = dialog.variables
    assert form.labels["customerName"].text() == "customerName *:"
    assert form.labels["agentName"].text() == "agentName:"
    number = "+14155550142"

    # Checked as typed and before sending, in plain words; nothing reaches the platform.
    QTest.keyClicks(dialog.number_edit, "0612345678")
    assert "start with + and the country code" in dialog.number_hint.text()
    dialog.place_button.click()
    assert "start with + and the country code" in dialog.message.text()
    dialog.number_edit.setText(number)
    assert dialog.number_hint.text() == f"Will call {number}"
    dialog.place_button.click()
    assert dialog.message.text().startswith("Fill in customerName, accountNumber")
    assert _to(vp_server, number) == []

    refreshes: list[bool] = []
    window.browser.refreshingChanged.connect(refreshes.append)
    form.edits["customerName"].setText("Maria Lopez")
    form.edits["accountNumber"].setText("48213")
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.place_button.click()
    driver.wait_until(lambda: bool(closed), timeout=30, what="placed, the dialog closed")
    [placed] = _to(vp_server, number)
    call_id = placed["callId"]

    # At the top of the list and selected at once; its row advances by itself.
    driver.wait_until(lambda: _cell(window, call_id, "State") is not None, what="listed")
    assert model.index(0, 0).data(CALL_ID_ROLE) == call_id
    agent_name = next(a["name"] for a in _agents(vp_server) if a["agentId"] == AGENT)
    driver.wait_until(lambda: _cell(window, call_id, "Agent") == agent_name, what="agent name")
    seen: list[str] = []
    player_said: set[str] = set()

    def completed() -> bool:
        state = _cell(window, call_id, "State")
        if state and (not seen or seen[-1] != state):
            seen.append(state)
        player_said.add(window.player_bar.message.text())
        return state == "Completed" and _cell(window, call_id, "Analysis") == "Completed"

    driver.wait_until(completed, timeout=90, what=f"completed (seen {seen})")
    assert seen[0] != "Completed", seen  # it was listed before it ended
    assert [LIVE_ORDER.index(s) for s in seen] == sorted(LIVE_ORDER.index(s) for s in seen)
    assert refreshes == []  # no refresh: polling moved it
    # While it rang or talked, the player said why there was nothing to play yet, and
    # its sentence followed the call (it once stayed at the first state it was shown in).
    if "In progress" in seen:
        assert any(m.startswith("This call is in progress:") for m in player_said), player_said
    assert any(
        m.endswith("its recording can be played once the call has ended.") for m in player_said
    )
    driver.wait_until(
        lambda: f"follow:{call_id}" not in window.browser.running_tasks(),
        what="polling stopped at the final status",
    )

    # Opened like any call: transcript with the variables filled in, scored, played.
    driver.wait_until(
        lambda: (
            window.detail.call is not None
            and window.detail.call.id == call_id
            and window.detail.call.analysis is not None
        ),
        timeout=30,
        what="detail",
    )
    index = window.transcript.index
    assert index is not None and any("Maria Lopez" in turn.text for turn in index.turns)
    driver.wait_until(lambda: bool(window.player.source), timeout=30, what="recording loaded")
    window.playback.play()
    driver.wait_until(lambda: window.player.position >= 1.0, timeout=30, what="playing")

    # A refresh of a Voxpria connection (its list takes no date filter) works again.
    window.refresh()
    driver.wait_until(lambda: refreshes == [True, False], timeout=30, what="refresh")
    assert not window.banner.isVisible()
    assert len(_to(vp_server, number)) == 1


def test_a_batch_of_three_numbers_with_a_busy_one_ends_with_a_summary(
    driver: Driver, windows: WindowFactory, vp_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, vp_server)
    dialog = _dialog(driver, window)
    numbers = ["+14155550201", BUSY_NUMBER, "+14155550202"]
    csv_file = tmp_path / "batch.csv"
    csv_file.write_text(
        "toNumber,customerName,accountNumber\n"
        + "".join(f"{n},Customer {i},1000{i}\n" for i, n in enumerate(numbers)),
        encoding="utf-8",
    )
    before = {n: len(_to(vp_server, n)) for n in numbers}
    dialog.load_csv(csv_file)
    assert dialog.tabs.currentIndex() == BATCH_TAB
    dialog.place_button.click()
    table = dialog.batch_table
    assert table.rowCount() == 3
    driver.wait_until(
        lambda: dialog.message.text().startswith("3 rows"), timeout=120, what="the summary"
    )
    statuses = [table.item(r, STATUS_COLUMN).text() for r in range(3)]
    assert statuses == ["Completed", "Busy", "Completed"]
    assert dialog.message.text() == "3 rows: 3 placed. Ended: 2 completed, 1 busy."
    for number in numbers:
        assert len(_to(vp_server, number)) == before[number] + 1
    assert window.placing.running_tasks() == []

    # The list's state filter offers Voxpria's seven statuses; busy narrows to the busy one.
    dialog.close()
    panel = window.call_list
    box = panel.disposition_box
    assert [box.itemData(i) for i in range(1, box.count())] == list(Disposition)
    panel.more_button.setChecked(True)
    busy_id = _to(vp_server, BUSY_NUMBER)[-1]["callId"]
    box.setCurrentIndex(box.findData(Disposition.BUSY))

    def only_busy_listed() -> bool:
        model = window.model
        listed = [model.index(r, 0).data(CALL_ID_ROLE) for r in range(model.rowCount())]
        return busy_id in listed and {_cell(window, i, "State") for i in listed} == {"Busy"}

    driver.wait_until(only_busy_listed, timeout=30, what="busy calls only")
    # Shown as busy, with no player.
    driver.wait_until(lambda: window.call_list.select_call(busy_id), what="busy listed")
    driver.wait_until(
        lambda: "never connected" in window.player_bar.message.text(), what="no recording"
    )
    assert not window.player_bar.play_button.isEnabled() and not window.player.source


def test_cancel_remaining_places_none_of_the_waiting_rows(
    driver: Driver, windows: WindowFactory, vp_server: LocalServer, tmp_path: Path
) -> None:
    window = _open(windows, tmp_path, vp_server)
    window.placing.lines = 1  # one call under way at a time: the others wait
    dialog = _dialog(driver, window)
    dialog.variables.edits["customerName"].setText("Sam")
    dialog.variables.edits["accountNumber"].setText("7")
    numbers = ["+14155550301", "+14155550302", "+14155550303"]
    dialog.tabs.setCurrentIndex(BATCH_TAB)
    dialog.batch_text.setPlainText("\n".join(numbers))
    dialog.place_button.click()
    table = dialog.batch_table
    driver.wait_until(
        lambda: table.item(0, 2) is not None and table.item(0, 2).text() != "",
        timeout=30,
        what="the first row placed",
    )
    assert table.item(1, STATUS_COLUMN).text() == "Waiting"
    dialog.cancel_rows_button.click()
    assert [table.item(r, STATUS_COLUMN).text() for r in (1, 2)] == ["Not placed: cancelled"] * 2
    driver.wait_until(
        lambda: dialog.message.text().startswith("3 rows"), timeout=60, what="the summary"
    )
    assert dialog.message.text() == "3 rows: 1 placed, 2 not placed. Ended: 1 completed."
    assert len(_to(vp_server, numbers[0])) == 1
    assert _to(vp_server, numbers[1]) == [] and _to(vp_server, numbers[2]) == []


def _no_demo(data_dir: Path, token: str) -> LocalServerProcess:
    return LocalServerProcess(data_dir, token, demo=False)


def test_the_apps_own_server_is_also_a_voxpria_connection_that_places_calls(
    driver: Driver, windows: WindowFactory, tmp_path: Path
) -> None:
    services = make_services(
        tmp_path,
        [],
        server_factory=_no_demo,
        server_dir=tmp_path / "srv",
        outbound=AttemptStore(tmp_path / "data" / "outbound.sqlite3"),
    )
    window = windows.open(services)
    driver.wait_until(lambda: window.session.connection is not None, timeout=60, what="local")
    action = window.window_actions.place_call_action
    assert not action.isVisible()  # the Local (Voxxi-family) connection places no calls
    voxpria = services.connections.find(LOCAL_VOXPRIA_CONNECTION)
    assert voxpria is not None and voxpria.platform == "voxpria"
    window.session.switch_to(voxpria.id)
    driver.wait_until(action.isEnabled, timeout=60, what="Place call… offered")
    assert window.session.server is not None and window.session.server.running
    dialog = _dialog(driver, window)
    dialog.variables.edits["customerName"].setText("Lee")
    dialog.variables.edits["accountNumber"].setText("9")
    dialog.tabs.setCurrentIndex(BATCH_TAB)
    dialog.batch_text.setPlainText("+14155550501\n+14155550502")
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.place_button.click()
    driver.wait_until(lambda: "batch" in window.placing.running_tasks(), what="batch running")

    # Switching connections stops the batch and closes the dialog; the action goes.
    window.session.switch_to(services.connections.find(LOCAL_CONNECTION).id)
    driver.wait_until(lambda: bool(closed) and not action.isVisible(), timeout=60, what="closed")
    assert window.placing.running_tasks() == []


def test_agents_that_cannot_be_read_are_explained_and_nothing_can_be_placed(
    driver: Driver, windows: WindowFactory, vp_server: LocalServer, tmp_path: Path
) -> None:
    services = make_services(
        tmp_path,
        [(Connection(AI_CALLS, "voxpria", vp_server.base_url), "not-the-key")],
        outbound=AttemptStore(tmp_path / "data" / "outbound.sqlite3"),
    )
    window = windows.open(services)
    action = window.window_actions.place_call_action
    driver.wait_until(action.isEnabled, timeout=30, what="Place call… offered")
    dialog = window.place_call()
    assert dialog is not None
    driver.wait_until(
        lambda: dialog.message.text().startswith("The platform's agents could not be read:"),
        timeout=30,
        what="the refusal in plain words",
    )
    assert "Traceback" not in dialog.message.text()
    assert not dialog.place_button.isEnabled() and dialog.agent_box.count() == 0
    dialog.close()
