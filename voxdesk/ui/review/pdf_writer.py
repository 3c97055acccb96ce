"""Writes a review report (``services.reviews.report``) to PDF with Qt's own writer
(``QTextDocument`` + ``QPdfWriter``): A4, the user's default font, no other tool."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

#: 300 dpi: sharp text, and pages that stay small (text, not pictures).
RESOLUTION = 300
MARGIN_MM = 15


def write_pdf(html: str, path: Path, *, title: str = "voxdesk review") -> None:
    """Lay ``html`` out on A4 pages into ``path`` (written beside it, then renamed)."""
    partial = path.with_name(f".{path.name}.partial")
    writer = QPdfWriter(str(partial))
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("voxdesk")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # the file is complete when the writer is gone
    os.replace(partial, path)
