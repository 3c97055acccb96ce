"""``voxdesk calls list`` and ``voxdesk calls show``.

``list`` brings the catalog up to date first; when the platform cannot be asked, the
cached calls still print (with a warning on stderr), but the exit code says the list may
be stale, so a script never mistakes "unreachable" for "no calls".
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from voxdesk.cli import place
from voxdesk.cli.common import EXIT_OK, exit_code_for, with_service
from voxdesk.cli.render import list_json, list_table, render_call
from voxdesk.providers.errors import ProviderError
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallFilter, CallOrder


def add_parsers(sub: argparse._SubParsersAction, target: argparse.ArgumentParser) -> None:
    calls = sub.add_parser("calls", help="list, show and place calls").add_subparsers(
        dest="calls_command", required=True
    )
    listing = calls.add_parser("list", parents=[target], help="list known calls")
    listing.add_argument("--search", default="", help="text in agent, outcome, id or summary")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=calls_list)
    show = calls.add_parser("show", parents=[target], help="show one call's analysis")
    show.add_argument("call_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=calls_show)
    place.add_parser(calls)


def calls_list(options: argparse.Namespace) -> int:
    async def work(service: CallService) -> int:
        code = EXIT_OK
        try:
            await service.refresh()
        except ProviderError as exc:
            code = exit_code_for(exc)
            print(
                f"voxdesk: the platform could not be asked for its calls ({exc}); "
                "these are the calls known from before, and may be out of date.",
                file=sys.stderr,
            )
        rows = await service.catalog.query(
            service.connection, CallFilter(text=options.search), CallOrder(), limit=options.limit
        )
        if options.json:
            for row in rows:
                print(list_json(row))
        elif not rows:
            print("No calls." if code == EXIT_OK else "No calls known from before.")
        else:
            print("\n".join(list_table(rows, terminal=sys.stdout.isatty())))
        return code

    return asyncio.run(with_service(options, work))


def calls_show(options: argparse.Namespace) -> int:
    async def work(service: CallService) -> int:
        await service.refresh_names()
        call = await service.fetch_call(options.call_id)
        if options.json:
            print(call.model_dump_json(indent=2))
            return EXIT_OK
        row = await service.catalog.get_row(service.connection, call.id)
        print(render_call(call, row.agent if row else None, row.category if row else None))
        return EXIT_OK

    return asyncio.run(with_service(options, work))
