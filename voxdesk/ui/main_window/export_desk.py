"""File ▸ Export…: the list as filtered to CSV, or review reports to PDF — of the
selected calls (the shown one when none is) or of the list as filtered.

A CSV export is written by a child process (watched from a worker thread, so the
window's process never waits for the GIL) with a progress dialog whose Cancel stops it
(nothing is written then). A PDF is drawn by Qt's writer, which runs on the GUI thread:
it is written a step at a time (one call's parse, its layout, each of its pages), the event
loop running between steps, so the window keeps painting and Cancel is heard; a
cancelled PDF leaves no file. A mixin of ``MainWindow``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from voxdesk.domain import Call
from voxdesk.providers.errors import ProviderError
from voxdesk.services.catalog import CallRow
from voxdesk.services.reviews.export_csv import CsvExport, ExportCancelled, ExportSource
from voxdesk.services.reviews.report import PDF_LIMIT, ReportItem
from voxdesk.ui.review.pdf_writer import write_reports

if TYPE_CHECKING:
    from voxdesk.ui.main_window.window import MainWindow

CSV_FILTER = "CSV of the list (*.csv)"
PDF_FILTER = "PDF report of the selected calls (*.pdf)"
PDF_LIST_FILTER = "PDF report of the list as filtered (*.pdf)"
PROGRESS_STEPS = 1000


def _progress(window: MainWindow, text: str, steps: int) -> QProgressDialog:
    progress = QProgressDialog(text, "Cancel", 0, steps, window)
    progress.setObjectName("export-progress")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    return progress


class ExportDeskMixin:
    def ask_export(self: MainWindow) -> QFileDialog:
        dialog = QFileDialog(self, "Export")
        dialog.setObjectName("export-dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([CSV_FILTER, PDF_FILTER, PDF_LIST_FILTER])
        dialog.fileSelected.connect(
            lambda name: self.export_to(
                Path(name),
                pdf=dialog.selectedNameFilter() in (PDF_FILTER, PDF_LIST_FILTER),
                whole_list=dialog.selectedNameFilter() == PDF_LIST_FILTER,
            )
        )
        return self._open_dialog(dialog)

    def export_to(
        self: MainWindow, path: Path, *, pdf: bool = False, whole_list: bool = False
    ) -> asyncio.Task | None:
        if pdf or path.suffix.lower() == ".pdf":
            return self.export_pdf(path.with_suffix(".pdf"), whole_list=whole_list)
        return self.export_csv(path if path.suffix else path.with_suffix(".csv"))

    # --- PDF -------------------------------------------------------------------------

    def export_pdf(
        self: MainWindow, path: Path, *, whole_list: bool = False
    ) -> asyncio.Task | None:
        """Review reports of the selected calls (the shown one when none is selected),
        or of the list as filtered, in one PDF."""
        connection = self.browser.connection
        if connection is None:
            self._status("Connect first: there are no calls to export.")
            return None
        chosen = None if whole_list else self.call_list.selected_call_ids()
        if chosen is not None and not chosen and self.review.call is not None:
            chosen = [self.review.call.id]
        if chosen is not None and not chosen:
            self._status("Select the calls to export their review reports.")
            return None
        progress = _progress(self, "Writing the review reports…", 1)
        self.export_progress = progress
        task = self._review_tasks.start(
            "export-pdf", self._run_pdf(connection, chosen, path, progress)
        )
        progress.canceled.connect(task.cancel)
        task.add_done_callback(lambda done: self._pdf_finished(done, progress))
        return task

    def _pdf_finished(self: MainWindow, task: asyncio.Task, progress: QProgressDialog) -> None:
        """Whenever the export ends (a cancel may come before it started)."""
        progress.reset()
        progress.deleteLater()
        if task.cancelled():
            self._status("Export cancelled; nothing was written.")

    async def _pdf_rows(
        self: MainWindow, connection: str, chosen: list[str] | None
    ) -> list[CallRow]:
        catalog = self.services.catalog
        if chosen is None:
            return await catalog.query(
                connection, self.state.filter, self.state.order, limit=PDF_LIMIT
            )
        rows = [await catalog.get_row(connection, call_id) for call_id in chosen[:PDF_LIMIT]]
        return [row for row in rows if row is not None]

    async def _pdf_call(self: MainWindow, connection: str, call_id: str) -> Call | None:
        """The call as the desk shows it: read from the platform when the catalog's copy
        lacks its details (``CallService.open_call``), else the catalog's."""
        service = self.browser.service
        if service is not None and service.connection == connection:
            try:
                return await service.open_call(call_id)
            except ProviderError:  # not cached, and the platform could not be read
                return None
        return await self.services.catalog.get_call(connection, call_id)

    async def _run_pdf(
        self: MainWindow,
        connection: str,
        chosen: list[str] | None,
        path: Path,
        progress: QProgressDialog,
    ) -> None:
        loop = asyncio.get_running_loop()

        def show(value: int) -> None:
            # Outside this task's step: a modal progress dialog's setValue processes
            # events, which must not run the loop's other tasks inside this one.
            if not task.done() and not progress.wasCanceled():
                progress.setValue(value)

        task = asyncio.current_task()
        try:
            rows = await self._pdf_rows(connection, chosen)
            if not rows:
                self._status("No call to export.")
                return
            progress.setMaximum(len(rows))
            found = await self.services.reviews.reviews(connection, [r.call_id for r in rows])

            async def items() -> AsyncIterator[ReportItem | None]:
                for row in rows:
                    call = await self._pdf_call(connection, row.call_id)
                    review = found.get(row.call_id)
                    yield ReportItem(call, review, row.agent, row.category) if call else None

            written = await write_reports(
                path,
                items(),
                title=f"Review of {len(rows)} calls",
                progress=lambda done: loop.call_soon(show, done),
            )
            self._status(f"{written} calls written to {path}")
        except OSError as exc:
            self.banner.show_error(f"Could not write {path}: {exc}")

    # --- CSV -------------------------------------------------------------------------

    def export_csv(self: MainWindow, path: Path) -> asyncio.Task | None:
        connection = self.browser.connection
        if connection is None:
            self._status("Connect first: there is no list to export.")
            return None
        source = ExportSource(
            self.services.catalog.path, self.services.reviews.store.path, connection
        )
        job = CsvExport(source, self.state.filter, self.state.order)
        progress = _progress(self, "Exporting the list…", PROGRESS_STEPS)
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
