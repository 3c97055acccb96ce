"""GET /api/v1/voice-calls/{id} and /epa-results: the contract's object exactly, the
transcript's timestamps where the recording has that side's speech, and the 404s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.server.voicecalls.vc_support import CALLS
from voxdesk.contracts.voicecalls import EpaResults, VoiceCall
from voxdesk.server.analysis.audio import decode_channels
from voxdesk.server.analysis.segment import frame_levels_db

CONTRACT_FIELDS = [
    "id", "campaignId", "direction", "state", "startTime", "endTime", "durationSeconds",
    "talkTimeSeconds", "outcome", "transcript", "epaResults", "createdAt",
]  # fmt: skip
EPA_FIELDS = [
    "state", "completionReason", "totalQuestions", "questionsAnswered", "calculatedScore",
    "responses",
]  # fmt: skip
# Speech is synthesised at about -6 dBFS over a -56 dBFS line hiss; a quiet word
# ("Satisfied.") still tops -40 dBFS within its first second.
SPEECH_DB = -40.0


def _by_id(demo_calls: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {call["id"]: call for call in demo_calls}


def test_every_call_is_the_contract_object_exactly(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    for expected in demo_calls:
        body = api.get(f"{CALLS}/{expected['id']}").json()
        assert list(body) == CONTRACT_FIELDS
        assert body == expected
        assert VoiceCall.model_validate(body).dump() == body
        for turn in body["transcript"]:
            assert list(turn) == ["role", "text", "timestamp"]
            assert turn["role"] in ("agent", "customer")
        if body["epaResults"] is not None:
            assert list(body["epaResults"]) == EPA_FIELDS
            for response in body["epaResults"]["responses"]:
                assert list(response) == ["question", "answer", "score"]


def test_connected_calls_have_transcript_outcome_and_talk_time(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    for call in demo_calls:
        body = api.get(f"{CALLS}/{call['id']}").json()
        if body["state"] == "Completed":
            assert body["transcript"] and body["outcome"]
            assert 0 < body["talkTimeSeconds"] < body["durationSeconds"]
        else:
            assert body["transcript"] == [] and body["talkTimeSeconds"] == 0
            assert body["outcome"] is None and body["epaResults"] is None


def test_epa_results_equal_the_inline_survey(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    with_survey = [c for c in demo_calls if c["epaResults"] is not None]
    assert len(with_survey) >= 10
    for call in with_survey:
        response = api.get(f"{CALLS}/{call['id']}/epa-results")
        assert response.status_code == 200
        assert response.json() == call["epaResults"]
        results = EpaResults.model_validate(response.json())
        assert results.questions_answered == len(results.responses) <= results.total_questions


def test_a_call_without_a_survey_has_no_epa_results(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    no_campaign_survey = next(c for c in demo_calls if c["campaignId"] == "camp_appointments")
    never_connected = next(
        c for c in demo_calls if c["campaignId"] == "camp_renewals" and c["state"] == "Busy"
    )
    for call in (no_campaign_survey, never_connected):
        response = api.get(f"{CALLS}/{call['id']}/epa-results")
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "not_found" and call["id"] in error["message"]


@pytest.mark.parametrize(
    "path", ["vc_unknown", "vc_unknown/epa-results", "vc_unknown/recording-url", "%20"]
)
def test_an_unknown_call_is_a_json_404(api: httpx.Client, path: str) -> None:
    response = api.get(f"{CALLS}/{path}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_calls_that_never_connected_have_no_recording(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    unconnected = [c for c in demo_calls if c["state"] != "Completed"]
    assert {c["state"] for c in unconnected} == {"Busy", "NoAnswer", "Failed"}
    for call in unconnected:
        response = api.get(f"{CALLS}/{call['id']}/recording-url")
        assert response.status_code == 404
        assert call["state"] in response.json()["error"]["message"]


def _download(api: httpx.Client, call_id: str, target: Path) -> Path:
    url = api.get(f"{CALLS}/{call_id}/recording-url").json()["recordingUrl"]
    target.write_bytes(httpx.get(url).raise_for_status().content)
    return target


def test_transcript_timestamps_match_the_recording(
    api: httpx.Client, demo_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Each turn's side is speaking within a second of its timestamp, on its channel
    (agent = bot = channel 0, customer = channel 1), and the talk time spans the speech."""
    completed = [c for c in demo_calls if c["state"] == "Completed"]
    assert len(completed) >= 15
    for call in completed:
        audio = decode_channels(_download(api, call["id"], tmp_path / f"{call['id']}.ogg"))
        assert len(audio.channels) == 2
        levels = [frame_levels_db(samples) for samples in audio.channels]
        for turn in call["transcript"]:
            hours, minutes, seconds = (int(p) for p in turn["timestamp"].split(":"))
            first = (hours * 3600 + minutes * 60 + seconds) * 100
            channel = 0 if turn["role"] == "agent" else 1
            own = levels[channel][first : first + 100]
            other = levels[1 - channel][first : first + 100]
            # That side speaks, on its own channel, louder than the other side there.
            assert np.any((own > SPEECH_DB) & (own > other + 10)), (call["id"], turn)
        speaking = np.flatnonzero(np.maximum(levels[0], levels[1]) > SPEECH_DB)
        heard = (speaking[-1] - speaking[0]) / 100
        assert abs(call["talkTimeSeconds"] - heard) <= 1.5, (call["id"], heard)
        assert call["durationSeconds"] >= round(audio.duration)
