"""``voxdesk calls list|show`` and ``connections add`` for a voice-bot connection, run as
a user runs them (a child process) against a real local server with synthetic calls.
Expected answers come from the server's own list endpoint, asked over HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.conftest import cli_env, voxdesk
from tests.support.local_server import LocalServer
from voxdesk.cli.common import EXIT_OK, EXIT_USAGE
from voxdesk.services.formatting import format_duration, format_score

BULK_CALLS = 300
VOICE = ("--platform", "voicecalls")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("vc-cli") / "data"
    with LocalServer(data, extra_args=["--no-demo", "--bulk-voice-calls", str(BULK_CALLS)]) as srv:
        yield srv


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, server: LocalServer) -> Path:
    """A home whose catalog a first ``calls list`` synced (shared by the read-only tests)."""
    home = tmp_path_factory.mktemp("vc-home")
    first = voxdesk("calls", "list", *VOICE, env=cli_env(home, server.base_url, server.token))
    assert first.code == EXIT_OK, first.err
    return home


def server_list(server: LocalServer, **params: Any) -> dict[str, Any]:
    response = httpx.get(
        f"{server.base_url}/api/v1/voice-calls",
        params={"pageSize": 100, **params},
        headers=server.auth,
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def _lines(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def test_list_shows_the_platforms_columns_newest_first(server: LocalServer, home: Path) -> None:
    listed = voxdesk("calls", "list", *VOICE, env=cli_env(home, server.base_url, server.token))
    assert listed.code == EXIT_OK, listed.err
    rows = _lines(listed.out)
    newest = server_list(server, pageSize=50)["data"]
    assert [row[0] for row in rows] == [call["id"] for call in newest]
    # CALL ID, DATE, DIRECTION, CAMPAIGN, STATE, OUTCOME, SURVEY
    first, call = rows[0], newest[0]
    assert first[2:5] == [
        call["direction"].lower(),
        call["campaignId"],
        {"Completed": "completed", "NoAnswer": "no_answer", "Busy": "busy", "Failed": "failed"}[
            call["state"]
        ],
    ]
    survey = call["epaResults"]
    assert first[6] == format_score(survey["calculatedScore"] if survey else None)


@pytest.mark.parametrize(
    ("options", "params"),
    [
        (("--campaign", "camp_bulk_billing"), {"campaignId": "camp_bulk_billing"}),
        (("--state", "no_answer"), {"state": "NoAnswer"}),
        (
            ("--direction", "inbound", "--state", "completed"),
            {"direction": "Inbound", "state": "Completed"},
        ),
        (
            ("--date-from", "2025-12-01", "--date-to", "2025-12-15"),
            {"dateFrom": "2025-12-01", "dateTo": "2025-12-15"},
        ),
    ],
)
def test_list_filters_match_the_platforms_own_filters(
    server: LocalServer, home: Path, options: tuple[str, ...], params: dict[str, str]
) -> None:
    env = cli_env(home, server.base_url, server.token)
    listed = voxdesk("calls", "list", *VOICE, *options, "--limit", "1000", "--json", env=env)
    assert listed.code == EXIT_OK, listed.err
    ours = [json.loads(line)["callId"] for line in listed.out.splitlines()]
    expected = server_list(server, **params)
    assert 0 < len(ours) == expected["total"]
    assert ours[: len(expected["data"])] == [call["id"] for call in expected["data"]]


def test_show_prints_facts_survey_and_transcript(server: LocalServer, home: Path) -> None:
    completed = server_list(server, campaignId="camp_bulk_renewals", state="Completed")["data"]
    call = next(c for c in completed if c["epaResults"] and c["epaResults"]["responses"])
    shown = voxdesk(
        "calls", "show", call["id"], *VOICE, env=cli_env(home, server.base_url, server.token)
    )
    assert shown.code == EXIT_OK, shown.err
    out = shown.out
    survey = call["epaResults"]
    for expected in (
        f"Direction: {call['direction'].lower()}",
        f"Campaign: {call['campaignId']}",
        "State: completed",
        f"Duration: {format_duration(call['durationSeconds'])}",
        f"Talk time: {format_duration(call['talkTimeSeconds'])}",
        f"Outcome: {call['outcome']}",
        f"Answered: {survey['questionsAnswered']}/{survey['totalQuestions']}",
        f"Score: {format_score(survey['calculatedScore'])}",
        f"Reason: {survey['completionReason']}",
        "From: –",
    ):
        assert expected in out, (expected, out)
    for response in survey["responses"]:
        assert response["question"] in out
        assert f"{response['answer']} (score {format_score(response['score'])})" in out
    transcript = out.split("Transcript:\n", 1)[1].splitlines()
    assert [line.split(": ", 1)[1] for line in transcript] == [
        t["text"] for t in call["transcript"]
    ]
    assert out.index("Started: ") < out.index("Ended: ")


def test_fact_options_are_refused_on_a_platform_without_them(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", "http://127.0.0.1:9", "t")
    refused = voxdesk("calls", "list", "--platform", "local", "--campaign", "x", env=env)
    assert refused.code == EXIT_USAGE
    assert "--campaign" in refused.err and "not available" in refused.err
    assert "Traceback" not in refused.err


def test_a_date_that_is_not_one_is_refused(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", "http://127.0.0.1:9", "t")
    bad = voxdesk("calls", "list", *VOICE, "--date-from", "yesterday", env=env)
    assert bad.code == EXIT_USAGE
    assert "--date-from 'yesterday' is not a date" in bad.err and "Traceback" not in bad.err


def _saved_env(home: Path, token: str) -> dict[str, str]:
    """No base URL in the environment: the saved connection is used. A keyring that
    keeps nothing (the token comes from ``VOXDESK_TOKEN``)."""
    env = {k: v for k, v in os.environ.items() if k != "VOXDESK_BASE_URL"}
    return {
        **env,
        "VOXDESK_HOME": str(home),
        "VOXDESK_TOKEN": token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }


def test_connections_add_takes_the_platforms_settings(server: LocalServer, tmp_path: Path) -> None:
    env = _saved_env(tmp_path / "home", server.token)
    added = voxdesk(
        "connections", "add", "Bots", "--platform", "voicecalls",
        "--base-url", server.base_url + "/", "--token", server.token, "--activate",
        env=env,
    )  # fmt: skip
    assert added.code == EXIT_OK, added.err
    listed = voxdesk("connections", "list", env=env)
    assert f"* Bots\tvoicecalls\t{server.base_url}" in listed.out  # the model trimmed the "/"

    calls = voxdesk("calls", "list", "--state", "busy", "--limit", "1000", env=env)
    assert calls.code == EXIT_OK, calls.err
    assert len(_lines(calls.out)) == server_list(server, state="Busy")["total"]
    assert {row[4] for row in _lines(calls.out)} == {"busy"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "needs --base-url"),
        (("--base-url", "ftp://example.com"), "--base-url: Value error"),
    ],
)
def test_connections_add_refuses_bad_settings_plainly(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    env = _saved_env(tmp_path / "home", "t")
    refused = voxdesk(
        "connections", "add", "Bots", "--platform", "voicecalls", "--token", "t", *args, env=env
    )
    assert refused.code == EXIT_USAGE
    assert message in refused.err and "Traceback" not in refused.err
    assert "No saved connections" in voxdesk("connections", "list", env=env).out
