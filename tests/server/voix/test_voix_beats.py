"""The two beats, one record per callId, jobs, inference and the lifecycle extension,
against the real server fetching real recordings from a loopback file server."""

from __future__ import annotations

import uuid

import httpx

from tests.server.voix.conftest import DEMO_CALLS, RecordingServer
from tests.server.voix.voix_support import MARCO, PRIYA, TEAM, beat, wait_final

INBOUND = "support-01-modem-reset.ogg"  # "Thank you for calling Acme, my name is Priya…"
OUTBOUND = "sales-01-good-sale.ogg"  # "Hello, my name is Marco, calling from Acme…"


def test_beat_one_is_received_and_listed(team: httpx.Client) -> None:
    body = beat(outgoing=False)
    answer = team.post("/submit", json=body)
    assert answer.status_code == 202
    assert answer.json() == {"status": "received", "callId": body["callId"]}
    record = team.get(f"/calls/{body['callId']}").json()
    assert record["status"] == "received"
    assert (record["from"], record["to"], record["outgoing"]) == (body["from"], body["to"], False)
    assert record["startTime"] == "2026-06-16T09:05:35Z"
    assert (record["jobId"], record["jobs"], record["transcript"]) == (None, [], None)
    assert record["recording"] is None  # nothing to play before a recording is fetched
    assert body["callId"] in [call["callId"] for call in team.get("/calls").json()["calls"]]


def test_unknown_call_is_404(team: httpx.Client) -> None:
    response = team.get(f"/calls/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_latest_values_win(team: httpx.Client) -> None:
    first = beat(outgoing=False, userId=PRIYA, duration=10)
    assert team.post("/submit", json=first).status_code == 202
    later = {
        **first,
        "from": "+442071234567",
        "to": "+441611234567",
        "startTime": "2026-06-16T10:00:00+02:00",
        "outgoing": True,
        "userId": MARCO,
        "duration": 95,
    }
    assert team.post("/submit", json=later).json()["status"] == "received"
    record = team.get(f"/calls/{first['callId']}").json()
    assert record["from"] == "+442071234567"
    assert record["to"] == "+441611234567"
    assert record["startTime"] == "2026-06-16T08:00:00Z"
    assert (record["outgoing"], record["userId"], record["duration"]) == (True, MARCO, 95)
    assert [c["callId"] for c in team.get("/calls").json()["calls"]].count(first["callId"]) == 1


def test_two_beats_retry_and_a_new_recording(
    team: httpx.Client, recordings: RecordingServer
) -> None:
    """Beat 1, beat 2, beat 2 again (its answer lost): one job, one fetch; then a
    different recordingUrl: a second job, and the call describes the latest."""
    body = beat(outgoing=True, userId=MARCO)
    assert team.post("/submit", json=body).json()["status"] == "received"
    url = recordings.url(OUTBOUND)
    finishing = {**body, "recordingUrl": url, "duration": 34}
    first = team.post("/submit", json=finishing)
    assert first.status_code == 202
    job_id = first.json()["jobId"]
    assert first.json() == {"status": "transcribing", "callId": body["callId"], "jobId": job_id}
    retried = team.post("/submit", json=finishing)
    assert retried.status_code == 202
    assert retried.json() == first.json()
    record = wait_final(team, body["callId"])
    assert record["status"] == "completed", record["error"]
    # The retry answered the same job and transcribed nothing more.
    assert team.post("/submit", json=finishing).json()["jobId"] == job_id
    assert [job["jobId"] for job in team.get(f"/calls/{body['callId']}").json()["jobs"]] == [job_id]
    assert recordings.fetches[f"/{OUTBOUND}"] == 1
    assert record["jobId"] == job_id
    assert "broadband" in " ".join(turn["text"] for turn in record["transcript"])
    assert record["analysis"]["duration"] > 30
    # Sent values are kept, not inferred.
    assert (record["outgoing"], record["outgoingInferred"]) == (True, False)
    assert (record["userId"], record["userInferred"]) == (MARCO, False)
    assert record["duration"] == 34

    changed = team.post("/submit", json={**finishing, "recordingUrl": url + "?take=2"})
    assert changed.status_code == 202
    new_job = changed.json()["jobId"]
    assert new_job != job_id
    record = wait_final(team, body["callId"])
    assert record["jobId"] == new_job
    assert [(job["jobId"], job["status"]) for job in record["jobs"]] == [
        (job_id, "completed"),
        (new_job, "completed"),
    ]
    assert recordings.fetches[f"/{OUTBOUND}"] == 2


def test_one_beat_with_everything_infers_direction_and_agent(
    workspace: httpx.Client, recordings: RecordingServer
) -> None:
    """No ``outgoing``, no ``userId``: the opening says it (members from the local list)."""
    outbound = beat(teamId=TEAM, recordingUrl=recordings.url(OUTBOUND) + "?one-beat")
    inbound = beat(teamId=TEAM, recordingUrl=recordings.url(INBOUND))
    for body in (outbound, inbound):
        answer = workspace.post("/submit", json=body)
        assert answer.status_code == 202
        assert answer.json()["status"] == "transcribing"
    heard_out = wait_final(workspace, outbound["callId"])
    heard_in = wait_final(workspace, inbound["callId"])
    assert heard_out["status"] == heard_in["status"] == "completed"
    assert (heard_out["outgoing"], heard_out["outgoingInferred"]) == (True, True)
    assert (heard_out["userId"], heard_out["userInferred"]) == (MARCO, True)
    assert (heard_in["outgoing"], heard_in["outgoingInferred"]) == (False, True)
    assert heard_in["duration"] == round(heard_in["analysis"]["duration"])
    # The fetched recording plays from the server's own storage: signed, with Range.
    played = httpx.get(heard_in["recording"], headers={"Range": "bytes=0-99"})
    assert played.status_code == 206
    assert played.content == (DEMO_CALLS / INBOUND).read_bytes()[:100]
    assert played.headers["content-type"] == "audio/ogg"
    tampered = heard_in["recording"].replace("signature=", "signature=0")
    assert httpx.get(tampered).status_code == 403


def test_an_unreachable_recording_fails_the_job_with_the_reason(
    team: httpx.Client, recordings: RecordingServer
) -> None:
    body = beat(recordingUrl=recordings.url("missing.ogg"))
    assert team.post("/submit", json=body).status_code == 202
    record = wait_final(team, body["callId"])
    assert record["status"] == "failed"
    assert record["jobs"][0]["status"] == "failed"
    assert "404 Not Found" in record["error"]
