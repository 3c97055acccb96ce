"""``voxdesk voix send --csv``, run as a user runs it, against the real server: a
three-row call log (one row without a recording), re-run after that row gains its
recording; refused rows are reported with the reason and make the exit status 1."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import httpx

from tests.cli.conftest import cli_env, voxdesk
from tests.server.voix.conftest import (
    DEMO_CALLS,
    RecordingServer,
    recordings,
    voix_server,
    workspace,
)
from tests.server.voix.voix_support import MARCO, TEAM, TEAM_KEY, WORKSPACE_KEY, wait_final
from tests.support.local_server import LocalServer

__all__ = ["recordings", "voix_server", "workspace"]  # fixtures shared with the server tests

HEADER = ["from", "to", "startTime", "outgoing", "duration", "userId", "recordingUrl"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_a_call_log_is_sent_once_and_a_rerun_sends_what_is_new(
    voix_server: LocalServer,
    workspace: httpx.Client,
    recordings: RecordingServer,
    tmp_path: Path,
) -> None:
    env = cli_env(tmp_path / "home", voix_server.base_url, TEAM_KEY)
    first = recordings.url("support-01-modem-reset.ogg") + "?cli-1"
    second = recordings.url("sales-01-good-sale.ogg") + "?cli-2"
    rows = [
        ["+31612345678", "+31201234567", "2026-06-16T09:05:35Z", "false", "57", "", first],
        ["+31612345679", "+31201234567", "2026-06-16T10:00:00Z", "true", "34", MARCO, second],
        ["+31612345670", "+31201234567", "2026-06-16T11:00:00Z", "false", "", "", ""],
    ]
    log = _write(tmp_path / "calls.csv", rows)

    sent = voxdesk("voix", "send", "--csv", str(log), env=env)
    assert sent.code == 0, sent.err
    lines = sent.out.splitlines()
    assert lines[0].startswith("line 2: sent the finishing beat (callId ")
    assert ", job " in lines[0]
    assert lines[1].startswith("line 3: sent the finishing beat")
    assert lines[2].startswith("line 4: sent beat 1 (callId ")
    assert lines[-1] == "3 of 3 row(s) went through."
    third_id = lines[2].split("callId ")[1].rstrip(")")
    assert workspace.get(f"/calls/{third_id}").json()["status"] == "received"

    rows[2][-1] = recordings.url("support-01-modem-reset.ogg") + "?cli-3"
    rows[2][4] = "57"
    _write(log, rows)
    again = voxdesk("voix", "send", "--csv", str(log), env=env)
    assert again.code == 0, again.err
    lines = again.out.splitlines()
    assert lines[0].startswith("line 2: skipped, the finishing beat was already sent")
    assert lines[1].startswith("line 3: skipped")
    assert lines[2].startswith(f"line 4: sent the finishing beat (callId {third_id}, job ")
    record = workspace.get(f"/calls/{third_id}").json()
    assert record["status"] in ("transcribing", "completed")
    assert len(record["jobs"]) == 1 and record["duration"] == 57

    once_more = voxdesk("voix", "send", "--csv", str(log), env=env)
    assert once_more.code == 0
    assert [
        line.split(":")[1].strip().split(",")[0] for line in once_more.out.splitlines()[:3]
    ] == ["skipped"] * 3


def test_refused_rows_are_reported_and_fail_the_run(
    voix_server: LocalServer, workspace: httpx.Client, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", voix_server.base_url, WORKSPACE_KEY)
    log = _write(
        tmp_path / "calls.csv",
        [
            ["+31612345678", "+31201234567", "2026-06-17T09:00:00Z", "maybe", "", "", ""],
            ["+31612345678", "+31201234567", "2026-06-17T09:30:00Z", "", "12.5", "", ""],
            ["+31612345678", "+31201234567", "2026-06-17T10:00:00Z", "true", "", "", ""],
        ],
    )
    without_team = voxdesk("voix", "send", "--csv", str(log), "--key-kind", "workspace", env=env)
    assert without_team.code == 2
    assert "workspace-wide key needs the team id" in without_team.err

    run = voxdesk(
        "voix", "send", "--csv", str(log), "--key-kind", "workspace", "--team-id", TEAM, env=env
    )
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0] == (
        "line 2: refused: outgoing: must be true or false (a JSON boolean), got 'maybe'."
    )
    assert lines[1].startswith("line 3: refused: duration: must be a whole number of seconds")
    assert lines[2].startswith("line 4: sent beat 1 (callId ")
    assert lines[-1] == "1 of 3 row(s) went through."
    call_id = lines[2].split("callId ")[1].rstrip(")")
    assert workspace.get(f"/calls/{call_id}").json()["teamId"] == TEAM


def test_a_file_that_is_not_a_call_log_is_a_usage_error(
    voix_server: LocalServer, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", voix_server.base_url, TEAM_KEY)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("caller,callee\n+31612345678,+31201234567\n")
    result = voxdesk("voix", "send", "--csv", str(wrong), env=env)
    assert result.code == 2
    assert "has no from, to, startTime column(s)" in result.err
    missing = voxdesk("voix", "send", "--csv", str(tmp_path / "nope.csv"), env=env)
    assert missing.code == 2 and "cannot be read" in missing.err


def test_recording_files_are_staged_once_on_the_local_server(
    voix_server: LocalServer, workspace: httpx.Client, tmp_path: Path
) -> None:
    """A workspace key is the local server's own token, so it stages files too; a team
    key has nowhere to stage them, and the row says so."""
    shutil.copy(DEMO_CALLS / "support-01-modem-reset.ogg", tmp_path / "call-1.ogg")
    (tmp_path / "notes.ogg").write_text("not audio at all")
    with (tmp_path / "calls.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "startTime", "outgoing", "recording"])
        writer.writerow(
            ["+31612345678", "+31201234567", "2026-06-18T09:00:00Z", "false", "call-1.ogg"]
        )
        writer.writerow(
            ["+31612345678", "+31201234567", "2026-06-18T09:30:00Z", "false", "notes.ogg"]
        )
    log = tmp_path / "calls.csv"

    team_env = cli_env(tmp_path / "team-home", voix_server.base_url, TEAM_KEY)
    by_team = voxdesk("voix", "send", "--csv", str(log), env=team_env)
    assert by_team.code == 1
    assert "line 2: refused: a recording file must first be staged" in by_team.out

    env = cli_env(tmp_path / "home", voix_server.base_url, WORKSPACE_KEY)
    args = ("voix", "send", "--csv", str(log), "--key-kind", "workspace", "--team-id", TEAM)
    sent = voxdesk(*args, env=env)
    assert sent.code == 1, sent.err
    lines = sent.out.splitlines()
    assert lines[0].startswith("line 2: sent the finishing beat (callId ")
    assert lines[1].startswith("line 3: refused: notes.ogg: ")
    call_id = lines[0].split("callId ")[1].split(",")[0]
    record = wait_final(workspace, call_id)
    assert record["status"] == "completed", record["error"]
    assert record["jobs"][0]["recordingUrl"].startswith(f"{voix_server.base_url}/storage/")

    again = voxdesk(*args, env=env)
    assert again.out.splitlines()[0].startswith("line 2: skipped, the finishing beat was already")
    assert len(workspace.get(f"/calls/{call_id}").json()["jobs"]) == 1
