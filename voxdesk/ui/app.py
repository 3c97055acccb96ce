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

from voxdesk.services import paths
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import ConnectionStore, CredentialStore
from voxdesk.ui.main_window.window import AppServices, MainWindow
from voxdesk.ui.settings import open_settings

CONNECTIONS_FILE = "connections.json"


def default_services() -> AppServices:
    return AppServices(
        catalog=CallCatalog(paths.catalog_path()),
        connections=ConnectionStore(paths.config_dir() / CONNECTIONS_FILE),
        credentials=CredentialStore(),
        settings=open_settings(),
    )


async def run_window(services: AppServices) -> int:
    """Open the catalog, show the window, and run until it is closed."""
    closed = asyncio.Event()
    await services.open()
    window = MainWindow(services)
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
