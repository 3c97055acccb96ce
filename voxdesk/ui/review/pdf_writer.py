"""Writes review reports (``services.reviews.report``) to PDF with Qt's own writer
(``QTextDocument`` + ``QPdfWriter``): A4, the user's default font, no other tool.

Qt's PDF writer paints on the GUI thread, so a long report is written in steps:
``PdfReport.add`` lays one call's report out and draws it a page at a time, yielding
after each step, and ``write_reports`` lets the event loop run between steps (the
window keeps painting, and Cancel is heard). The file is written beside its destination and renamed
into place by ``finish``; ``discard`` leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from voxdesk.services.reviews.report import ReportItem, report_html

#: 300 dpi: sharp text, and pages that stay small (text, not pictures).
RESOLUTION = 300
MARGIN_MM = 15


class PdfReport:
    """One PDF being written: documents added one after another, each starting on a
    new page."""

    def __init__(self, path: Path, *, title: str = "voxdesk review") -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.pages = 0
        self._writer = QPdfWriter(str(self.partial))
        self._writer.setResolution(RESOLUTION)
        self._writer.setTitle(title)
        self._writer.setCreator("voxdesk")
        self._writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                QPageLayout.Unit.Millimeter,
            )
        )
        self._painter = QPainter()
        if not self._painter.begin(self._writer):
            self._writer = None
            raise OSError(f"cannot write {path}")

    def add(self, html: str) -> Iterator[None]:
        """Lay ``html`` out on pages of its own and draw them, yielding after the parse,
        the layout and each page (a generator: nothing is done until it is run)."""
        document = QTextDocument()
        # Laid out for the writer's resolution (fonts in points come out their size).
        document.documentLayout().setPaintDevice(self._writer)
        document.setDocumentMargin(0)
        document.setHtml(html)  # parsed in one step, laid out in the next: ~10 ms each
        yield
        # Each page keeps a line at its foot for "page n of m" (of this call's report).
        font = document.defaultFont()
        footer = 2 * QFontMetricsF(font, self._writer).height()
        page = QSizeF(self._writer.width(), self._writer.height() - footer)
        document.setPageSize(page)
        count = document.pageCount()
        yield
        for number in range(count):
            if self.pages:
                self._writer.newPage()
            self._painter.save()
            self._painter.translate(0, -number * page.height())
            document.drawContents(
                self._painter, QRectF(0, number * page.height(), page.width(), page.height())
            )
            self._painter.restore()
            self._painter.setFont(font)
            self._painter.drawText(
                QRectF(0, page.height(), page.width(), footer),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                f"page {number + 1} of {count}",
            )
            self.pages += 1
            yield

    def finish(self) -> None:
        """Complete the file and put it in place."""
        self._painter.end()
        self._writer = None  # the file is complete when the writer is gone
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        """Stop without writing anything (a cancel, a failure)."""
        if self._painter.isActive():
            self._painter.end()
        self._writer = None
        self.partial.unlink(missing_ok=True)


def write_pdf(html: str, path: Path, *, title: str = "voxdesk review") -> None:
    """Lay ``html`` out on A4 pages into ``path`` at once (the command line)."""
    report = PdfReport(path, title=title)
    try:
        for _step in report.add(html):
            pass
    except BaseException:
        report.discard()
        raise
    report.finish()


async def write_reports(
    path: Path,
    items: AsyncIterator[ReportItem | None],
    *,
    title: str = "voxdesk review",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Each item's review report in one PDF at ``path``, every call on new pages, the
    event loop running after each step of ``PdfReport.add`` (a ``None`` item, a call
    that could not be read, is skipped); ``progress(items seen)`` after each. The
    number of reports written; cancelled, nothing is written."""
    report = PdfReport(path, title=title)
    written = seen = 0
    try:
        async for item in items:
            seen += 1
            if item is not None:
                for _step in report.add(report_html([item])):
                    await asyncio.sleep(0)  # the window paints, Cancel is heard
                written += 1
            if progress is not None:
                progress(seen)
    except BaseException:
        report.discard()
        raise
    report.finish()
    return written
