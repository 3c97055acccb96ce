"""Uploading from the real main window: files dropped on it (synthesised drop events with
file URLs) go through the metadata dialog and the queue to the real local server, and
come back as completed calls in the call list."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from tests.support.qt_drops import drop_files
from tests.ui.conftest import TEST_CONNECTION, Driver, WindowFactory, make_services
from tests.uploads.faulty_proxy import STORAGE_PATH, THROTTLE, Fault, FaultyProxy
from voxdesk.domain import CallStatus
from voxdesk.services.connections import Connection
from voxdesk.services.uploads.flow import FlowTimings
from voxdesk.services.uploads.jobs import UploadJob, UploadMetadata, UploadState
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE, STATUS_ROLE
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.upload.upload_dialog import UploadDialog
from voxdesk.ui.upload.upload_panel import Column as UploadColumn

FAST = FlowTimings(settle=0.2, poll_first=0.2, poll_max=0.5)
#: An empty Uploads dock is a header, a few rows and its buttons: not the reading panes.
MAX_EMPTY_DOCK_SHARE = 0.25
AGENT = "dana@acme.example"


def _open(windows: WindowFactory, home: Path, base_url: str, token: str) -> MainWindow:
    connection = Connection(TEST_CONNECTION, "local", base_url)
    window = windows.open(make_services(home, [(connection, token)], upload_timings=FAST))
    windows.driver.wait_until(lambda: window.uploads.queue is not None, what="the upload queue")
    return window


def _fill_dialog(driver: Driver, window: MainWindow) -> UploadDialog:
    """The dialog the drop opened, filled in and accepted with its Upload button."""
    driver.wait_until(
        lambda: any(d.isVisible() for d in window.findChildren(UploadDialog)),
        what="the upload dialog",
    )
    dialog = next(d for d in window.findChildren(UploadDialog) if d.isVisible())
    dialog.agent.setText(AGENT)
    found = dialog.category.findData("support-qa")
    assert found >= 0, "the server's categories are offered"
    dialog.category.setCurrentIndex(found)
    upload = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert upload.isEnabled()
    upload.click()
    return dialog


def _jobs(window: MainWindow) -> list[UploadJob]:
    queue = window.uploads.queue
    return queue.jobs() if queue else []


def _listed(window: MainWindow) -> dict[str, str]:
    """Listed call id → its status."""
    model = window.model
    return {
        model.index(r, 0).data(CALL_ID_ROLE): model.index(r, 0).data(STATUS_ROLE)
        for r in range(model.rowCount())
    }


def _panel_cell(window: MainWindow, job_id: str, column: UploadColumn) -> str:
    model = window.upload_panel.model
    for row in range(model.rowCount()):
        if model.job_id(row) == job_id:
            return model.index(row, column).data()
    raise AssertionError(f"job {job_id} is not in the panel")


@pytest.fixture
def batch(tmp_path: Path, speech_wav: Path) -> Iterator[tuple[Path, Path]]:
    """A folder with two recordings (one in a subfolder) and a text file named .wav."""
    folder = tmp_path / "batch"
    (folder / "week2").mkdir(parents=True)
    shutil.copy(speech_wav, folder / "call-a.wav")
    shutil.copy(speech_wav, folder / "week2" / "call-b.wav")
    impostor = tmp_path / "notes.wav"
    impostor.write_text("these are my notes, not a recording\n")
    yield folder, impostor


@pytest.fixture
def proxy(driver: Driver, server: LocalServer) -> Iterator[FaultyProxy]:
    """A fault-injecting proxy in front of the module's server (tests slow its storage)."""
    started = driver.run(FaultyProxy(server.port).start())
    yield started
    driver.run(started.stop())


def test_dropped_files_become_completed_calls_and_bad_ones_say_why(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    batch: tuple[Path, Path],
) -> None:
    folder, impostor = batch
    window = _open(windows, home, server.base_url, server.token)
    assert not window.upload_panel.isVisible()

    # Dropped on the call list's area: the window takes it, wherever it lands.
    where = window.call_list.mapTo(window, window.call_list.rect().center())
    drop_files(window, [folder, impostor], at=QPoint(where))
    _fill_dialog(driver, window)

    driver.wait_until(lambda: len(_jobs(window)) == 3, what="three jobs queued")
    assert window.upload_panel.isVisible()
    driver.wait_until(
        lambda: all(job.state.is_final for job in _jobs(window)), timeout=120, what="uploads"
    )
    jobs = {job.name: job for job in _jobs(window)}
    assert {name: job.state for name, job in jobs.items()} == {
        "call-a.wav": UploadState.DONE,
        "call-b.wav": UploadState.DONE,
        "notes.wav": UploadState.REFUSED,
    }
    refused = jobs["notes.wav"]
    assert "not a recording" in _panel_cell(window, refused.id, UploadColumn.REASON)
    assert _panel_cell(window, refused.id, UploadColumn.STATE) == "Refused"
    assert window.upload_panel.summary.text().startswith("2 done, 1 not uploaded")

    created = {jobs[name].call_id for name in ("call-a.wav", "call-b.wav")}
    assert None not in created and len(created) == 2
    driver.wait_until(
        lambda: all(_listed(window).get(call_id) == CallStatus.COMPLETED for call_id in created),
        timeout=30,
        what="the uploaded calls listed as completed",
    )


