"""The standalone Qt pieces of uploading, offscreen: the drop target, the metadata
dialog and the queue panel (over a stand-in queue, so no event loop or server)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QMainWindow, QWidget

from tests.support.qt_drops import drag_enter, drop, url_mime
from voxdesk.domain import Category, Member
from voxdesk.services.uploads.jobs import UploadJob, UploadMetadata, UploadState
from voxdesk.services.uploads.queue import QueueTotals
from voxdesk.ui.upload.upload_dialog import UploadDialog
from voxdesk.ui.upload.upload_panel import Column, UploadPanel, UploadTableModel
from voxdesk.ui.widgets.drop_target import DropTarget


def _job(n: int, state: UploadState = UploadState.WAITING, **changes) -> UploadJob:
    job = UploadJob(
        id=f"job{n}",
        seq=n,
        connection="local",
        path=Path(f"/rec/{n}.wav"),
        member_id="dana@acme.example",
        category_id="support-qa",
        call_date=None,
        udfs={},
        state=state,
        size=1000,
    )
    return replace(job, **changes)


class FakeQueue:
    """The part of ``UploadQueue`` the panel uses, driven by hand."""

    def __init__(self, jobs: list[UploadJob]) -> None:
        self._jobs = {job.id: job for job in jobs}
        self._listeners: list[Callable[[str], None]] = []
        self.calls: list[tuple[str, str]] = []

    def jobs(self) -> list[UploadJob]:
        return sorted(self._jobs.values(), key=lambda j: j.seq)

    def job(self, job_id: str) -> UploadJob | None:
        return self._jobs.get(job_id)

    def totals(self) -> QueueTotals:
        jobs = self.jobs()
        return QueueTotals(
            jobs=len(jobs),
            finished=sum(j.state.is_final for j in jobs),
            succeeded=sum(j.state is UploadState.DONE for j in jobs),
            failed=sum(j.state.is_final and j.state is not UploadState.DONE for j in jobs),
            bytes_total=sum(j.size for j in jobs),
            bytes_sent=sum(round(j.progress * j.size) for j in jobs),
        )

    def subscribe(self, listener):
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def put(self, job: UploadJob) -> None:
        self._jobs[job.id] = job
        for listener in list(self._listeners):
            listener(job.id)

    def drop(self, job_id: str) -> None:
        del self._jobs[job_id]
        for listener in list(self._listeners):
            listener(job_id)

    def cancel(self, job_id: str) -> bool:
        self.calls.append(("cancel", job_id))
        return True

    def retry(self, job_id: str) -> bool:
        self.calls.append(("retry", job_id))
        return True

    def cancel_all(self) -> int:
        self.calls.append(("cancel_all", ""))
        return 0

    def retry_all(self) -> int:
        self.calls.append(("retry_all", ""))
        return 0

    def clear_finished(self) -> int:
        self.calls.append(("clear_finished", ""))
        return 0


# --- the model and the panel -------------------------------------------------------------


def test_the_model_follows_the_queue_and_passes_qtmodeltester(qtmodeltester) -> None:
    queue = FakeQueue([_job(1), _job(2, UploadState.UPLOADING, bytes_sent=420, speed=2e6)])
    model = UploadTableModel()
    model.set_source(queue)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(1, Column.STATE).data() == "Uploading 42%"
    assert model.index(1, Column.PROGRESS).data() == "42%"
    assert model.index(1, Column.SPEED).data() == "2.0 MB/s"

    queue.put(_job(3, UploadState.REFUSED, reason="The file is empty."))
    queue.put(_job(1, UploadState.DONE, call_id="call_1"))
    assert model.rowCount() == 3
    assert model.index(2, Column.REASON).data() == "The file is empty."
    assert model.index(0, Column.STATE).data() == "Done"
    assert model.index(0, Column.PROGRESS).data() == "100%"
    queue.drop("job2")
    assert [model.job_id(r) for r in range(model.rowCount())] == ["job1", "job3"]
    qtmodeltester.check(model)
    model.set_source(None)
    assert model.rowCount() == 0
    queue.put(_job(4))  # unsubscribed: nothing happens
    assert model.rowCount() == 0


def test_the_panel_cancels_and_retries_the_selected_rows(qtbot) -> None:
    queue = FakeQueue(
        [
            _job(1, UploadState.UPLOADING, bytes_sent=500),
            _job(2, UploadState.FAILED, reason="The upload failed: offline."),
            _job(3, UploadState.DONE, call_id="call_3"),
        ]
    )
    panel = UploadPanel()
    qtbot.addWidget(panel)
    panel.set_queue(queue)
    assert not panel.cancel_button.isEnabled() and not panel.retry_button.isEnabled()
    assert panel.cancel_all_button.isEnabled() and panel.retry_all_button.isEnabled()

    panel.view.selectRow(0)
    assert panel.cancel_button.isEnabled() and not panel.retry_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    panel.view.selectRow(1)
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.retry_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert queue.calls == [
        ("cancel", "job1"),
        ("retry", "job2"),
        ("retry_all", ""),
        ("clear_finished", ""),
    ]
    # 500 of job1's bytes and all of job3's, of 3000.
    assert panel.overall.value() == 500
    assert panel.summary.text() == "1 done, 1 not uploaded, 1 in progress"
    queue.put(_job(1, UploadState.DONE, call_id="call_1"))
    assert panel.overall.value() == 667
    panel.set_queue(None)
    assert panel.summary.text() == "No uploads."


# --- dropping files ------------------------------------------------------------------------


def test_a_drop_anywhere_on_the_window_emits_the_paths(qtbot, tmp_path) -> None:
    window = QMainWindow()
    child = QWidget()
    window.setCentralWidget(child)
    qtbot.addWidget(window)
    target = DropTarget(window)
    folder = tmp_path / "batch"
    folder.mkdir()
    recording = tmp_path / "a.wav"
    recording.write_bytes(b"RIFF")
    mime = url_mime(
        QUrl.fromLocalFile(str(recording)),
        QUrl.fromLocalFile(str(folder)),
        QUrl("https://example.com/x.wav"),
    )
    assert drag_enter(window, mime)
    with qtbot.waitSignal(target.files_dropped) as blocker:
        assert drop(window, mime)
    assert blocker.args == [[recording, folder]]
    assert window.acceptDrops()


def test_a_drag_without_local_files_is_refused(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    target = DropTarget(window)
    mime = url_mime(QUrl("https://example.com/x.wav"))
    with qtbot.assertNotEmitted(target.files_dropped):
        assert not drag_enter(window, mime)
        assert not drop(window, mime)


# --- the metadata dialog -------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "voxdesk.ini"), QSettings.Format.IniFormat)


def test_the_dialog_emits_metadata_and_remembers_it(qtbot, settings, tmp_path) -> None:
    paths = [tmp_path / "a.wav"]
    paths[0].write_bytes(b"RIFF")
    members = [Member(id="mem_1", email="dana@acme.example", name="Dana"), Member(id="mem_2")]
    categories = [Category(id="support-qa", name="Support QA"), Category(id="sales", name="Sales")]
    dialog = UploadDialog(paths, settings, members=members, categories=categories)
    qtbot.addWidget(dialog)
    dialog.open()
    assert not dialog.isModal()
    assert dialog.agent.completer().model().rowCount() == 2
    assert not dialog.category.isEditable()
    upload = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not upload.isEnabled()  # no agent yet
    dialog.agent.setText("dana@acme.example")
    dialog.category.setCurrentIndex(dialog.category.findData("sales"))
    dialog.add_udf_row("ticket", "T-1")
    dialog.add_udf_row("", "ignored")
    with qtbot.waitSignal(dialog.accepted_metadata) as blocker:
        qtbot.mouseClick(upload, Qt.MouseButton.LeftButton)
    assert blocker.args == [
        paths,
        UploadMetadata("dana@acme.example", "sales", None, {"ticket": "T-1"}),
    ]

    again = UploadDialog(paths, settings, categories=None)
    qtbot.addWidget(again)
    assert again.category.isEditable()  # the platform cannot list categories
    assert again.agent.text() == "dana@acme.example"
    assert again.category.currentText() == "sales"
    assert again.udf_values() == {"ticket": "T-1"}
    again.own_dates.setChecked(False)
    assert again.date.isEnabled()
    date = again.metadata().date
    assert date is not None and date.endswith("+00:00")


def test_cancelling_the_dialog_emits_nothing(qtbot, settings, tmp_path) -> None:
    dialog = UploadDialog([tmp_path], settings, categories=[Category(id="support-qa")])
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.agent.setText("x@y.example")
    with qtbot.assertNotEmitted(dialog.accepted_metadata):
        dialog.reject()
    assert settings.value("uploads/agent") is None
