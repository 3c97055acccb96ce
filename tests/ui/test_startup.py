"""Start-up: the local server as a child process, the first-run Local connection, the
connections dialog, and what the window remembers."""

from __future__ import annotations

import dataclasses
import gc
import stat
import sys
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt

from tests.support.local_server import LocalServer
from tests.ui.conftest import (
    TEST_CONNECTION,
    Driver,
    MemoryCredentials,
    WindowFactory,
    make_services,
)
from voxdesk.domain import CallStatus
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
from voxdesk.services.connections import (
    LOCAL_CONNECTION,
    Connection,
    CredentialStore,
)
from voxdesk.services.local_server import (
    TOKEN_FILE,
    LocalServerError,
    LocalServerProcess,
    local_server_token,
)
from voxdesk.ui.app import GC_THRESHOLDS, GIL_SWITCH_SECONDS, favour_the_event_loop
from voxdesk.ui.browse.call_list_model import Column


def _no_demo(data_dir: Path, token: str) -> LocalServerProcess:
    return LocalServerProcess(data_dir, token, demo=False)


def test_without_a_keyring_the_token_lives_in_a_private_file(tmp_path: Path) -> None:
    # The suite's keyring backend is the "fail" one: no keyring on this box.
    token = local_server_token(tmp_path, CredentialStore())
    path = tmp_path / TOKEN_FILE
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_server_token(tmp_path, CredentialStore()) == token


def test_with_a_keyring_the_token_goes_there(tmp_path: Path) -> None:
    credentials = MemoryCredentials()
    token = local_server_token(tmp_path, credentials)
    assert credentials.get(LOCAL_CONNECTION) == token
    assert not (tmp_path / TOKEN_FILE).exists()
    assert local_server_token(tmp_path, credentials) == token


def test_a_server_that_dies_while_starting_says_so(driver: Driver, tmp_path: Path) -> None:
    script = tmp_path / "dies.py"
    script.write_text("import sys; print('cannot bind'); sys.exit(3)\n")
    process = LocalServerProcess(tmp_path / "data", "t", python=sys.executable)
    process.command = lambda: [sys.executable, str(script)]  # type: ignore[method-assign]
    with pytest.raises(LocalServerError, match=r"exit code 3\)\.\ncannot bind"):
        driver.run(process.start())
    assert not process.running