def test_cancel_and_retry_from_the_panel(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    tmp_path: Path,
    proxy: FaultyProxy,
) -> None:
    # Slow storage, so both uploads are still under way when they are cancelled.
    proxy.faults.append(Fault("PUT", STORAGE_PATH, THROTTLE, times=2, bytes_per_second=64_000))
    files = [make_wav(tmp_path / f"tone-{n}.wav", 20.0, channels=1) for n in (1, 2)]
    window = _open(windows, home, proxy.base_url, server.token)
    drop_files(window, files)
    _fill_dialog(driver, window)
    driver.wait_until(
        lambda: [j.state for j in _jobs(window)] == [UploadState.UPLOADING] * 2,
        timeout=20,
        what="both uploads under way",
    )
    panel = window.upload_panel
    first, second = (job.id for job in _jobs(window))
    panel.view.selectRow(0)
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    driver.wait_until(
        lambda: window.uploads.queue.job(first).state is UploadState.CANCELLED,
        what="the first upload cancelled",
    )
    assert window.uploads.queue.job(second).state is UploadState.UPLOADING
    panel.cancel_all_button.click()
    driver.wait_until(
        lambda: window.uploads.queue.job(second).state is UploadState.CANCELLED,
        what="the second upload cancelled",
    )
    assert [j.call_id for j in _jobs(window)] == [None, None]

    proxy.faults.clear()  # storage is fast again
    panel.view.selectRow(0)
    assert panel.retry_button.isEnabled()
    panel.retry_button.click()
    driver.wait_until(
        lambda: window.uploads.queue.job(first).state.is_final, timeout=60, what="retry"
    )
    assert window.uploads.queue.job(first).state is UploadState.DONE
    assert window.uploads.queue.job(second).state is UploadState.CANCELLED
    panel.retry_all_button.click()
    driver.wait_until(
        lambda: all(job.state.is_final and job.call_id for job in _jobs(window)),
        timeout=60,
        what="retry all",
    )
    assert [job.state for job in _jobs(window)] == [UploadState.DONE] * 2
    created = [job.call_id for job in _jobs(window)]
    assert len(set(created)) == 2
    driver.wait_until(lambda: set(created) <= set(_listed(window)), timeout=30, what="calls listed")


def test_an_unfinished_upload_resumes_when_the_window_opens_again(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    speech_wav: Path,
    proxy: FaultyProxy,
) -> None:
    proxy.faults.append(Fault("PUT", STORAGE_PATH, THROTTLE, bytes_per_second=20_000))
    window = _open(windows, home, proxy.base_url, server.token)
    drop_files(window, [speech_wav])
    _fill_dialog(driver, window)
    driver.wait_until(
        lambda: [j.state for j in _jobs(window)] == [UploadState.UPLOADING],
        what="the upload under way",
    )
    job_id = _jobs(window)[0].id
    windows.close(window)  # quit mid-upload

    again = _open(windows, home, proxy.base_url, server.token)
    driver.wait_until(lambda: _jobs(again), what="the job back in the queue")
    assert again.upload_panel.isVisible()
    driver.wait_until(
        lambda: all(job.state.is_final for job in _jobs(again)), timeout=90, what="resume"
    )
    (job,) = _jobs(again)
    assert (job.id, job.state) == (job_id, UploadState.DONE)


def test_ctrl_u_opens_a_file_picker_without_blocking(
    driver: Driver, window: MainWindow, tmp_path: Path
) -> None:
    assert window.window_actions.upload_action.shortcut().toString() == "Ctrl+U"
    dialog = window.choose_recordings()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.fileMode() is QFileDialog.FileMode.ExistingFiles
    assert "*.wav" in dialog.nameFilters()[0]
    recording = make_wav(tmp_path / "picked.wav", 1.0)
    dialog.filesSelected.emit([str(recording)])
    dialog.reject()
    driver.wait_until(
        lambda: any(d.isVisible() for d in window.findChildren(UploadDialog)),
        what="the metadata dialog for the picked file",
    )
    picked = next(d for d in window.findChildren(UploadDialog) if d.isVisible())
    assert picked.paths == [recording]
    picked.reject()


