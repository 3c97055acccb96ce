"""The desktop app's start: Qt application, qasync event loop, main window.

PySide6 is imported before qasync so that qasync binds to it; the window is built
inside the async main so that every coroutine it starts runs on the one loop.
"""

from __future__ import annotations

import asyncio
import sys

from PySide6.QtWidgets import QApplication

import qasync  # noqa: E402,I001 - must follow PySide6 (qasync picks the first Qt binding)

from voxdesk.ui.main_window import MainWindow


async def _run(app: QApplication) -> int:
    closed = asyncio.Event()
    window = MainWindow()
    window.closed.connect(closed.set)
    window.show()
    await closed.wait()
    await window.shutdown()
    return 0


def run_app(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("voxdesk")
    app.setOrganizationName("voxdesk")
    return qasync.run(_run(app))
