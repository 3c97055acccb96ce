"""``VOXDESK_SMOKE=1``'s scripted run (what ``packaging/build.sh --smoke`` drives in the
built bundle), here on a real window and a real local server with its demo library."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.local_server import LocalServer
from tests.ui.conftest import Driver
from voxdesk.domain.calls import CallStatus
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.smoke import SmokeRun


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The demo library, as a first run of the app seeds it."""
    with LocalServer(tmp_path_factory.mktemp("server") / "data") as srv:
        yield srv


def test_the_smoke_run_plays_a_completed_demo_call_then_closes_the_window(
    driver: Driver, window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    run = SmokeRun(window, timeout=90)
    run.start()
    driver.wait_until(lambda: bool(closed), timeout=100, what="the smoke run to close the window")
    assert not run.failed
    row = next(r for r in window.model.state.rows if r.call_id == run.call_id)
    assert row.status is CallStatus.COMPLETED
    shown, listed, played = capsys.readouterr().out.splitlines()
    assert shown == "voxdesk smoke: window shown"
    # A first run: the demo library's shipped results are served, nothing waits.
    assert (
        listed == f"voxdesk smoke: first listing: {len(window.model.state.rows)} calls, 0 waiting"
    )
    assert played.startswith(f"voxdesk smoke: played {run.call_id} to ")


def test_a_smoke_run_that_runs_out_of_time_fails_and_still_closes(
    driver: Driver, window: MainWindow
) -> None:
    run = SmokeRun(window, timeout=0)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    run.start()
    driver.wait_until(lambda: bool(closed), timeout=10, what="the failed run to close the window")
    assert run.failed