def test_dropping_with_no_connection_says_to_connect(
    driver: Driver, windows: WindowFactory, home: Path, tmp_path: Path
) -> None:
    window = windows.open(make_services(home, []), start=False)
    drop_files(window, [make_wav(tmp_path / "a.wav", 1.0)])
    driver.wait_until(window.banner.isVisible, what="the banner")
    assert "Connect to a platform" in window.banner.text()
    assert not window.findChildren(UploadDialog)


def test_the_uploads_panel_toggles_from_the_keyboard(window: MainWindow) -> None:
    action = window.window_actions.uploads_view_action
    assert action.shortcut().toString() == "Ctrl+Shift+U"
    assert not window.upload_panel.isVisible()
    action.trigger()
    assert window.upload_panel.isVisible()
    action.trigger()
    assert not window.upload_panel.isVisible()
    assert Qt.DockWidgetArea.BottomDockWidgetArea == window.dockWidgetArea(window.upload_panel)


def test_switching_connection_mid_upload_pauses_it_and_switching_back_resumes(
    driver: Driver,
    windows: WindowFactory,
    server: LocalServer,
    home: Path,
    speech_wav: Path,
    proxy: FaultyProxy,
) -> None:
    proxy.faults.append(Fault("PUT", STORAGE_PATH, THROTTLE, bytes_per_second=20_000))
    uploading = Connection(TEST_CONNECTION, "local", proxy.base_url)
    other = Connection("Other", "local", server.base_url)
    services = make_services(
        home, [(other, server.token), (uploading, server.token)], upload_timings=FAST
    )
    services.connections.set_active(uploading.id)
    window = windows.open(services)
    driver.wait_until(
        lambda: (
            window.uploads.queue is not None and window.uploads.queue.connection == uploading.id
        ),
        what="the upload queue",
    )
    drop_files(window, [speech_wav])
    _fill_dialog(driver, window)
    driver.wait_until(
        lambda: [j.state for j in _jobs(window)] == [UploadState.UPLOADING],
        what="the upload under way",
    )
    job_id = _jobs(window)[0].id

    window.session.switch_to(other.id)
    driver.wait_until(
        lambda: window.uploads.queue is not None and window.uploads.queue.connection == other.id,
        what="the other connection",
    )
    assert _jobs(window) == []
    stored = driver.run(services.uploads.get(job_id))
    assert stored is not None and not stored.state.is_final, stored

    proxy.faults.clear()
    window.session.switch_to(uploading.id)
    driver.wait_until(lambda: _jobs(window), what="the job resumed")
    driver.wait_until(
        lambda: all(job.state.is_final for job in _jobs(window)), timeout=90, what="resume"
    )
    assert [(j.id, j.state) for j in _jobs(window)] == [(job_id, UploadState.DONE)]


def test_a_non_audio_drop_is_refused_before_the_dialog_opens(
    driver: Driver, windows: WindowFactory, server: LocalServer, home: Path, tmp_path: Path
) -> None:
    window = _open(windows, home, server.base_url, server.token)
    impostor = tmp_path / "notes.wav"
    impostor.write_text("these are my notes, not a recording\n")
    said: list[str] = []
    window.uploads.statusMessage.connect(said.append)
    drop_files(window, [impostor])
    driver.wait_until(lambda: said, what="a word on the dropped file")
    assert said[-1].startswith("notes.wav cannot be uploaded: This is not a recording")
    assert "notes.wav cannot be uploaded" in window.statusBar().currentMessage()
    driver.pump(0.3)
    assert not window.findChildren(UploadDialog), "no dialog to fill in for nothing"
    assert _jobs(window) == []


def test_a_refused_only_batch_shows_no_progress(
    driver: Driver, windows: WindowFactory, server: LocalServer, home: Path, tmp_path: Path
) -> None:
    window = _open(windows, home, server.base_url, server.token)
    impostor = tmp_path / "notes.wav"
    impostor.write_text("these are my notes, not a recording\n")
    window.uploads.add([impostor], UploadMetadata(member_id=AGENT, category_id="support-qa"))
    driver.wait_until(lambda: len(_jobs(window)) == 1, what="the refused job listed")
    assert _jobs(window)[0].state is UploadState.REFUSED
    panel = window.upload_panel
    assert panel.overall.value() == panel.overall.minimum()
    assert panel.summary.text().startswith("0 done, 1 not uploaded")


def test_the_empty_uploads_dock_stays_small_in_a_720_pixel_window(
    driver: Driver, window: MainWindow
) -> None:
    window.resize(1280, 720)
    window.show_uploads()
    driver.pump(0.2)
    share = window.upload_panel.height() / window.height()
    assert share <= MAX_EMPTY_DOCK_SHARE, f"{share:.0%} of the window"
    assert window.upload_panel.view.isVisible()
