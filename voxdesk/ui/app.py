"""The desktop app's start: Qt application, qasync event loop, main window.

PySide6 is imported before qasync so that qasync binds to it; the window is built
inside the async main so that every coroutine it starts runs on the one loop. The
window is shown before anything slow happens: the catalog opens on its own thread and
the connection (and, on a first run, the local server) is set up by tasks afterwards.
"""

from __future__ import annotations

import asyncio
import sys

from PySide6.QtWidgets import QApplication

# isort: split
# qasync binds to the first Qt binding already imported: PySide6 must come first.
import qasync

from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.main_window.window import AppServices


async def run_window(services: AppServices) -> int:
    """Open the catalog, show the window, and run until it is closed."""
    closed = asyncio.Event()
    await services.open()
    window = build_window(services)
    window.closed.connect(closed.set)
    window.show()
    window.start()
    try:
        await closed.wait()
    finally:
        await window.shutdown()
        await services.close()
    return 0


def run_app(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("voxdesk")
    app.setOrganizationName("voxdesk")
    # The async main ends the app once the window has shut down (tasks cancelled, the
    # local server stopped); Qt quitting on its own would stop the loop mid-shutdown.
    app.setQuitOnLastWindowClosed(False)
    return qasync.run(run_window(default_services()))
