"""``voxdesk voix send --csv calls.csv``: send a phone system's call log to VOIX.

One line per row on stdout (``line N: sent beat 1 (callId …)``, ``line N: skipped,
the finishing beat was already sent …``, ``line N: refused: <reason>``), then a
summary. Exit status 0 only when every row went through (sent, or already sent); 1 when
any row was refused or failed; 2 for a command-line mistake or a file that is not a call
log.

The outbox (``voix-outbox.sqlite3`` in voxdesk's data folder, ``--outbox`` to move it)
keeps each call's callId, keyed by the connection and the row's from/to/startTime, so a
re-run sends only what VOIX has not answered yet. The connection is keyed exactly as the
desk keys it — by the saved connection's stable id — so a call sent from the desk is not
sent again from here, nor the other way round, and a server that moved (the app's own
server takes a new port at each start) is still the same connection:

* ``--connection NAME``: that saved VOIX connection's id (its address, token and
  settings too, each overridable by a flag);
* otherwise the id of the saved VOIX connection at ``--base-url``, if there is one (the
  app re-points its own VOIX connection at its server's new port at each start);
* otherwise ``--base-url`` itself, the only stable name such a server has here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from voxdesk.cli.common import (
    BASE_URL_ENV,
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    check_base_url,
    connection_store,
)
from voxdesk.providers.http import HttpClient
from voxdesk.providers.voix import KeyKind, VoixProvider, VoixSettings
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.services import paths
from voxdesk.services.connections import TOKEN_ENV, Connection, CredentialStore
from voxdesk.services.local_server import is_app_served, local_server_token
from voxdesk.services.voix_call_log import (
    CallLogError,
    LogRow,
    RowReport,
    read_call_log,
    send_call_log,
    stage_on_local_server,
)
from voxdesk.services.voix_outbox import Sent, VoixOutbox


def add_parsers(sub: argparse._SubParsersAction) -> None:
    voix = sub.add_parser("voix", help="send calls to VOIX").add_subparsers(
        dest="voix_command", required=True
    )
    send = voix.add_parser("send", help="send a phone system's call log (CSV)")
    send.add_argument("--csv", type=Path, required=True, help="the call log")
    send.add_argument(
        "--connection",
        help="a saved VOIX connection (its address, key and settings); what it sent, and "
        "what the desk sent on it, is not sent again",
    )
    send.add_argument(
        "--base-url",
        default=os.environ.get(BASE_URL_ENV),
        help=f"VOIX's address, or ${BASE_URL_ENV}",
    )
    send.add_argument("--token", default=None, help=f"the API key, or ${TOKEN_ENV}")
    send.add_argument(
        "--key-kind",
        choices=[kind.value for kind in KeyKind],
        default=None,
        help="team (the default): the key belongs to one team; workspace: give --team-id",
    )
    send.add_argument("--team-id", help="the team's UUID (required with a workspace key)")
    send.add_argument(
        "--stage-token",
        default=None,
        help="the voxdesk local server's own token, to stage 'recording' files in its "
        "storage (default: the key itself when it is workspace-wide)",
    )
    send.add_argument("--outbox", type=Path, help="the outbox database (default: data folder)")
    send.set_defaults(handler=voix_send)


def _line(report: RowReport) -> str:
    where = f"line {report.line}"
    if report.outcome is Sent.SENT:
        job = f", job {report.job_id}" if report.job_id else ""
        return f"{where}: sent {report.beat} (callId {report.call_id}{job})"
    if report.outcome is Sent.SKIPPED:
        return f"{where}: skipped, {report.beat} was already sent (callId {report.call_id})"
    return f"{where}: {report.outcome.value}: {report.reason}"


def _voix_connection(name: str) -> Connection:
    connection = connection_store().find(name)
    if connection is None:
        raise UsageError(f"no connection named {name!r} (see 'voxdesk connections list')")
    if connection.platform != VoixProvider.platform:
        raise UsageError(
            f"{name!r} is a {connection.platform} connection; 'voix send' needs a VOIX one"
        )
    return connection


def _saved_at(base_url: str) -> Connection | None:
    """The saved VOIX connection at this address (the desk keys its sends by its id)."""
    return next(
        (
            saved
            for saved in connection_store().list()
            if saved.platform == VoixProvider.platform
            and saved.base_url.rstrip("/") == base_url.rstrip("/")
        ),
        None,
    )


def _token_of(connection: Connection | None) -> str | None:
    """The key a saved connection is used with, as the desk uses it: the app's own
    server's token for "VOIX (this computer)", else the keyring's (or ``$VOXDESK_TOKEN``)."""
    if connection is None:
        return os.environ.get(TOKEN_ENV)
    if is_app_served(connection):
        return local_server_token(paths.local_server_dir())
    return CredentialStore().get(connection.id)


def voix_send(options: argparse.Namespace) -> int:
    connection = _voix_connection(options.connection) if options.connection else None
    saved: dict[str, Any] = {} if connection is None else dict(connection.settings)
    if connection is not None:
        base_url = connection.base_url
    elif options.base_url:
        base_url = check_base_url(options.base_url)
    else:
        raise UsageError(
            f"VOIX's address is needed: pass --connection NAME, or --base-url (or set "
            f"{BASE_URL_ENV})"
        )
    known = connection or _saved_at(base_url)
    outbox_key = known.id if known is not None else base_url
    token = options.token or _token_of(connection)
    if not token:
        raise UsageError(f"the API key is needed: pass --token or set {TOKEN_ENV}")
    settings = VoixSettings(
        **{
            **saved,
            "base_url": base_url,
            "token": token,
            "key_kind": options.key_kind or saved.get("key_kind") or KeyKind.TEAM.value,
            "team_id": options.team_id or saved.get("team_id"),
        }
    )
    try:
        rows = read_call_log(options.csv)
    except CallLogError as exc:
        raise UsageError(str(exc)) from None
    stage_token = options.stage_token
    if stage_token is None and settings.key_kind is KeyKind.WORKSPACE:
        stage_token = token  # on the local server, the workspace key is its own token
    return asyncio.run(_send(settings, outbox_key, stage_token, options.outbox, rows))


async def _send(
    settings: VoixSettings,
    outbox_key: str,
    stage_token: str | None,
    outbox_path: Path | None,
    rows: list[LogRow],
) -> int:
    outbox = VoixOutbox(outbox_path)
    await outbox.open()
    provider = VoixProvider.from_settings(settings)
    assert isinstance(provider, VoixProvider)
    storage = None
    if stage_token and any(row.recording_file is not None for row in rows):
        storage = LocalProvider(HttpClient(settings.base_url, stage_token))
    try:
        stage = None if storage is None else stage_on_local_server(storage)
        reports = await send_call_log(outbox, provider, outbox_key, rows, stage)
    finally:
        await provider.aclose()
        if storage is not None:
            await storage.aclose()
        await outbox.close()
    for report in reports:
        print(_line(report), flush=True)
    through = sum(report.went_through for report in reports)
    print(f"{through} of {len(reports)} row(s) went through.")
    return EXIT_OK if through == len(reports) else EXIT_FAILED
