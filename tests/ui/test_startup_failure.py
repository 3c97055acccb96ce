"""A catalog written by a newer voxdesk: the app says so in a message box and exits with
its own code, instead of a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import Driver, MemoryCredentials
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import ConnectionStore
from voxdesk.services.uploads.store import UploadStore
from voxdesk.ui.app import EXIT_CANNOT_OPEN_FILES, run_window
from voxdesk.ui.main_window.window import AppServices, MainWindow
from voxdesk.ui.settings import open_settings


def _newer_catalog(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.execute("CREATE TABLE from_the_future (x)")
    db.commit()
    db.close()


def _visible_failure_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        named = isinstance(widget, QMessageBox) and widget.objectName() == "startup-failure"
        if named and widget.isVisible():
            return widget
    return None


def test_a_catalog_from_a_newer_voxdesk_is_explained_not_a_traceback(
    driver: Driver, tmp_path: Path
) -> None:
    catalog_path = tmp_path / "data" / "catalog.sqlite3"
    _newer_catalog(catalog_path)
    services = AppServices(
        catalog=CallCatalog(catalog_path),
        uploads=UploadStore(tmp_path / "data" / "uploads.sqlite3"),
        connections=ConnectionStore(tmp_path / "config" / "connections.json"),
        credentials=MemoryCredentials(),
        settings=open_settings(tmp_path / "config" / "voxdesk.ini"),
    )
    task = driver.loop.create_task(run_window(services))
    driver.wait_until(lambda: _visible_failure_box() is not None, what="the failure message")
    box = _visible_failure_box()
    assert box is not None
    assert "newer version of voxdesk" in box.text()
    assert str(catalog_path) in box.text()
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    box.button(QMessageBox.StandardButton.Ok).click()
    driver.wait_until(task.done, what="run_window to return")
    assert task.result() == EXIT_CANNOT_OPEN_FILES
    # The newer file is left as it was.
    db = sqlite3.connect(catalog_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 999
    db.close()
