"""File ▸ Export…: the list as filtered to CSV, or the shown call's review report to
PDF. A CSV export is written by a child process (watched from a worker thread, so the
window's process never waits for the GIL) with a progress dialog whose Cancel stops it
(nothing is written then); the window stays responsive throughout. A mixin of
``MainWindow``."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from voxdesk.services.reviews.export_csv import CsvExport, ExportCancelled, ExportSource
from voxdesk.services.reviews.report import ReportItem, report_html
from voxdesk.ui.review.pdf_writer import write_pdf

if TYPE_CHECKING:
    from voxdesk.ui.main_window.window import MainWindow

CSV_FILTER, PDF_FILTER = "CSV of the list (*.csv)", "PDF report of the call (*.pdf)"
PROGRESS_STEPS = 1000


class ExportDeskMixin:
    def ask_export(self: MainWindow) -> QFileDialog:
        dialog = QFileDialog(self, "Export")
        dialog.setObjectName("export-dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([CSV_FILTER, PDF_FILTER])
        dialog.fileSelected.connect(
            lambda name: self.export_to(Path(name), pdf=dialog.selectedNameFilter() == PDF_FILTER)
        )
        return self._open_dialog(dialog)

    def export_to(self: MainWindow, path: Path, *, pdf: bool = False) -> None:
        if pdf or path.suffix.lower() == ".pdf":
            self.export_pdf(path.with_suffix(".pdf"))
        else:
            self.export_csv(path if path.suffix else path.with_suffix(".csv"))

    def export_pdf(self: MainWindow, path: Path) -> None:
        call = self.review.call
        if call is None:
            self._status("Select a call to export its review report.")
            return
        row = self.state.rows[i] if (i := self.state.index_of(call.id)) is not None else None
        item = ReportItem(
            call, self.review.review, row.agent if row else None, row.category if row else None
        )
        try:
            write_pdf(report_html([item]), path, title=f"Review of call {call.id}")
        except OSError as exc:
            self.banner.show_error(f"Could not write {path}: {exc}")
            return
        self._status(f"Review report written to {path}")

    def export_csv(self: MainWindow, path: Path) -> asyncio.Task | None:
        connection = self.browser.connection
        if connection is None:
            self._status("Connect first: there is no list to export.")
            return None
        source = ExportSource(
            self.services.catalog.path, self.services.reviews.store.path, connection
        )
        job = CsvExport(source, self.state.filter, self.state.order)
        progress = QProgressDialog("Exporting the list…", "Cancel", 0, PROGRESS_STEPS, self)
        progress.setObjectName("export-progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        cancel = threading.Event()
        progress.canceled.connect(cancel.set)
        self.export_progress = progress
        return self._review_tasks.start("export", self._run_csv(job, path, progress, cancel))

    async def _run_csv(
        self: MainWindow,
        job: CsvExport,
        path: Path,
        progress: QProgressDialog,
        cancel: threading.Event,
    ) -> None:
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:
            value = round(PROGRESS_STEPS * done / total) if total else PROGRESS_STEPS
            loop.call_soon_threadsafe(progress.setValue, value)

        await self.services.reviews.flush()  # the file has every change made so far
        try:
            written = await asyncio.to_thread(
                job.run_in_child, path, progress=report, cancel=cancel
            )
        except ExportCancelled:
            self._status("Export cancelled; nothing was written.")
        except OSError as exc:
            self.banner.show_error(f"Could not write {path}: {exc}")
        except asyncio.CancelledError:
            cancel.set()
            raise
        else:
            self._status(f"{written} calls exported to {path}")
        finally:
            progress.reset()
            progress.deleteLater()
