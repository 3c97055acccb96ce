"""voxdesk's entry points.

``voxdesk`` opens the desktop app; ``voxdesk server`` runs the local server;
``voxdesk calls``, ``voxdesk upload`` and ``voxdesk connections`` work from a terminal
through the same services the app uses.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from voxdesk.domain import Call
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.redaction import install_log_redaction
from voxdesk.services import paths
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder
from voxdesk.services.connections import (
    PLATFORMS,
    TOKEN_ENV,
    Connection,
    ConnectionStore,
    CredentialError,
    CredentialStore,
)
from voxdesk.services.factory import make_provider
from voxdesk.services.formatting import format_duration, format_score
from voxdesk.services.uploads.jobs import UploadJob, UploadMetadata, UploadState
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.report import progress_line
from voxdesk.services.uploads.store import UploadStore

BASE_URL_ENV = "VOXDESK_BASE_URL"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["server"]:
        from voxdesk.server.cli import main as server_main

        return server_main(args[1:])
    parser = _parser()
    options = parser.parse_args(args)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    install_log_redaction()
    if options.command is None:
        from voxdesk.ui.app import run_app

        return run_app()
    try:
        return options.handler(options)
    except (ProviderError, CredentialError, ValueError) as exc:
        print(f"voxdesk: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voxdesk", description="Call-QA workbench. With no command, opens the app."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("server", help="run the local server (see: voxdesk server --help)")

    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--connection", help="a saved connection (default: the active one)")
    target.add_argument(
        "--base-url", default=os.environ.get(BASE_URL_ENV), help=f"or ${BASE_URL_ENV}"
    )
    target.add_argument("--token", default=None, help=f"or ${TOKEN_ENV}")
    target.add_argument("--platform", default="local", choices=PLATFORMS)

    calls = sub.add_parser("calls", help="list and show calls").add_subparsers(
        dest="calls_command", required=True
    )
    listing = calls.add_parser("list", parents=[target], help="list known calls")
    listing.add_argument("--search", default="", help="text in agent, outcome, id or summary")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_calls_list)
    show = calls.add_parser("show", parents=[target], help="show one call's analysis")
    show.add_argument("call_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_calls_show)

    upload = sub.add_parser(
        "upload", parents=[target], help="upload recordings and create their calls"
    )
    upload.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    upload.add_argument("--member", required=True, help="the agent: member id or email")
    upload.add_argument("--category", required=True, help="the category (scorecard) id")
    upload.add_argument("--date", help="the call date (default: each file's modified time)")
    upload.add_argument(
        "--udf", action="append", default=[], type=_udf, metavar="KEY=VALUE",
        help="a user-defined field (repeatable)",
    )  # fmt: skip
    upload.add_argument("--wait", action="store_true", help="wait until each call is analysed")
    upload.add_argument("--json", action="store_true", help="one JSON line per file")
    upload.set_defaults(handler=_upload)

    conns = sub.add_parser("connections", help="manage saved connections").add_subparsers(
        dest="connections_command", required=True
    )
    add = conns.add_parser("add", help="save a connection (the token goes to the keyring)")
    add.add_argument("name")
    add.add_argument("--platform", default="voxxi", choices=PLATFORMS)
    add.add_argument("--base-url", required=True)
    add.add_argument("--token", help="omit to be prompted (not echoed)")
    add.add_argument("--activate", action="store_true", help="make it the active connection")
    add.set_defaults(handler=_connections_add)
    conns.add_parser("list", help="list saved connections").set_defaults(handler=_connections_list)
    remove = conns.add_parser("remove", help="forget a connection and its token")
    remove.add_argument("name")
    remove.set_defaults(handler=_connections_remove)
    return parser


# --- connections -----------------------------------------------------------------------


def _store() -> ConnectionStore:
    return ConnectionStore(paths.config_dir() / "connections.json")


def _connections_add(options: argparse.Namespace) -> int:
    store = _store()
    connection = Connection(options.name, options.platform, options.base_url)
    existing = store.find(options.name)
    if existing is not None:  # saving a name again updates that connection
        connection = replace(connection, id=existing.id, settings=existing.settings)
    token = options.token or getpass.getpass(f"Token for {options.name}: ")
    CredentialStore().set(connection.id, token)
    store.save(connection)
    if options.activate:
        store.set_active(connection.id)
    print(f"Saved connection {connection.name!r} ({connection.platform}, {connection.base_url}).")
    return EXIT_OK


def _connections_list(options: argparse.Namespace) -> int:
    store = _store()
    active = store.active()
    connections = store.list()
    if not connections:
        print("No saved connections. Add one with: voxdesk connections add NAME --base-url URL")
    for connection in connections:
        mark = "*" if active and active.id == connection.id else " "
        print(f"{mark} {connection.name}\t{connection.platform}\t{connection.base_url}")
    return EXIT_OK


def _connections_remove(options: argparse.Namespace) -> int:
    store = _store()
    connection = store.find(options.name)
    if connection is None or not store.remove(connection.id):
        print(f"voxdesk: no connection named {options.name!r}", file=sys.stderr)
        return EXIT_FAILED
    CredentialStore().delete(connection.id)
    print(f"Removed connection {options.name!r}.")
    return EXIT_OK


def _resolve(options: argparse.Namespace) -> tuple[str, str, str, str | None]:
    """(catalog key, platform, base URL, token) from flags, env, or the saved connection."""
    if options.base_url and not options.connection:
        token = options.token or os.environ.get(TOKEN_ENV)
        return options.base_url, options.platform, options.base_url, token
    store = _store()
    connection = store.find(options.connection) if options.connection else store.active()
    if connection is None:
        raise ValueError(
            "no connection: pass --base-url and --token (or set "
            f"{BASE_URL_ENV}/{TOKEN_ENV}), or save one with 'voxdesk connections add'"
        )
    token = options.token or CredentialStore().get(connection.id)
    return connection.id, connection.platform, connection.base_url, token


async def _with_service(options: argparse.Namespace, work) -> int:
    key, platform, base_url, token = _resolve(options)
    catalog = CallCatalog(paths.catalog_path())
    await catalog.open()
    provider = make_provider(platform, base_url, token)
    try:
        return await work(CallService(key, provider, catalog))
    finally:
        await provider.aclose()
        await catalog.close()


# --- calls -----------------------------------------------------------------------------


def _calls_list(options: argparse.Namespace) -> int:
    async def work(service: CallService) -> int:
        try:
            await service.refresh()
        except ProviderError as exc:
            print(f"voxdesk: showing cached calls; refresh failed: {exc}", file=sys.stderr)
        rows = await service.catalog.query(
            service.connection,
            CallFilter(text=options.search),
            CallOrder(),
            limit=options.limit,
        )
        if options.json:
            for row in rows:
                print(
                    json.dumps(
                        {
                            "callId": row.call_id,
                            "status": row.status.value,
                            "agent": row.agent,
                            "category": row.category,
                            "date": row.date.isoformat() if row.date else None,
                            "duration": row.duration,
                            "score": row.score,
                            "outcome": row.outcome,
                        }
                    )
                )
            return EXIT_OK
        if not rows:
            print("No calls.")
        for row in rows:
            print(
                "\t".join(
                    [
                        row.call_id,
                        row.date.strftime("%Y-%m-%d %H:%M") if row.date else "-",
                        row.agent or "-",
                        row.category or "-",
                        format_duration(row.duration),
                        format_score(row.score),
                        row.outcome or "-",
                        row.status.value,
                    ]
                )
            )
        return EXIT_OK

    return asyncio.run(_with_service(options, work))


def _calls_show(options: argparse.Namespace) -> int:
    async def work(service: CallService) -> int:
        call = await service.fetch_call(options.call_id)
        if options.json:
            print(call.model_dump_json(indent=2))
        else:
            print(render_call(call))
        return EXIT_OK

    return asyncio.run(_with_service(options, work))


# --- upload ----------------------------------------------------------------------------


def _udf(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key.strip(), value


def _upload_succeeded(job: UploadJob, waited: bool) -> bool:
    return job.state is UploadState.DONE or (job.state is UploadState.PROCESSING and not waited)


def _upload_line(job: UploadJob, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "file": str(job.path),
                "state": job.state.value,
                "callId": job.call_id,
                "error": job.reason,
                "uploadId": job.id,
            }
        )
    outcome = job.call_id or job.reason or ""
    return f"{job.state.value}\t{job.path}\t{outcome}"


def _upload(options: argparse.Namespace) -> int:
    """Queue the files on the same persistent queue the app uses: re-running the same
    command after a crash resumes the unfinished files instead of sending them twice."""
    metadata = UploadMetadata(
        member_id=options.member,
        category_id=options.category,
        date=options.date,
        udfs=dict(options.udf),
    )
    bar = sys.stderr.isatty()

    async def work(service: CallService) -> int:
        store = UploadStore()
        await store.open()
        queue = UploadQueue(service, store, follow=options.wait)
        ids: list[str] = []
        printed: set[str] = set()

        def show(job_id: str) -> None:
            job = queue.job(job_id)
            if bar:
                print(
                    "\r\033[K" + progress_line(queue.totals(), queue.jobs(), len(printed)),
                    end="",
                    file=sys.stderr,
                )
            if job is None or job_id not in ids or job_id in printed or queue.running(job_id):
                return
            printed.add(job_id)
            if bar:
                print("\r\033[K", end="", file=sys.stderr)
            print(_upload_line(job, options.json), flush=True)

        queue.subscribe(show)
        try:
            ids.extend(await queue.add(options.paths, metadata))
            for job_id in ids:
                show(job_id)
            jobs = await queue.wait(ids)
        finally:
            await queue.close()
            await store.close()
            if bar:
                print("\r\033[K", end="", file=sys.stderr)
        if not jobs:
            print("voxdesk: no files to upload.", file=sys.stderr)
            return EXIT_FAILED
        return EXIT_OK if all(_upload_succeeded(j, options.wait) for j in jobs) else EXIT_FAILED

    return asyncio.run(_with_service(options, work))


def render_call(call: Call) -> str:
    """A call's analysis as plain text for a terminal."""
    lines = [f"Call {call.id}: {call.status.value}"]
    if call.error:
        lines.append(f"  Error: {call.error}")
    facts = [
        ("Agent", call.member_id),
        ("Category", call.category_id),
        ("Date", call.date.isoformat() if call.date else None),
        ("Duration", format_duration(call.duration) if call.duration is not None else None),
    ]
    lines += [f"  {label}: {value}" for label, value in facts if value]
    analysis = call.analysis
    if analysis is not None:
        lines.append(f"  Score: {format_score(analysis.score)}")
        if analysis.outcome_label:
            lines.append(f"  Outcome: {analysis.outcome_label}")
        if analysis.outcome_rationale:
            lines.append(f"    {analysis.outcome_rationale}")
    if call.summary:
        lines += ["", "Summary:", f"  {call.summary}"]
    for section in analysis.sections if analysis else ():
        total = format_score(section.total_score)
        lines += ["", f"{section.name}: {format_score(section.score)} / {total}"]
        for criterion in section.criteria:
            flag = " (auto-fail)" if criterion.auto_fail else ""
            lines.append(f"  [{criterion.result.value}] {criterion.question}{flag}")
            if criterion.rationale:
                lines.append(f"        {criterion.rationale}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
