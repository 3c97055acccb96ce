"""``voxdesk export --csv FILE | --pdf FILE [filters]``: the calls of a connection, as
the desk's list would show them with the same filters, with their reviews. Works from
this computer's catalog and review store only (no platform is asked): it exports what
the reviewer has. A PDF needs Qt's PDF writer, started headless for it."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from voxdesk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, connection_store
from voxdesk.services import paths
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.reviews.export_csv import CsvExport, ExportSource
from voxdesk.services.reviews.report import PDF_LIMIT, ReportItem, report_html

REVIEW_STATES = ("unreviewed", "draft", "reviewed")


def add_parser(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="export calls with their reviews (CSV or PDF)")
    out = export.add_mutually_exclusive_group(required=True)
    out.add_argument("--csv", type=Path, help="the list as CSV, one row per call")
    out.add_argument("--pdf", type=Path, help="a review report per call, in one PDF")
    export.add_argument("--connection", help="a saved connection (default: the active one)")
    export.add_argument("--search", default="", help="text in agent, outcome, id or summary")
    export.add_argument("--agent")
    export.add_argument("--review", choices=REVIEW_STATES, action="append", help="repeatable")
    export.add_argument(
        "--needs-attention",
        type=float,
        metavar="SCORE",
        help="only calls not reviewed yet with an AI score below SCORE, an auto-fail or an "
        "uncertain answer",
    )
    export.add_argument("--call", action="append", help="only this call (repeatable)")
    export.set_defaults(handler=run_export)


def _connection_id(name: str | None) -> str:
    store = connection_store()
    connection = store.find(name) if name else store.active()
    if connection is None:
        raise UsageError(f"no connection named {name!r}" if name else "no active connection")
    return connection.id


def export_filter(options: argparse.Namespace) -> CallFilter:
    return CallFilter(
        text=options.search,
        agent=options.agent,
        review_states=frozenset(options.review or ()),
        attention_below=options.needs_attention,
    )


def run_export(options: argparse.Namespace) -> int:
    connection = _connection_id(options.connection)
    where = export_filter(options)
    if options.csv is not None:
        source = ExportSource(paths.catalog_path(), paths.reviews_path(), connection)
        written = CsvExport(source, where, CallOrder()).run(options.csv)
        print(f"{written} calls written to {options.csv}")
        return EXIT_OK
    items = asyncio.run(_report_items(connection, where, options.call))
    if not items:
        print("voxdesk: no call matches; no PDF written", file=sys.stderr)
        return EXIT_FAILED
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from voxdesk.ui.review.pdf_writer import write_pdf

    _app = QGuiApplication.instance() or QGuiApplication([])
    write_pdf(report_html(items), options.pdf)
    print(f"{len(items)} calls written to {options.pdf}")
    return EXIT_OK


async def _report_items(
    connection: str, where: CallFilter, call_ids: list[str] | None
) -> list[ReportItem]:
    catalog = CallCatalog(paths.catalog_path())
    reviews = ReviewService(SqliteReviewStore(paths.reviews_path()))
    await catalog.open()
    await reviews.open()
    try:
        rows = await catalog.query(connection, where, CallOrder(), limit=PDF_LIMIT)
        wanted = [r for r in rows if not call_ids or r.call_id in call_ids]
        found = await reviews.reviews(connection, [r.call_id for r in wanted])
        items = []
        for row in wanted:
            call = await catalog.get_call(connection, row.call_id)
            if call is not None:
                items.append(ReportItem(call, found.get(row.call_id), row.agent, row.category))
        return items
    finally:
        await reviews.close()
        await catalog.close()
