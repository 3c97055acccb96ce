"""UI test fixtures: a qasync loop on pytest-qt's QApplication, a real local server per
module, and a main window wired to both with its own catalog, settings and connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

# isort: split
import qasync

from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import Connection, ConnectionStore, CredentialStore
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.uploads.store import UploadStore
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE, ROW_ROLE
from voxdesk.ui.composition import build_window
from voxdesk.ui.main_window.window import AppServices, MainWindow
from voxdesk.ui.settings import open_settings

SPEECH = (
    "hello thank you for calling acme my name is sam how can I help you today. "
    "I can help with that. is there anything else. thank you for calling, goodbye"
)
TEST_CONNECTION = "Test server"


class MemoryCredentials(CredentialStore):
    """Tokens in a dict: a headless test box has no keyring."""

    def __init__(self, tokens: dict[str, str] | None = None) -> None:
        super().__init__()
        self.tokens = dict(tokens or {})

    def get(self, name: str) -> str | None:
        return self.tokens.get(name)

    def set(self, name: str, token: str) -> None:
        self.tokens[name] = token

    def delete(self, name: str) -> None:
        self.tokens.pop(name, None)


class Driver:
    """Waits on conditions and coroutines by letting Qt process events: the qasync loop
    is installed as the running loop for the whole test (``already_running``), so asyncio
    callbacks run as Qt events, exactly as in the app.

    Events are pumped in bounded slices against a wall-clock deadline rather than in a
    nested ``QEventLoop`` (``qtbot.wait``), which was seen to never return under qasync:
    a wait here always ends, with an assertion naming what did not happen."""

    SLICE_MS = 20

    def __init__(self, loop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
        self.loop = loop
        self.qtbot = qtbot

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        task = self.loop.create_task(coro)
        self.wait_until(task.done, timeout=timeout, what=f"{coro!r} to finish")
        return task.result()

    def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self._process_events()

    def call(self, action: Callable[[], Any]) -> Any:
        return action()

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._process_events()

    def _process_events(self) -> None:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, self.SLICE_MS)
        # processEvents returns at once when nothing is pending; don't spin a core.
        time.sleep(0.002)


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    # One loop for the whole session, as in the app: a second qasync loop on the same
    # QApplication never receives its cross-thread callbacks.
    qapp.setQuitOnLastWindowClosed(False)
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)
    yield event_loop
    with contextlib.suppress(RuntimeError, TypeError):
        qapp.aboutToQuit.disconnect(event_loop._after_run_forever)
    event_loop._after_run_forever()
    event_loop.stop()
    event_loop.close()


@pytest.fixture
def loop(session_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop is the running loop during a UI test only, so that the suite's
    pytest-asyncio tests that run afterwards get their own loops."""
    asyncio.events._set_running_loop(session_loop)
    try:
        yield session_loop
    finally:
        asyncio.events._set_running_loop(None)


@pytest.fixture
def driver(loop: asyncio.AbstractEventLoop, qtbot: Any) -> Driver:
    return Driver(loop, qtbot)


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess

    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    subprocess.run(["flite", "-voice", "awb", "-t", SPEECH, "-o", str(path)], check=True)
    return path


@pytest.fixture(scope="session")
def tone_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_wav(tmp_path_factory.mktemp("audio") / "tone.wav", 2.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("server") / "data", extra_args=["--no-demo"]) as srv:
        yield srv


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def make_services(
    home: Path, connections: list[tuple[Connection, str]], **extra: Any
) -> AppServices:
    store = ConnectionStore(home / "config" / "connections.json")
    credentials = MemoryCredentials()
    for connection, token in connections:
        # A window opened again on the same home is the same connection (same id).
        saved = store.find(connection.name)
        if saved is not None:
            connection = replace(connection, id=saved.id)
        store.save(connection)
        credentials.set(connection.id, token)
    return AppServices(
        catalog=CallCatalog(home / "data" / "catalog.sqlite3"),
        uploads=UploadStore(home / "data" / "uploads.sqlite3"),
        connections=store,
        credentials=credentials,
        settings=open_settings(home / "config" / "voxdesk.ini"),
        reviews=ReviewService(SqliteReviewStore(home / "data" / "reviews.sqlite3")),
        **extra,
    )


class WindowFactory:
    """Opens main windows against given services and shuts them all down afterwards."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.opened: list[tuple[MainWindow, AppServices]] = []

    def open(self, services: AppServices, *, start: bool = True) -> MainWindow:
        self.driver.run(services.open())
        window = build_window(services)
        window.show()
        self.opened.append((window, services))
        if start:
            self.driver.call(window.start)
        return window

    def close(self, window: MainWindow) -> None:
        for entry in list(self.opened):
            if entry[0] is window:
                self.opened.remove(entry)
                self.driver.call(window.close)
                self.driver.run(window.shutdown())
                self.driver.run(entry[1].close())
                window.deleteLater()

    def close_all(self) -> None:
        for window, _ in list(self.opened):
            self.close(window)


@pytest.fixture
def windows(driver: Driver) -> Iterator[WindowFactory]:
    factory = WindowFactory(driver)
    yield factory
    factory.close_all()


@pytest.fixture
def window(windows: WindowFactory, server: LocalServer, home: Path) -> MainWindow:
    connection = Connection(TEST_CONNECTION, "local", server.base_url)
    return windows.open(make_services(home, [(connection, server.token)]))


def listed_rows(window: MainWindow) -> dict[str, object]:
    """The rows the window's list holds now: call id -> its ``CallRow``."""
    model = window.model
    return {
        model.index(r, 0).data(CALL_ID_ROLE): model.index(r, 0).data(ROW_ROLE)
        for r in range(model.rowCount())
    }
