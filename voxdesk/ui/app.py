"""The desktop app's start: Qt application, qasync event loop, main window.

PySide6 is imported before qasync so that qasync binds to it; the window is built
inside the async main so that every coroutine it starts runs on the one loop. The
window is shown before anything slow happens: the catalog opens on its own thread and
the connection (and, on a first run, the local server) is set up by tasks afterwards.

One instance runs per user and data dir (``single_instance``): a second start hands
its files over and exits 0. Files given on the command line (the launcher's "Open
with") are queued for upload once the window has a connection to upload to.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

# isort: split
# qasync binds to the first Qt binding already imported: PySide6 must come first.
import qasync

from voxdesk.resources import resource_path
from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.main_window.window import AppServices, MainWindow
from voxdesk.ui.single_instance import InstanceServer, hand_over
from voxdesk.ui.smoke import SmokeRun, smoke_requested

log = logging.getLogger(__name__)

#: The app's exit status when its own files cannot be opened (a newer voxdesk's files,
#: a damaged database, a folder it may not write).
EXIT_CANNOT_OPEN_FILES = 3


async def run_window(
    services: AppServices,
    files: list[Path] | None = None,
    instance: InstanceServer | None = None,
) -> int:
    """Open the catalog, show the window, and run until it is closed; ``files`` and
    every later hand-over to ``instance`` are queued for upload."""
    closed = asyncio.Event()
    try:
        await services.open()
    except (ValueError, sqlite3.DatabaseError, OSError) as exc:
        # SchemaTooNew is a ValueError whose message says what to do.
        log.error("voxdesk cannot open its files: %s", exc)
        with contextlib.suppress(Exception):
            await services.close()
        await show_startup_failure(str(exc))
        return EXIT_CANNOT_OPEN_FILES
    window = build_window(services)
    window.closed.connect(closed.set)
    window.show()
    window.start()
    if instance is not None:
        instance.filesReceived.connect(lambda paths: open_files(window, paths))
    if files:
        open_files(window, files)
    if smoke_requested():
        SmokeRun(window).start()
    favour_the_event_loop()
    try:
        await closed.wait()
    finally:
        await window.shutdown()
        await services.close()
    return 0


#: Allocations between young-generation collections (CPython's default: 700), and
#: collections of each generation between two of the next.
GC_THRESHOLDS = (20_000, 20, 20)


#: How long a thread may keep the GIL while another waits for it (CPython's default:
#: 5 ms). The loop's thread shares it with a sync's worker threads (pages mapped, rows
#: laid out, the catalog's writes); with two of them busy it waited up to two intervals,
#: a missed 10 ms tick. Measured with ``tests/bench/bench_sync.py`` on an idle machine
#: (largest 10 ms timer gap during a first sync): 100,000 calls 28 and 33 ms at 5 ms,
#: 23 and 25 ms at 1 ms; 20,000 calls 20–35 ms at 5 ms, 18–20 ms at 1 ms; the sync no
#: slower.
GIL_SWITCH_SECONDS = 0.001


def favour_the_event_loop() -> None:
    """Once the window is up: the garbage collector settled, and the GIL handed over
    sooner, so the window's thread is never kept waiting long by worker threads."""
    settle_garbage_collector()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def settle_garbage_collector() -> None:
    """Once the window is up. Everything made so far (modules, Qt wrappers, the window)
    lives as long as the app: frozen, no collection walks it again. And a sync makes
    some ten objects a call, most gone once their batch is written: with CPython's
    default thresholds they were promoted while still alive and walked again by full
    collections, 1.5 s of a 20,000-call sync's 7 s, pauses up to 0.2 s on the loop's
    thread; with these, 0.3 s and pauses like the machine's own scheduling noise.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def show_startup_failure(message: str) -> None:
    """Say why the window cannot open, in a message box opened (never ``exec()``-ed: a
    nested loop inside a coroutine) and awaited until the reviewer closes it."""
    box = QMessageBox(QMessageBox.Icon.Critical, "voxdesk cannot start", message)
    box.setObjectName("startup-failure")
    box.setInformativeText("Nothing was changed. voxdesk will close when you press OK.")
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    box.finished.connect(lambda _result: closed.done() or closed.set_result(None))
    box.open()
    try:
        await closed
    finally:
        box.deleteLater()


def open_files(window: MainWindow, paths: list[Path]) -> None:
    """Raise the window and queue ``paths`` for upload, as a drop on it would; before the
    first connection is ready they wait for it (an upload needs somewhere to go)."""
    window.showNormal() if window.isMinimized() else window.show()
    window.raise_()
    window.activateWindow()
    if not paths:
        return
    if window.uploads.service is not None:
        window.uploads.prepare(paths)
        return

    def once_connected(service: object) -> None:
        if service is not None:
            window.session.serviceChanged.disconnect(once_connected)
            window.uploads.prepare(paths)

    window.session.serviceChanged.connect(once_connected)


def run_app(files: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("voxdesk")
    app.setOrganizationName("voxdesk")
    # The launcher entry's name (packaging/linux/): Wayland matches the window to it.
    app.setDesktopFileName("org.voxdesk.voxdesk")
    app.setWindowIcon(QIcon(str(resource_path("icons", "voxdesk.svg"))))
    files = files or []
    if hand_over(files):
        return 0
    instance = InstanceServer(parent=app)
    if not instance.listen():
        log.warning("cannot listen for a second start (%s): starting anyway", instance.key)
    # The async main ends the app once the window has shut down (tasks cancelled, the
    # local server stopped); Qt quitting on its own would stop the loop mid-shutdown.
    app.setQuitOnLastWindowClosed(False)
    try:
        paths = [Path(f).absolute() for f in files]
        return qasync.run(run_window(default_services(), paths, instance))
    finally:
        instance.close()
