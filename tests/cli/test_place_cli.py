"""``voxdesk calls place`` as a user runs it, against a real local server with Voxpria's
simulator: one call, a CSV batch with a busy number, bad input refused before anything
is sent, and a run killed mid-request then re-run making exactly one call."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import cli_env, json_lines, voxdesk
from tests.support.local_server import LocalServer
from tests.support.voxpria_server import calls_where, voxpria_server
from tests.uploads.faulty_proxy import HOLD, Fault, FaultyProxy
from voxdesk.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from voxdesk.contracts.voxpria import BUSY_NUMBER, CALLS_PATH

AGENT = "agent_payment_reminder"


@pytest.fixture(scope="module")
def vp_server(tmp_path_factory: pytest.TempPathFactory):
    with voxpria_server(tmp_path_factory.mktemp("place-cli") / "data") as srv:
        yield srv


def _calls_for(server: LocalServer, customer: str) -> list[dict]:
    """Every call on the server placed for ``customer`` (each test uses its own name)."""
    return calls_where(server, lambda call: call["variables"].get("customerName") == customer)


def _place(customer: str, *extra: str) -> list[str]:
    return [
        "calls", "place", "--agent", AGENT,
        "--var", f"customerName={customer}", "--var", "accountNumber=48213", *extra,
    ]  # fmt: skip


def test_one_call_is_placed_and_waited_for(vp_server: LocalServer, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    result = voxdesk(*_place("Ana One", "--to", "+14155550111", "--wait", "--json"), env=env)
    assert result.code == EXIT_OK, result.err
    [line] = json_lines(result.out)
    assert line["state"] == "placed" and line["status"] == "completed"
    [call] = _calls_for(vp_server, "Ana One")
    assert call["callId"] == line["callId"] and call["status"] == "completed"


def test_a_csv_batch_with_a_busy_number_exits_1(vp_server: LocalServer, tmp_path: Path) -> None:
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "toNumber,amountDue\n+15005550001,10 dollars\n+15005550002,\n+15005550003,30 dollars\n"
    )
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    result = voxdesk(*_place("Bea Batch", "--csv", str(batch), "--wait", "--json"), env=env)
    assert result.code == EXIT_FAILED, result.err
    lines = json_lines(result.out)
    assert [line["status"] for line in lines] == ["busy", "no_answer", "failed"]
    assert all(line["state"] == "placed" for line in lines)
    calls = _calls_for(vp_server, "Bea Batch")
    assert len(calls) == 3
    amounts = {c["toNumber"]: c["variables"].get("amountDue") for c in calls}
    assert amounts == {
        BUSY_NUMBER: "10 dollars",
        "+15005550002": None,
        "+15005550003": "30 dollars",
    }


def test_without_wait_placing_is_success(vp_server: LocalServer, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    result = voxdesk(*_place("Cid Quick", "--to", BUSY_NUMBER), env=env)
    assert result.code == EXIT_OK, result.err
    assert result.out.startswith(BUSY_NUMBER) and "call_" in result.out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--to", "4155551234"], "--to"),
        (["--to", "+1415"], "--to"),
        (["--to", BUSY_NUMBER, "--var", "novalue"], "NAME=VALUE"),
        (["--csv", "missing.csv"], "cannot be read"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    vp_server: LocalServer, tmp_path: Path, args: list[str], said: str
) -> None:
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    result = voxdesk(*_place("Dee Refused", *args), env=env)
    assert result.code == EXIT_USAGE and said in result.err, result.err
    assert _calls_for(vp_server, "Dee Refused") == []


def test_a_bad_csv_row_is_named(vp_server: LocalServer, tmp_path: Path) -> None:
    batch = tmp_path / "batch.csv"
    batch.write_text("toNumber\n+15005550001\nnot a number\n")
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    result = voxdesk(*_place("Eve Rows", "--csv", str(batch)), env=env)
    assert result.code == EXIT_USAGE and "line 3" in result.err, result.err
    assert _calls_for(vp_server, "Eve Rows") == []


def test_a_refusal_by_the_platform_exits_1(vp_server: LocalServer, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", vp_server.base_url, vp_server.token)
    args = ["calls", "place", "--agent", AGENT, "--to", BUSY_NUMBER, "--json"]
    result = voxdesk(*args, env=env)
    assert result.code == EXIT_FAILED
    [line] = json_lines(result.out)
    assert line["state"] == "refused" and "customerName" in line["reason"]


async def test_a_run_killed_mid_request_and_re_run_makes_one_call(
    vp_server: LocalServer, tmp_path: Path
) -> None:
    proxy = FaultyProxy(vp_server.port, [Fault("POST", CALLS_PATH, HOLD, seconds=2.0)])
    await proxy.start()
    try:
        env = cli_env(tmp_path / "home", proxy.base_url, vp_server.token)
        args = _place("Fay Killed", "--to", BUSY_NUMBER, "--json")
        first = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "voxdesk", *args, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while proxy.count("POST", CALLS_PATH) == 0:  # the create is on its way
            assert time.monotonic() < deadline, "the first run never sent its create"
            await asyncio.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        while not _calls_for(vp_server, "Fay Killed"):  # the held create lands anyway
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)

        again = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "voxdesk", *args, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(again.communicate(), timeout=120)
    finally:
        await proxy.stop()
    assert again.returncode == EXIT_OK, err.decode()
    [line] = json_lines(out.decode())
    [call] = _calls_for(vp_server, "Fay Killed")
    assert line["state"] == "placed" and line["callId"] == call["callId"]
    assert proxy.count("POST", CALLS_PATH) == 1
