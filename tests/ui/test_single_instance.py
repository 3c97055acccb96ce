"""A second voxdesk start (a real ``python -m voxdesk FILE`` process) hands its files to
the running window and exits 0 instead of opening a second window and local server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import make_wav
from tests.ui.conftest import Driver
from voxdesk.ui.app import open_files
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.single_instance import InstanceServer, hand_over, instance_key
from voxdesk.ui.upload.upload_dialog import UploadDialog

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def running(window: MainWindow, tmp_path: Path) -> Iterator[tuple[Path, InstanceServer]]:
    """The window as the first instance of voxdesk for ``<tmp>/home``."""
    home = tmp_path / "home"
    instance = InstanceServer(instance_key(home / "data"))
    assert instance.listen()
    instance.filesReceived.connect(lambda paths: open_files(window, paths))
    yield home, instance
    instance.close()


def _second_start(driver: Driver, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOXDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "-m", "voxdesk", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # The first instance answers on this loop: keep it turning while the second runs.
    driver.wait_until(lambda: process.poll() is not None, timeout=60, what="the second start")
    out, err = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_a_second_start_hands_its_file_to_the_running_window(
    driver: Driver, window: MainWindow, running: tuple[Path, InstanceServer], tmp_path: Path
) -> None:
    home, _instance = running
    driver.wait_until(lambda: window.uploads.service is not None, what="a connection")
    recording = make_wav(tmp_path / "opened.wav", seconds=1.0)
    window.showMinimized()

    second = _second_start(driver, home, str(recording))

    assert second.returncode == 0, second.stderr.decode()
    assert not (home / "data").exists(), "the second start opened no catalog or server"
    driver.wait_until(
        lambda: any(d.isVisible() for d in window.findChildren(UploadDialog)),
        what="the upload dialog for the handed-over file",
    )
    dialog = next(d for d in window.findChildren(UploadDialog) if d.isVisible())
    assert dialog.paths == [recording]
    assert not window.isMinimized(), "the running window was raised"
    dialog.reject()


def test_files_handed_over_before_a_connection_wait_for_one(
    driver: Driver, window: MainWindow, tmp_path: Path
) -> None:
    recording = make_wav(tmp_path / "early.wav", seconds=1.0)
    driver.wait_until(lambda: window.uploads.service is not None, what="a connection")
    service = window.uploads.service
    window.uploads.set_service(None)  # as at start, before the connection is set up
    open_files(window, [recording])
    assert not window.findChildren(UploadDialog)
    window.session.serviceChanged.emit(service)
    driver.wait_until(
        lambda: any(d.isVisible() for d in window.findChildren(UploadDialog)),
        what="the upload dialog once connected",
    )


def test_with_no_running_instance_the_start_goes_on(tmp_path: Path, qapp: object) -> None:
    assert hand_over([], instance_key(tmp_path / "nobody")) is False
