"""``voxdesk voix send --connection NAME`` shares the desk's outbox keys: a call log sent
from the desk is not sent again by the CLI (nor the other way round), and a re-run after
the app's local server came back on a new port sends nothing again. Submissions are
counted on the real server (``GET /calls``: its calls and their jobs)."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import cli_env, voxdesk
from tests.server.voix.conftest import RecordingServer, recordings, voix_server, workspace
from tests.server.voix.voix_support import MEMBERS, SERVER_ARGS, TEAM_KEY, WORKSPACE_KEY, bearer
from tests.support.local_server import LocalServer
from voxdesk.providers.voix import VoixProvider
from voxdesk.services.connections import Connection, ConnectionStore
from voxdesk.services.factory import make_provider
from voxdesk.services.local_server import LOCAL_VOIX_CONNECTION as APP_VOIX
from voxdesk.services.local_server import LOCAL_VOIX_TEAM, save_local_connection
from voxdesk.services.voix_call_log import read_call_log, send_call_log
from voxdesk.services.voix_outbox import VoixOutbox

__all__ = ["recordings", "voix_server", "workspace"]  # fixtures shared with the server tests

HEADER = ["from", "to", "startTime", "outgoing", "recordingUrl"]


def _log(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _save_connection(home: Path, name: str, base_url: str) -> Connection:
    connection = Connection(name, "voix", base_url, settings={"key_kind": "team"})
    ConnectionStore(home / "config" / "connections.json").save(connection)
    return connection


def _submissions(http: httpx.Client, caller: str) -> tuple[int, int]:
    """(calls, jobs) the server holds from ``caller``: a call sent twice would be a
    second call (a new callId), a finishing beat sent twice a second job."""
    calls = [call for call in http.get("/calls").json()["calls"] if call["from"] == caller]
    return len(calls), sum(len(call["jobs"]) for call in calls)


def _outcomes(out: str) -> list[str]:
    return [line.split(":")[1].strip().split(" ")[0].rstrip(",") for line in out.splitlines()[:-1]]


def _desk_sends(home: Path, connection: Connection, log: Path, rows: slice) -> list[str]:
    """What the desk does with File ▸ Send call log… on ``connection`` (its
    ``VoixController``: the outbox in the data folder, keyed by the connection's id)."""

    async def run() -> list[str]:
        outbox = VoixOutbox(home / "data" / "voix-outbox.sqlite3")
        await outbox.open()
        provider = make_provider("voix", connection.base_url, TEAM_KEY, connection.settings)
        assert isinstance(provider, VoixProvider)
        try:
            reports = await send_call_log(outbox, provider, connection.id, read_call_log(log)[rows])
        finally:
            await provider.aclose()
            await outbox.close()
        return [report.outcome.value.split(" ")[0] for report in reports]

    return asyncio.run(run())


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home" / "config").mkdir(parents=True)
    return tmp_path / "home"


def test_a_log_sent_from_the_desk_is_not_sent_again_by_the_cli(
    voix_server: LocalServer,
    workspace: httpx.Client,
    recordings: RecordingServer,
    home: Path,
    tmp_path: Path,
) -> None:
    caller = "+31699900001"
    log = _log(
        tmp_path / "calls.csv",
        [
            [caller, "+31201234567", "2026-07-01T09:00:00Z", "false", ""],
            [caller, "+31201234567", "2026-07-01T10:00:00Z", "true", ""],
            [
                caller,
                "+31201234567",
                "2026-07-01T11:00:00Z",
                "false",
                recordings.url("support-01-modem-reset.ogg") + "?shared-1",
            ],
        ],
    )
    connection = _save_connection(home, "VOIX (team)", voix_server.base_url)
    # The CLI is given no address: only the connection's name (the env has none either).
    env = {**cli_env(home, "", TEAM_KEY), "VOXDESK_BASE_URL": ""}

    assert _desk_sends(home, connection, log, slice(0, 2)) == ["sent", "sent"]
    assert _submissions(workspace, caller) == (2, 0)

    by_cli = voxdesk("voix", "send", "--csv", str(log), "--connection", connection.name, env=env)
    assert by_cli.code == 0, by_cli.err
    assert _outcomes(by_cli.out) == ["skipped", "skipped", "sent"]
    assert _submissions(workspace, caller) == (3, 1)

    # …and the other way round: the desk skips what the CLI sent.
    assert _desk_sends(home, connection, log, slice(0, 3)) == ["skipped"] * 3
    assert _submissions(workspace, caller) == (3, 1)


def test_a_rerun_after_the_local_server_moved_to_a_new_port_sends_nothing_again(
    recordings: RecordingServer, home: Path, tmp_path: Path
) -> None:
    """The app's own "VOIX (this computer)", used as the app leaves it: re-pointed at
    its server's new port at each start, its key the server's token."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "voix-members.json").write_text(json.dumps(MEMBERS), "utf-8")
    args = ["--no-demo", "--allow-private-fetch", "--workers", "1", *SERVER_ARGS]
    caller = "+31699900002"
    log = _log(
        tmp_path / "calls.csv",
        [
            [caller, "+31201234567", "2026-07-02T09:00:00Z", "false", ""],
            [
                caller,
                "+31201234567",
                "2026-07-02T10:00:00Z",
                "true",
                recordings.url("sales-01-good-sale.ogg") + "?moved-1",
            ],
        ],
    )
    # The app's own server: its token kept where the app keeps it, none in the env.
    (home / "data" / "server").mkdir(parents=True)
    (home / "data" / "server" / "api-token").write_text(WORKSPACE_KEY + "\n")
    store = ConnectionStore(home / "config" / "connections.json")
    env = {**cli_env(home, "", ""), "VOXDESK_BASE_URL": "", "VOXDESK_TOKEN": ""}
    with LocalServer(data, token=WORKSPACE_KEY, extra_args=args) as server:
        save_local_connection(store, server.base_url)  # what the app does at each start
        first = voxdesk("voix", "send", "--csv", str(log), "--connection", APP_VOIX, env=env)
        assert first.code == 0, first.err
        assert _outcomes(first.out) == ["sent", "sent"]

        old_port = server.port
        server.stop()
        server.port = 0  # a new port, as the app's server gets at each start
        server.start()
        assert server.port != old_port
        save_local_connection(store, server.base_url)

        again = voxdesk("voix", "send", "--csv", str(log), "--connection", APP_VOIX, env=env)
        assert again.code == 0, again.err
        assert _outcomes(again.out) == ["skipped", "skipped"]
        # Without --connection, the saved connection at that address gives the same key.
        by_url = voxdesk(
            *("voix", "send", "--csv", str(log), "--base-url", server.base_url),
            *("--token", WORKSPACE_KEY, "--key-kind", "workspace", "--team-id", LOCAL_VOIX_TEAM),
            env=env,
        )
        assert by_url.code == 0, by_url.err
        assert _outcomes(by_url.out) == ["skipped", "skipped"]
        with httpx.Client(
            base_url=server.base_url, headers=bearer(WORKSPACE_KEY), timeout=30
        ) as http:
            assert _submissions(http, caller) == (2, 1)
