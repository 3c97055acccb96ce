"""``voxdesk calls list`` and ``voxdesk calls show``.

``list`` brings the catalog up to date first (for a listing platform, an incremental
sync: everything the first time, then what is new); when the platform cannot be asked,
the cached calls still print (with a warning on stderr), but the exit code says the list
may be stale, so a script never mistakes "unreachable" for "no calls". Its filters run
on the catalog. ``--campaign``, ``--state`` and ``--direction`` need a platform whose
calls carry those facts (the voice-bot one); elsewhere they are refused (exit 2).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from datetime import UTC, datetime, timedelta

from voxdesk.cli import place
from voxdesk.cli.common import EXIT_OK, UsageError, exit_code_for, resolve, with_service
from voxdesk.cli.render import list_json, list_table, render_call, render_facts_call
from voxdesk.domain import Direction, Disposition
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.registry import entry
from voxdesk.services.calls import CallService, lists_call_facts
from voxdesk.services.catalog import CallFilter, CallOrder

#: The options that filter on facts only some platforms' calls have.
FACT_OPTIONS = {"campaign": "--campaign", "state": "--state", "direction": "--direction"}
_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_parsers(sub: argparse._SubParsersAction, target: argparse.ArgumentParser) -> None:
    calls = sub.add_parser("calls", help="list, show and place calls").add_subparsers(
        dest="calls_command", required=True
    )
    listing = calls.add_parser("list", parents=[target], help="list known calls")
    listing.add_argument("--search", default="", help="text in agent, outcome, id or summary")
    listing.add_argument("--campaign", help="only this campaign (voice-bot platform)")
    listing.add_argument(
        "--state",
        choices=[d.value for d in Disposition],
        help="only calls that went this way (voice-bot platform)",
    )
    listing.add_argument(
        "--direction", choices=[d.value for d in Direction], help="(voice-bot platform)"
    )
    listing.add_argument("--date-from", help="calls from this date or time (ISO 8601, UTC)")
    listing.add_argument("--date-to", help="calls up to this date (the whole day) or time")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=calls_list)
    show = calls.add_parser("show", parents=[target], help="show one call's analysis")
    show.add_argument("call_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=calls_show)
    place.add_parser(calls)


def _moment(raw: str | None, option: str, *, end_of_day: bool) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise UsageError(
            f"{option} {raw!r} is not a date or time: expected e.g. 2026-01-15 or "
            "2026-01-15T10:30:00Z"
        ) from None
    if end_of_day and _BARE_DATE.match(raw.strip()):
        moment += timedelta(days=1, seconds=-1)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def call_filter(options: argparse.Namespace, platform: str) -> CallFilter:
    """The list's filter from its options; a ``UsageError`` for one the platform's calls
    cannot match, or for a date that is not one."""
    if not lists_call_facts(entry(platform).provider_class):
        given = [flag for name, flag in FACT_OPTIONS.items() if getattr(options, name)]
        if given:
            raise UsageError(
                f"{', '.join(given)}: not available for the {entry(platform).title} platform "
                "(its calls have no campaign, state or direction)"
            )
    date_from = _moment(options.date_from, "--date-from", end_of_day=False)
    date_to = _moment(options.date_to, "--date-to", end_of_day=True)
    if date_from and date_to and date_from > date_to:
        raise UsageError("--date-from is after --date-to")
    return CallFilter(
        text=options.search,
        grouping=options.campaign,
        disposition=Disposition(options.state) if options.state else None,
        direction=Direction(options.direction) if options.direction else None,
        date_from=date_from,
        date_to=date_to,
    )


def calls_list(options: argparse.Namespace) -> int:
    target = resolve(options)
    where = call_filter(options, target.platform)
    facts = lists_call_facts(entry(target.platform).provider_class)

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
            service.connection, where, CallOrder(), limit=options.limit
        )
        if options.json:
            for row in rows:
                print(list_json(row, facts=facts))
        elif not rows:
            print("No calls." if code == EXIT_OK else "No calls known from before.")
        else:
            print("\n".join(list_table(rows, terminal=sys.stdout.isatty(), facts=facts)))
        return code

    return asyncio.run(with_service(options, work, target))


def calls_show(options: argparse.Namespace) -> int:
    async def work(service: CallService) -> int:
        await service.refresh_names()
        call = await service.fetch_call(options.call_id)
        if options.json:
            print(call.model_dump_json(indent=2))
            return EXIT_OK
        if lists_call_facts(type(service.provider)):
            print(render_facts_call(call))
            return EXIT_OK
        row = await service.catalog.get_row(service.connection, call.id)
        print(render_call(call, row.agent if row else None, row.category if row else None))
        return EXIT_OK

    return asyncio.run(with_service(options, work))
