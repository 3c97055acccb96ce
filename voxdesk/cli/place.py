"""``voxdesk calls place``: have a Voxpria agent call one number, or each row of a CSV.

    voxdesk calls place --agent A --to NUMBER [--var k=v]... [--wait] [--json]
    voxdesk calls place --agent A --csv FILE [--var k=v]... [--wait] [--json]

A CSV has a ``toNumber`` column (or ``number``); every other column is a variable of
that row (``--var`` gives the rows' common ones). Every number and row is checked before
anything is sent. The platform is ``--base-url``/``$VOXDESK_BASE_URL`` with
``--token``/``$VOXDESK_TOKEN`` (saved connections are Voxxi-only for now).

Never twice: every attempt is journalled before it is sent (``services.outbound``). A
run killed mid-request leaves its attempt open; the next run settles it through the
platform's list first, and a request of this run identical to a settled, placed one
adopts that call instead of dialling again. One line per call (JSON with ``--json``).
Exit status 0 only when every call was placed (and, with ``--wait``, completed).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from voxdesk.cli.common import BASE_URL_ENV, EXIT_FAILED, EXIT_OK, UsageError, check_base_url
from voxdesk.domain import Disposition, OutboundCallRequest
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.registry import make_provider
from voxdesk.providers.voxpria import VoxpriaProvider
from voxdesk.services.connections import TOKEN_ENV
from voxdesk.services.outbound import Attempt, AttemptState, AttemptStore, OutboundCalls

NUMBER_COLUMNS = ("toNumber", "number")
#: ``--wait`` polls each call this often until it ends.
POLL_SECONDS = 1.0


def add_parser(calls: argparse._SubParsersAction) -> None:
    place = calls.add_parser("place", help="have a Voxpria agent call a number (or a CSV of them)")
    place.add_argument(
        "--base-url", default=os.environ.get(BASE_URL_ENV), help=f"or ${BASE_URL_ENV}"
    )
    place.add_argument("--token", default=None, help=f"or ${TOKEN_ENV}")
    place.add_argument("--agent", required=True, help="the agent id (see the platform)")
    numbers = place.add_mutually_exclusive_group(required=True)
    numbers.add_argument("--to", help="the number to call, E.164 (+14155551234)")
    numbers.add_argument("--csv", type=Path, help="a CSV with a toNumber column")
    place.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a script variable"
    )
    place.add_argument("--wait", action="store_true", help="wait until every call has ended")
    place.add_argument("--json", action="store_true", help="one JSON line per call")
    place.set_defaults(handler=calls_place)


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var {pair!r}: expected NAME=VALUE")
        variables[name.strip()] = value
    return variables


def _request(agent: str, number: str, variables: dict[str, str], where: str) -> OutboundCallRequest:
    try:
        return OutboundCallRequest(agent_id=agent, to_number=number, variables=variables)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise UsageError(f"{where}: {problem.removeprefix('Value error, ')}") from None


def requests_from(options: argparse.Namespace) -> list[OutboundCallRequest]:
    common = _variables(options.var)
    if options.to is not None:
        return [_request(options.agent, options.to, common, "--to")]
    try:
        with options.csv.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"--csv {options.csv}: cannot be read: {exc}") from None
    column = next((c for c in NUMBER_COLUMNS if rows and c in rows[0]), None)
    if column is None:
        raise UsageError(f"--csv {options.csv}: no rows, or no toNumber column")
    requests = []
    for line, row in enumerate(rows, start=2):
        variables = {k: v for k, v in row.items() if k and k != column and v not in (None, "")}
        number = (row.get(column) or "").strip()
        where = f"--csv {options.csv}, line {line}"
        requests.append(_request(options.agent, number, {**common, **variables}, where))
    return requests


def _line(attempt: Attempt, disposition: str | None, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "attemptId": attempt.id,
                "toNumber": attempt.request.to_number,
                "state": attempt.state.value,
                "callId": attempt.call_id,
                "status": disposition,
                "reason": attempt.reason,
            }
        )
    what = attempt.call_id or attempt.reason or ""
    return f"{attempt.request.to_number}\t{disposition or attempt.state.value}\t{what}"


async def _wait(provider: VoxpriaProvider, call_id: str) -> str:
    while True:
        call = await provider.get_call(call_id)
        if call.disposition is not None and call.disposition.is_final:
            return call.disposition.value
        await asyncio.sleep(POLL_SECONDS)


async def _place_all(options: argparse.Namespace, requests: list[OutboundCallRequest]) -> int:
    base_url = check_base_url(options.base_url)
    token = options.token or os.environ.get(TOKEN_ENV)
    provider = make_provider("voxpria", {"base_url": base_url, "token": token or ""})
    assert isinstance(provider, VoxpriaProvider)
    store = AttemptStore()
    await store.open()
    code = EXIT_OK
    try:
        outbound = OutboundCalls(base_url, provider, store)
        # Attempts a killed run left open are settled first; a placed one is adopted by
        # the identical request below rather than dialled again.
        adoptable = [a for a in await outbound.resume() if a.state is AttemptState.PLACED]
        for request in requests:
            match = next((a for a in adoptable if a.asks_for(request)), None)
            if match is not None:
                adoptable.remove(match)
            attempt = match or await outbound.place(request)
            disposition = None
            if attempt.state is AttemptState.PLACED and options.wait:
                try:
                    disposition = await _wait(provider, attempt.call_id or "")
                except ProviderError as exc:
                    print(f"voxdesk: cannot follow {attempt.call_id}: {exc}", file=sys.stderr)
            placed = attempt.state is AttemptState.PLACED
            if not placed or (options.wait and disposition != Disposition.COMPLETED.value):
                code = EXIT_FAILED
            print(_line(attempt, disposition, options.json), flush=True)
    finally:
        await store.close()
        await provider.aclose()
    return code


def calls_place(options: argparse.Namespace) -> int:
    if not options.base_url:
        raise UsageError(
            "placing calls needs the Voxpria platform's --base-url (or $VOXDESK_BASE_URL) "
            f"and --token (or ${TOKEN_ENV})"
        )
    return asyncio.run(_place_all(options, requests_from(options)))