def test_first_run_starts_the_local_server_and_stops_it_on_close(
    driver: Driver, windows: WindowFactory, tmp_path: Path
) -> None:
    services = make_services(tmp_path, [], server_factory=_no_demo, server_dir=tmp_path / "server")
    window = windows.open(services)
    driver.wait_until(lambda: window.session.connection is not None, timeout=60, what="local")
    connection = services.connections.active()
    assert connection is not None and connection.name == LOCAL_CONNECTION
    assert connection.platform == "local"
    server = window.session.server
    assert server is not None and server.running
    assert connection.base_url == server.base_url
    token = local_server_token(tmp_path / "server", services.credentials)
    members = httpx.get(
        f"{server.base_url}/api/external/v1/members",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert members.status_code == 200
    assert window.connection_label.text().startswith(LOCAL_CONNECTION)
    driver.wait_until(lambda: not window.browser.running_tasks(), what="refresh done")
    assert not window.banner.isVisible()

    windows.close(window)
    assert not server.running

    # A later run finds Local active: the server starts again, on a fresh port.
    services = dataclasses.replace(services, catalog=CallCatalog(tmp_path / "c2.sqlite3"))
    again = windows.open(services)
    driver.wait_until(lambda: again.session.server is not None, timeout=60, what="restart")
    driver.wait_until(lambda: again.session.connection is not None, timeout=60, what="conn")
    assert services.connections.active().base_url == again.session.server.base_url


def test_connections_dialog_adds_switches_and_reports_bad_urls(
    driver: Driver, windows: WindowFactory, server: LocalServer, tmp_path: Path
) -> None:
    services = make_services(tmp_path, [])
    services.connections.save(Connection("Placeholder", "voxxi", "http://127.0.0.1:9"))
    window = windows.open(services)
    dialog = window.open_connections()
    dialog.name_edit.setText(TEST_CONNECTION)
    dialog.platform_box.set_platform("local")
    dialog.url_edit.setText(server.base_url)
    dialog.token_edit.setText(server.token)
    assert dialog.save()
    saved = services.connections.find(TEST_CONNECTION)
    assert saved is not None and services.credentials.get(saved.id) == server.token
    dialog.use_selected()
    driver.wait_until(
        lambda: (
            window.session.connection is not None
            and window.session.connection.name == TEST_CONNECTION
        ),
        what="switched",
    )

    # Saving without a keyring: tests/ui/test_connections_no_keyring.py.
    dialog._new()
    dialog.name_edit.setText("Voxxi prod")
    dialog.token_edit.setText("secret")
    dialog.url_edit.setText("ftp://nope")
    assert not dialog.save()
    assert "http://" in dialog.error.text()
    dialog.close()


def test_the_list_remembers_sort_filters_and_columns(
    driver: Driver, windows: WindowFactory, server: LocalServer, tmp_path: Path
) -> None:
    connection = Connection(TEST_CONNECTION, "local", server.base_url)
    services = make_services(tmp_path, [(connection, server.token)])
    window = windows.open(services)
    header = window.call_list.table.horizontalHeader()
    header.setSortIndicator(Column.SCORE, Qt.SortOrder.AscendingOrder)
    header.moveSection(header.visualIndex(Column.STATUS), 0)
    header.resizeSection(Column.AGENT, 333)
    window.call_list.status_box.setCurrentIndex(3)
    driver.wait_until(
        lambda: window.state.filter.statuses == frozenset({CallStatus.FAILED}), what="filter"
    )
    window.splitter.setSizes([500, 300, 300])
    sizes = window.splitter.sizes()
    windows.close(window)

    services = make_services(tmp_path, [(connection, server.token)])
    again = windows.open(services)
    assert again.state.order == CallOrder(SortKey.SCORE, descending=False)
    assert again.state.filter == CallFilter(statuses=frozenset({CallStatus.FAILED}))
    assert again.call_list.status_box.currentIndex() == 3
    header = again.call_list.table.horizontalHeader()
    assert header.visualIndex(Column.STATUS) == 0
    assert header.sectionSize(Column.AGENT) == 333
    assert header.sortIndicatorSection() == Column.SCORE
    # restoreGeometry clamps to the (small) offscreen screen, so compare proportions.
    restored = again.splitter.sizes()
    assert restored[0] / sum(restored) == pytest.approx(sizes[0] / sum(sizes), abs=0.01)


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_the_server_dies_with_a_crashed_app(tmp_path: Path) -> None:
    """An app killed outright (SIGKILL) must not leave its local server running."""
    import subprocess
    import time

    import psutil

    script = tmp_path / "app.py"
    script.write_text(
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from voxdesk.services.local_server import LocalServerProcess\n"
        "async def main():\n"
        f"    server = LocalServerProcess(Path({str(tmp_path / 'data')!r}), 'tok', demo=False)\n"
        "    print(await server.start(), server._process.pid, flush=True)\n"
        "    await asyncio.sleep(600)\n"
        "asyncio.run(main())\n"
    )
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        url, pid = app.stdout.readline().split()
        assert url.startswith("http://127.0.0.1:")
        server = psutil.Process(int(pid))
        app.kill()
        app.wait()
        server.wait(timeout=20)
        deadline = time.monotonic() + 5
        while psutil.pid_exists(int(pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not psutil.pid_exists(int(pid)) or server.status() == psutil.STATUS_ZOMBIE
    finally:
        if app.poll() is None:
            app.kill()


def test_renaming_in_the_connections_dialog_keeps_the_connection_and_its_token(
    qtbot, tmp_path: Path
) -> None:
    from voxdesk.ui.connections.connections_dialog import ConnectionsDialog

    services = make_services(tmp_path, [(Connection("Old", "voxxi", "https://a.example"), "tok")])
    original = services.connections.find("Old")
    dialog = ConnectionsDialog(services.connections, services.credentials)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "Old"
    dialog.name_edit.setText("New")
    assert dialog.save(), dialog.error.text()  # no token asked for: it is kept
    renamed = services.connections.find("New")
    assert renamed is not None and renamed.id == original.id
    assert services.connections.find("Old") is None
    assert services.credentials.get(renamed.id) == "tok"
    dialog._new()
    dialog.name_edit.setText("New")
    dialog.url_edit.setText("https://b.example")
    dialog.token_edit.setText("other")
    assert not dialog.save()
    assert "already exists" in dialog.error.text()
    assert [c.id for c in services.connections.list()] == [original.id]
    assert list(services.credentials.tokens) == [original.id]


def test_once_the_window_is_up_the_event_loop_is_favoured() -> None:
    """The GIL is handed over every millisecond (the window's thread waited up to two
    5 ms intervals behind a sync's worker threads) and the collector is settled."""
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    try:
        favour_the_event_loop()
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_SECONDS)
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
        gc.unfreeze()
