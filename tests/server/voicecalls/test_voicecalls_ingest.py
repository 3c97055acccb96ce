"""POST /api/v1/voice-calls (local extension): a call from a stored recording and its
metadata; the transcript comes from the offline engine, never from the caller."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS, READER
from tests.support.audio import wav_bytes
from tests.support.local_server import LocalServer
from voxdesk.contracts.voicecalls import VoiceCall
from voxdesk.server.platforms.voicecalls.demo import manifest_path

# The demo's first renewal call: bot greeting, customer "Hi, yes, this is Maria." …
SOURCE_CALL = "vc_68ce596933"
VOXXI = "/api/external/v1"


def _upload(
    server: LocalServer, content: bytes, name: str = "bot-call.ogg", kind: str = "audio/ogg"
) -> str:
    """The Voxxi upload flow: presign, PUT; returns the stored object's signed URL."""
    presign = httpx.post(
        server.base_url + VOXXI + "/calls/presigned-url",
        json={"filename": name, "contentType": kind},
        headers=server.auth,
    ).json()["data"]
    put = httpx.put(presign["presignedUrl"], content=content, headers={"Content-Type": kind})
    assert put.status_code == 200, put.text
    return presign["publicUrl"]


def _seconds(stamp: str) -> int:
    hours, minutes, seconds = (int(p) for p in stamp.split(":"))
    return hours * 3600 + minutes * 60 + seconds


@pytest.fixture(scope="module")
def recording_url(vc_server: LocalServer) -> str:
    source = manifest_path().parent / f"recordings/{SOURCE_CALL}.ogg"
    return _upload(vc_server, source.read_bytes())


def _body(recording_url: str, **changes: Any) -> dict[str, Any]:
    body = {
        "recordingUrl": recording_url,
        "campaignId": "camp_uploaded",
        "direction": "Outbound",
        "state": "Completed",
        "startTime": "2026-11-21T10:00:00Z",
        "outcome": "Renewed",
        "transcript": [{"role": "agent", "text": "ignored", "timestamp": "00:00:00"}],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.slow
def test_a_posted_call_is_transcribed_from_its_recording(
    api: httpx.Client, recording_url: str, demo_calls: list[dict[str, Any]]
) -> None:
    scripted = next(c for c in demo_calls if c["id"] == SOURCE_CALL)
    survey = scripted["epaResults"]
    response = api.post(CALLS, json=_body(recording_url, epaResults=survey), timeout=180)
    assert response.status_code == 201, response.text
    call = VoiceCall.model_validate(response.json())
    assert call.campaign_id == "camp_uploaded" and call.outcome == "Renewed"
    assert call.epa_results is not None and call.epa_results.dump() == survey
    # The recording's length and speech, not anything the caller said.
    ring_seconds = 7  # the scripted call rang this long before its recording began
    assert abs(call.duration_seconds - (scripted["durationSeconds"] - ring_seconds)) <= 1
    assert abs(call.talk_time_seconds - scripted["talkTimeSeconds"]) <= 2
    assert "ignored" not in [turn.text for turn in call.transcript]
    roles = [turn.role.value for turn in call.transcript]
    assert roles[0] == "agent" and "customer" in roles
    heard = {(t.role.value, _seconds(t.timestamp)) for t in call.transcript}
    for turn in scripted["transcript"]:
        near = {(turn["role"], _seconds(turn["timestamp"]) + d) for d in (-1, 0, 1)}
        assert heard & near, turn
    words = " ".join(turn.text for turn in call.transcript).lower()
    assert "insurance" in words or "policy" in words
    # Stored like any other call: readable, listed, its recording downloadable.
    assert api.get(f"{CALLS}/{call.id}").json() == response.json()
    listed = api.get(CALLS, params={"campaignId": "camp_uploaded"}).json()
    assert [c["id"] for c in listed["data"]] == [call.id]
    url = api.get(f"{CALLS}/{call.id}/recording-url").json()["recordingUrl"]
    assert httpx.get(url).content.startswith(b"OggS")


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"campaignId": None}, "campaignId"),
        ({"campaignId": "  "}, "campaignId"),
        ({"direction": "Up"}, "direction"),
        ({"state": "Done"}, "state"),
        ({"startTime": "soon"}, "startTime"),
        ({"outcome": 5}, "outcome"),
        ({"recordingUrl": None}, "recordingUrl"),
        ({"recordingUrl": "https://example.com/a.ogg"}, "recordingUrl"),
        ({"state": "Busy"}, "recordingUrl"),
        ({"epaResults": {"state": "Sideways"}}, "epaResults"),
    ],
)
def test_bad_metadata_is_a_400_naming_the_field(
    api: httpx.Client, recording_url: str, changes: dict[str, Any], parameter: str
) -> None:
    before = api.get(CALLS).json()["total"]
    response = api.post(CALLS, json=_body(recording_url, **changes))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["parameter"] == parameter
    assert api.get(CALLS).json()["total"] == before


def test_a_recording_url_for_nothing_stored_is_refused(
    vc_server: LocalServer, api: httpx.Client, recording_url: str
) -> None:
    missing = recording_url.replace("bot-call.ogg", "other.ogg")
    response = api.post(CALLS, json=_body(missing))
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "recordingUrl"


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400(api: httpx.Client, raw: bytes) -> None:
    response = api.post(CALLS, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_call_without_a_recording_needs_no_transcription(api: httpx.Client) -> None:
    body = _body("", campaignId="camp_unreached", state="NoAnswer", recordingUrl=None)
    response = api.post(CALLS, json=body)
    assert response.status_code == 201, response.text
    call = response.json()
    assert call["state"] == "NoAnswer" and call["transcript"] == []
    assert api.get(f"{CALLS}/{call['id']}/recording-url").status_code == 404


def test_adding_calls_needs_the_write_scope(vc_server: LocalServer, recording_url: str) -> None:
    response = httpx.post(
        vc_server.base_url + CALLS,
        json=_body(recording_url),
        headers={"Authorization": f"Bearer {READER}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["requiredScope"] == "voice:write"


def test_a_mono_recording_is_refused_for_want_of_sides(
    vc_server: LocalServer, api: httpx.Client
) -> None:
    mono = _upload(vc_server, wav_bytes(2.0, channels=1), "mono.wav", "audio/wav")
    response = api.post(CALLS, json=_body(mono), timeout=120)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == "recordingUrl" and "stereo" in error["message"]


def test_a_recording_that_does_not_decode_is_a_422(
    vc_server: LocalServer, api: httpx.Client
) -> None:
    junk = _upload(vc_server, b"OggS" + bytes(range(256)) * 16, "junk.ogg")
    response = api.post(CALLS, json=_body(junk), timeout=120)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unprocessable_recording"
    assert "could not be decoded" in error["message"]
