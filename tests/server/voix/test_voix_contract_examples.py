"""The contract's examples (``shared/api-contracts/voix-ingest.txt``), as pasted: the
beat-1 body and its answer, the beat-2 body with the stable fields re-sent, and the
one-beat call. Only the host and the recording's address differ."""

from __future__ import annotations

import json

import httpx

from tests.server.voix.conftest import RecordingServer
from tests.server.voix.voix_support import wait_final

BEAT_1 = """{
"callId": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
"from": "+31612345678",
"to": "+31201234567",
"startTime": "2026-06-16T09:05:35.000Z",
"outgoing": false
}"""
BEAT_1_ANSWER = """{ "status": "received", "callId": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed" }"""


def test_beat_one_as_pasted(team: httpx.Client) -> None:
    response = team.post("/submit", content=BEAT_1, headers={"Content-Type": "application/json"})
    assert response.status_code == 202
    assert response.json() == json.loads(BEAT_1_ANSWER)


def test_beat_two_resends_the_stable_fields(
    team: httpx.Client, recordings: RecordingServer
) -> None:
    """ "Always include from, to, startTime, and outgoing on beat 2 as well"."""
    beat_2 = {
        **json.loads(BEAT_1),
        "recordingUrl": recordings.url("support-01-modem-reset.ogg") + "?beat-2",
        "duration": 57,
    }
    response = team.post("/submit", json=beat_2)
    assert response.status_code == 202
    answer = response.json()
    assert set(answer) == {"status", "callId", "jobId"}
    assert answer["status"] == "transcribing"
    assert answer["callId"] == beat_2["callId"]
    record = wait_final(team, beat_2["callId"])
    assert record["status"] == "completed", record["error"]
    assert (record["outgoing"], record["duration"]) == (False, 57)
    assert record["startTime"] == "2026-06-16T09:05:35Z"
