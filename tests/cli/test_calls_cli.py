"""``voxdesk calls list|show`` as a user runs them, against the real local server: exit
codes when the platform cannot be asked, names and placeholders, the terminal header."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import CATEGORY, MEMBER, cli_env, json_lines, upload_args, voxdesk
from tests.support.audio import make_wav
from tests.support.local_server import LocalServer, wait_for_call
from voxdesk.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE
from voxdesk.cli.render import LIST_HEADER
from voxdesk.services.formatting import PLACEHOLDER

#: A loopback port nothing listens on (the discard port).
CLOSED = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def completed_call(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("calls-cli")
    wav = make_wav(folder / "call.wav", 1.0)
    env = cli_env(folder / "home", server.base_url, server.token)
    result = voxdesk(*upload_args(wav, extra=("--wait", "--json")), env=env)
    assert result.code == EXIT_OK, result.err
    [line] = json_lines(result.out)
    return line["callId"]


@pytest.fixture(scope="module")
def failed_call(server: LocalServer) -> str:
    """A call whose recording cannot be fetched: it fails, with no score or outcome."""
    response = httpx.post(
        server.api("/calls"),
        headers=server.auth,
        json={
            "memberId": MEMBER,
            "categoryId": CATEGORY,
            "audio_url": f"{CLOSED}/missing.wav",
        },
    )
    response.raise_for_status()
    call_id = response.json()["data"]["callId"]
    assert wait_for_call(server, call_id)["status"] == "failed"
    return call_id


def test_a_refused_token_exits_non_zero_and_still_prints_cached_calls(
    server: LocalServer, completed_call: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    listed = voxdesk("calls", "list", env=cli_env(home, server.base_url, server.token))
    assert listed.code == EXIT_OK, listed.err
    assert completed_call in listed.out

    refused = voxdesk("calls", "list", env=cli_env(home, server.base_url, "not-the-token"))
    assert refused.code == EXIT_REFUSED
    assert completed_call in refused.out  # the cached rows still print...
    assert "could not be asked" in refused.err  # ...with a warning that says why
    assert "may be out of date" in refused.err


def test_an_unreachable_platform_exits_non_zero_not_no_calls(tmp_path: Path) -> None:
    result = voxdesk("calls", "list", env=cli_env(tmp_path / "home", CLOSED, "t"))
    assert result.code == EXIT_UNREACHABLE
    assert "No calls." not in result.out
    assert "could not be asked" in result.err


def _row(out: str, call_id: str) -> list[str]:
    [row] = [line.split("\t") for line in out.splitlines() if line.startswith(call_id)]
    return row


def _facts(out: str) -> dict[str, str]:
    facts = {}
    for line in out.splitlines()[1:]:
        label, sep, value = line.strip().partition(": ")
        if sep and line.startswith("  ") and not line.startswith("    "):
            facts[label] = value
    return facts


def test_show_names_agent_and_category_as_list_does(
    server: LocalServer, completed_call: str, tmp_path: Path
) -> None:
    # A fresh home: ``show`` has no list behind it to have learned the names from.
    show = voxdesk(
        "calls", "show", completed_call, env=cli_env(tmp_path / "a", server.base_url, server.token)
    )
    listing = voxdesk("calls", "list", env=cli_env(tmp_path / "b", server.base_url, server.token))
    assert show.code == listing.code == EXIT_OK, show.err + listing.err
    row, facts = _row(listing.out, completed_call), _facts(show.out)
    assert (facts["Agent"], facts["Category"]) == (row[2], row[3])
    assert facts["Agent"] == "Dana" and facts["Category"] != CATEGORY


def test_missing_values_get_the_same_placeholder_in_list_and_show(
    server: LocalServer, failed_call: str, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    listing, show = (
        voxdesk("calls", "list", env=env),
        voxdesk("calls", "show", failed_call, env=env),
    )
    assert listing.code == show.code == EXIT_OK, listing.err + show.err
    row, facts = _row(listing.out, failed_call), _facts(show.out)
    # Duration, score and outcome are unknown for a call that failed.
    assert row[4:7] == [PLACEHOLDER] * 3
    assert [facts["Duration"], facts["Score"], facts["Outcome"]] == [PLACEHOLDER] * 3
    assert "-" not in row[1:7]


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run ``voxdesk`` with its stdout on a pseudo-terminal; returns what it printed."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "voxdesk", *args], env=env, stdout=secondary, stderr=subprocess.PIPE
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == EXIT_OK, process.stderr.read()
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_list_prints_a_header_row_on_a_terminal_only(
    server: LocalServer, completed_call: str, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    shown = _on_a_terminal(["calls", "list"], env).splitlines()
    assert shown[0].split() == " ".join(LIST_HEADER).split()
    assert any(line.startswith(completed_call) for line in shown[1:])

    piped = voxdesk("calls", "list", env=env).out.splitlines()
    assert all(line.startswith("call_") for line in piped)  # no header when piped
    assert any(line.startswith(completed_call) for line in piped)
