"""The desktop app's start: Qt application, qasync event loop, main window.

PySide6 is imported before qasync so that qasync binds to it; the window is built
inside the async main so that every coroutine it starts runs on the one loop. The
window is shown before anything slow happens: the catalog opens on its own thread and
the connection (and, on a first run, the local server) is set up by tasks afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

# isort: split
# qasync binds to the first Qt binding already imported: PySide6 must come first.
import qasync

from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.main_window.window import AppServices

log = logging.getLogger(__name__)

#: The app's exit status when its own files cannot be opened (a newer voxdesk's files,
#: a damaged database, a folder it may not write).
EXIT_CANNOT_OPEN_FILES = 3


async def run_window(services: AppServices) -> int:
    """Open the catalog, show the window, and run until it is closed."""
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
    settle_garbage_collector()
    try:
        await closed.wait()
    finally:
        await window.shutdown()
        await services.close()
    return 0


#: Allocations between young-generation collections (CPython's default: 700), and
#: collections of each generation between two of the next.
GC_THRESHOLDS = (20_000, 20, 20)


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


def run_app(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("voxdesk")
    app.setOrganizationName("voxdesk")
    # The async main ends the app once the window has shut down (tasks cancelled, the
    # local server stopped); Qt quitting on its own would stop the loop mid-shutdown.
    app.setQuitOnLastWindowClosed(False)
    return qasync.run(run_window(default_services()))
