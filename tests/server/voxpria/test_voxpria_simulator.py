"""The telephony simulator on a real server: the test numbers end as documented with no
recording; an answered call rings, talks and completes with a recording that plays, the
transcript of its filled-in script, a consistent duration and an analysis by the local
engine; and no more calls than the cap are ever on the lines at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.server.voxpria.vp_support import (
    ANSWERING,
    CALLS,
    FINAL,
    assert_error,
    follow,
    place,
)
from tests.support.local_server import LocalServer
from voxdesk.contracts.voxpria import BUSY_NUMBER, FAILED_NUMBER, NO_ANSWER_NUMBER
from voxdesk.server.analysis.audio import decode_channels
from voxdesk.server.platforms.voxpria.agents import load_agents

ROOT = Path(__file__).resolve().parents[3]
ANALYSIS_TIMEOUT = 240.0
ACTIVE = {"ringing", "in_progress"}
#: Synthesising or scoring a call takes seconds of CPU; an answer while they run must
#: not wait for them.
SLOWEST_ANSWER = 0.5


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("number", "status"),
    [(BUSY_NUMBER, "busy"), (NO_ANSWER_NUMBER, "no_answer"), (FAILED_NUMBER, "failed")],
)
def test_each_test_number_ends_in_its_status_without_a_recording(
    api: httpx.Client, number: str, status: str
) -> None:
    call, seen = follow(api, place(api, number)["callId"])
    assert call["status"] == status
    assert "ringing" in seen, seen
    assert call["recording"] is None and call["transcript"] is None
    assert call["turns"] == [] and call["analysisStatus"] is None
    assert call["startedAt"] and call["completedAt"]
    assert _time(call["startedAt"]) <= _time(call["completedAt"])
    assert call["duration"] == round(
        (_time(call["completedAt"]) - _time(call["startedAt"])).total_seconds()
    )
    if status == "failed":
        assert "not in service" in call["failureReason"]
    else:
        assert call["failureReason"] is None
    assert_error(api.get(f"{CALLS}/{call['callId']}/analysis"), 404, "not_found")


def _wait_for_analysis(api: httpx.Client, call_id: str, latencies: list[float]) -> dict:
    deadline = time.monotonic() + ANALYSIS_TIMEOUT
    while True:
        asked = time.monotonic()
        response = api.get(f"{CALLS}/{call_id}/analysis")
        latencies.append(time.monotonic() - asked)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        if data["status"] != "pending":
            return data
        assert time.monotonic() < deadline, "the call was not scored in time"
        time.sleep(0.5)


def test_an_answered_call_rings_talks_and_completes_with_everything(
    api: httpx.Client, tmp_path: Path
) -> None:
    variables = {
        "customerName": "Maria Lopez",
        "accountNumber": "48213",
        "amountDue": "forty two dollars",
    }
    created = place(api, ANSWERING, variables=variables)
    # Synthesis (while ringing) and scoring (after) must not hold up the event loop.
    latencies: list[float] = []
    call, seen = follow(api, created["callId"], latencies=latencies)
    assert seen[-3:] == ["ringing", "in_progress", "completed"], seen
    assert seen[0] in ("queued", "ringing")

    # The transcript: the agent's script with the variables filled in, and the replies.
    transcript = call["transcript"]
    for value in variables.values():
        assert value in transcript
    assert "{" not in transcript and "}" not in transcript
    lines = transcript.splitlines()
    assert lines[0].startswith("Agent: Hello Maria Lopez")
    assert any(line.startswith("Customer: ") for line in lines)
    assert [f"{t['role'].capitalize()}: {t['text']}" for t in call["turns"]] == lines
    scenarios = {s.outcome for s in load_agents()[created["agentId"]].config.scenarios}
    assert call["outcome"] in scenarios

    # Times: duration is completedAt − startedAt, and the recording lasts as long.
    started, completed = _time(call["startedAt"]), _time(call["completedAt"])
    assert abs(call["duration"] - (completed - started).total_seconds()) <= 1
    assert _time(call["createdAt"]) <= started

    # The recording plays: served without the key, seekable, stereo, speech on each side.
    url = call["recording"]
    whole = httpx.get(url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "audio/ogg"
    part = httpx.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.content == whole.content[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(whole.content)}"
    # ... and the app's own player (QMediaPlayer, FFmpeg) plays it, in a child process.
    played = subprocess.run(
        [sys.executable, "-m", "tests.support.play_url", url],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "error=''" in played.stdout, played.stdout + played.stderr
    assert float(re.search(r"position=([\d.]+)", played.stdout).group(1)) > 0.1
    recording = tmp_path / "call.ogg"
    recording.write_bytes(whole.content)
    audio = decode_channels(recording)
    assert len(audio.channels) == 2
    assert abs(audio.duration - call["duration"]) <= 1.5
    rate = len(audio.channels[0]) / audio.duration
    for turn in call["turns"]:
        assert 0 <= turn["start"] < turn["end"] <= audio.duration
        own = 0 if turn["role"] == "agent" else 1
        span = slice(round(turn["start"] * rate), round(turn["end"] * rate))
        loudness = [float(np.sqrt(np.mean(ch[span].astype(float) ** 2))) for ch in audio.channels]
        assert loudness[own] > 5 * loudness[1 - own], (turn, loudness)

    # Then it is scored by the local engine with the agent's scorecard.
    analysis = _wait_for_analysis(api, created["callId"], latencies)
    assert analysis["status"] == "completed", analysis
    assert analysis["scorecardId"] == "voxpria-payment-reminder"
    result = analysis["analysis"]
    assert result is not None and 0 <= result["score"] <= 100
    assert result["sections"] and result["transcript"]
    assert {turn["speaker"] for turn in result["transcript"]} == {"agent", "customer"}
    assert api.get(f"{CALLS}/{created['callId']}").json()["data"]["analysisStatus"] == "completed"
    assert max(latencies) < SLOWEST_ANSWER, f"the API stalled {max(latencies):.2f} s"


def test_the_same_number_always_answers_the_same_way() -> None:
    agent = load_agents()["agent_payment_reminder"].config
    outcomes = {agent.scenario_for(f"+1415555{n:04d}")[0].outcome for n in range(40)}
    assert len(outcomes) == len(agent.scenarios) > 1, "some scenario is never picked"
    first = agent.dialogue(ANSWERING, {"customerName": "A", "accountNumber": "1"})
    assert agent.dialogue(ANSWERING, {"customerName": "A", "accountNumber": "1"}) == first


# the concurrency cap

CAP = 2


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data = tmp_path_factory.mktemp("voxpria-capped") / "data"
    args = ["--no-demo", "--workers", "1", "--max-concurrent-calls", str(CAP)]
    with (
        LocalServer(data, extra_args=args) as server,
        httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30) as http,
    ):
        yield http


def test_no_more_calls_than_the_cap_are_on_the_lines(capped: httpx.Client) -> None:
    numbers = [BUSY_NUMBER, NO_ANSWER_NUMBER, FAILED_NUMBER] * 2
    placed = {place(capped, number)["callId"] for number in numbers}
    most_active = 0
    waited_at_cap = False
    deadline = time.monotonic() + 120
    while True:
        calls = [c for c in capped.get(CALLS).json()["data"] if c["callId"] in placed]
        statuses = [c["status"] for c in calls]
        active = sum(status in ACTIVE for status in statuses)
        most_active = max(most_active, active)
        assert active <= CAP, statuses
        waited_at_cap |= active == CAP and "queued" in statuses
        if all(status in FINAL for status in statuses):
            break
        assert time.monotonic() < deadline, statuses
        time.sleep(0.03)
    assert most_active == CAP
    assert waited_at_cap, "no call ever waited queued while the lines were full"


# a server stopped mid-call


@pytest.mark.parametrize("kill", [False, True], ids=["stopped", "killed"])
def test_a_restart_drops_the_calls_on_the_lines_and_dials_the_queued(
    tmp_path: Path, kill: bool
) -> None:
    # One slow line: the answered call holds it (ringing, then talking) while the busy
    # one waits queued behind it.
    args = ["--no-demo", "--workers", "1", "--max-concurrent-calls", "1"]
    with LocalServer(tmp_path / "data", extra_args=[*args, "--call-time-scale", "3"]) as server:
        with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30) as http:
            talking = place(http, ANSWERING)["callId"]
            waiting = place(http, BUSY_NUMBER)["callId"]
            deadline = time.monotonic() + 30
            while http.get(f"{CALLS}/{talking}").json()["data"]["status"] not in ACTIVE:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert http.get(f"{CALLS}/{waiting}").json()["data"]["status"] == "queued"
        server.extra_args = [*args, "--call-time-scale", "0.1"]
        server.restart(kill=kill)
        with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30) as http:
            dropped, _ = follow(http, talking, timeout=10)
            assert dropped["status"] == "failed" and dropped["recording"] is None
            assert "stopped during this call" in dropped["failureReason"]
            dialled, _ = follow(http, waiting, timeout=60)
            assert dialled["status"] == "busy"
