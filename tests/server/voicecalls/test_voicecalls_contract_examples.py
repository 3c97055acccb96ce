"""The contract's request examples (shared/api-contracts/voice-calls.txt, "Recording
Download Flow") work as pasted, with only the host, the ids and the token changed.

The block below is copied verbatim from the contract. Each request line is sent as
written: ``<token>`` becomes the server's token, ``vc_abc123`` a demo call, and a
``https://storage.blob.core.windows.net/...`` URL the one step 2 answered.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.support.local_server import LocalServer
from voxdesk.contracts.voicecalls import RecordingUrl, VoiceCall, VoiceCallPage

CONTRACT_FLOW = """\
# 1. Get voice call list
GET /api/v1/voice-calls?state=Completed&direction=Outbound
Authorization: Bearer <token>

# 2. Request a recording SAS URL (valid for 15 minutes)
GET /api/v1/voice-calls/vc_abc123/recording-url
Authorization: Bearer <token>

Response:
{
  "recordingUrl": "https://storage.blob.core.windows.net/recordings/vc_abc123.wav?sv=...&se=...",
  "expiresAt": "2024-01-15T10:45:00Z"
}

# 3. Download the recording (no auth required, URL is pre-signed)
GET https://storage.blob.core.windows.net/recordings/vc_abc123.wav?sv=...&se=...
"""
CONTRACT_OBJECT = """\
{
  "id": "vc_abc123",
  "campaignId": "camp_456",
  "direction": "Outbound",
  "state": "Completed",
  "startTime": "2024-01-15T10:30:00Z",
  "endTime": "2024-01-15T10:35:12Z",
  "durationSeconds": 312,
  "talkTimeSeconds": 287,
  "outcome": "Successful",
  "transcript": [
    { "role": "agent", "text": "Hello, this is...", "timestamp": "00:00:01" },
    { "role": "customer", "text": "Hi, yes...", "timestamp": "00:00:04" }
  ],
  "epaResults": {
    "state": "Completed",
    "completionReason": "AllAnswered",
    "totalQuestions": 3,
    "questionsAnswered": 3,
    "calculatedScore": 85.5,
    "responses": [
      { "question": "How satisfied are you?", "answer": "Very satisfied", "score": 5 }
    ]
  },
  "createdAt": "2024-01-15T10:30:00Z"
}
"""
CONTRACT_ENDPOINTS = [
    "GET /api/v1/voice-calls?state=Completed&direction=Outbound",
    "GET /api/v1/voice-calls/vc_abc123",
    "GET /api/v1/voice-calls/vc_abc123/recording-url",
    "GET /api/v1/voice-calls/vc_abc123/epa-results",
]


def _requests(block: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, target, headers) of each request in a pasted block."""
    requests: list[tuple[str, str, dict[str, str]]] = []
    for line in block.splitlines():
        if match := re.match(r"^(GET|POST) (\S+)$", line):
            requests.append((match[1], match[2], {}))
        elif (match := re.match(r"^([A-Za-z-]+): (.+)$", line)) and requests:
            requests[-1][2][match[1]] = match[2]
    return requests


def _send(server: LocalServer, method: str, target: str, headers: dict[str, str], **ids: str):
    for example, real in ids.items():
        target = target.replace(example, real)
    headers = {k: v.replace("<token>", server.token) for k, v in headers.items()}
    url = target if target.startswith("http") else server.base_url + target
    return httpx.request(method, url, headers=headers)


def test_the_recording_download_flow_works_as_pasted(vc_server: LocalServer) -> None:
    steps = _requests(CONTRACT_FLOW)
    assert [method for method, _, _ in steps] == ["GET", "GET", "GET"]

    method, target, headers = steps[0]
    listing = _send(vc_server, method, target, headers)
    assert listing.status_code == 200
    page = VoiceCallPage.model_validate(listing.json())
    assert page.total > 0
    assert {(c.state.value, c.direction.value) for c in page.data} == {("Completed", "Outbound")}
    call_id = page.data[0].id

    method, target, headers = steps[1]
    signed = _send(vc_server, method, target, headers, vc_abc123=call_id)
    assert signed.status_code == 200
    recording = RecordingUrl.model_validate(signed.json())

    method, target, headers = steps[2]
    assert headers == {}  # "no auth required"
    example_url = "https://storage.blob.core.windows.net/recordings/vc_abc123.wav?sv=...&se=..."
    download = _send(vc_server, method, target, headers, **{example_url: recording.recording_url})
    assert download.status_code == 200
    assert download.content.startswith(b"OggS")


def test_every_endpoint_of_the_table_answers_as_listed(
    vc_server: LocalServer, demo_calls: list[dict[str, Any]]
) -> None:
    with_survey = next(c for c in demo_calls if c["epaResults"] and c["direction"] == "Outbound")
    for line in CONTRACT_ENDPOINTS:
        method, target = line.split(" ", 1)
        auth = {"Authorization": "Bearer <token>"}
        response = _send(vc_server, method, target, auth, vc_abc123=with_survey["id"])
        assert response.status_code == 200, (line, response.text)


def test_the_contract_models_read_and_write_the_contracts_examples_exactly() -> None:
    """The shared wire models (used by this server and the client) give back the
    contract's voice-call object and recording-URL response key for key, in order."""
    example = json.loads(CONTRACT_OBJECT)
    dumped = VoiceCall.model_validate(example).dump()
    assert json.dumps(dumped) == json.dumps(example)
    response = json.loads(CONTRACT_FLOW.split("Response:\n", 1)[1].split("\n}\n", 1)[0] + "}")
    assert RecordingUrl.model_validate(response).dump() == response
