"""``voxdesk upload`` as a user runs it: a file already uploaded is said to be so, the JSON
lines carry the platform's view of the call, ``--wait`` shows the analysis moving on,
and mistakes on the command line are refused before anything is uploaded."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import cli_env, json_lines, upload_args, voxdesk
from tests.support.audio import make_wav
from tests.support.local_server import LocalServer, wait_for_call
from voxdesk.cli.common import EXIT_ALREADY_UPLOADED, EXIT_OK, EXIT_USAGE

SPEECH = "thank you for calling acme, my name is sam, how can I help you today"


def _total_calls(server: LocalServer) -> int:
    response = httpx.get(server.api("/calls"), headers=server.auth)
    response.raise_for_status()
    return response.json()["total"]


def test_a_file_already_uploaded_is_reported_not_silently_returned(
    server: LocalServer, tmp_path: Path
) -> None:
    wav = make_wav(tmp_path / "call.wav", 1.0, tone_hz=520)
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    first = voxdesk(*upload_args(wav, extra=("--date", "2024-01-05", "--json")), env=env)
    assert first.code == EXIT_OK, first.err
    [line] = json_lines(first.out)
    call_id = line["callId"]
    assert wait_for_call(server, call_id)["status"] == "completed"

    # The date was wrong; run again with the right one.
    again = voxdesk(*upload_args(wav, extra=("--date", "2024-02-01", "--json")), env=env)
    assert again.code == EXIT_ALREADY_UPLOADED
    [line] = json_lines(again.out)
    assert line["state"] == "already_uploaded" and line["callId"] == call_id
    assert line["status"] == "completed"  # what the platform says now, not "processing"
    assert line["date"].startswith("2024-01-05")
    assert f"already uploaded as call {call_id} with date 2024-01-05" in again.err
    assert "--again" in again.err

    # Asked to, it uploads the file again: a new call, with the new date.
    forced = voxdesk(
        *upload_args(wav, extra=("--date", "2024-02-01", "--again", "--json")), env=env
    )
    assert forced.code == EXIT_OK, forced.err
    [line] = json_lines(forced.out)
    assert line["callId"] not in (None, call_id)
    analysis = wait_for_call(server, line["callId"])
    assert analysis["status"] == "completed"


def test_json_lines_carry_the_platform_status_and_score_and_wait_shows_progress(
    server: LocalServer, tmp_path: Path
) -> None:
    # Speech, so the analysis has something to score.
    wav = tmp_path / "call.wav"
    subprocess.run(["flite", "-voice", "awb", "-t", SPEECH, "-o", str(wav)], check=True)
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    result = voxdesk(*upload_args(wav, extra=("--wait", "--json")), env=env)
    assert result.code == EXIT_OK, result.err
    [line] = json_lines(result.out)
    analysis = wait_for_call(server, line["callId"])
    assert line["state"] == "done"
    assert line["status"] == "completed"
    assert line["score"] == analysis["analysis"]["score"] is not None
    # While waiting, stderr said where the analysis was.
    assert f"call {line['callId']} is" in result.err
    assert "waiting for its analysis" in result.err

    # Without --wait, the line still says what the platform says of the new call.
    other = make_wav(tmp_path / "other.wav", 1.0, tone_hz=660)
    result = voxdesk(*upload_args(other, extra=("--json",)), env=env)
    assert result.code == EXIT_OK, result.err
    [line] = json_lines(result.out)
    assert line["state"] == "processing" and line["status"] in ("pending", "processing")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--missing",), "no such file: {missing}"),
        (("--base-url", "localhost:8000"), "--base-url 'localhost:8000' is not a URL"),
        (("--date", "2024-31-12"), "--date: '2024-31-12' is not a real date"),
        (("--date", "next tuesday"), "--date: 'next tuesday' is not a date in an accepted format"),
    ],
)
def test_command_line_mistakes_are_refused_before_anything_is_uploaded(
    server: LocalServer, tmp_path: Path, extra: tuple[str, ...], says: str
) -> None:
    wav = make_wav(tmp_path / "call.wav", 1.0, tone_hz=700)
    missing = tmp_path / "nope.wav"
    home = tmp_path / "home"
    before = _total_calls(server)
    args = upload_args(wav, missing) if extra == ("--missing",) else upload_args(wav, extra=extra)
    result = voxdesk(*args, env=cli_env(home, server.base_url, server.token))
    assert result.code == EXIT_USAGE
    assert says.format(missing=missing) in result.err
    assert "Traceback" not in result.err and result.out == ""
    assert _total_calls(server) == before
    queue = home / "data" / "uploads.sqlite3"
    if queue.exists():
        db = sqlite3.connect(queue)
        assert db.execute("SELECT count(*) FROM upload_jobs").fetchone() == (0,)
        db.close()
