"""The contract's curl examples (shared/api-contracts/voxpria-calls.txt) work as pasted,
run by a real ``curl`` in a shell, with only the host, the key and the ids changed; and
the answers have the shape of the contract's response examples.

The blocks below are copied verbatim from the contract.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest

from tests.server.voxpria.vp_support import AGENT, follow
from tests.support.local_server import LocalServer

TRIGGER = """\
curl -X POST "https://app.voxpria.com/api/v1/calls" \\
  -H "Authorization: Bearer YOUR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agentId": "agent_abc123",
    "toNumber": "+14155551234",
    "variables": {
      "customerName": "John Doe",
      "accountNumber": "12345"
    }
  }'
"""
TRIGGER_RESPONSE = """\
{
  "success": true,
  "data": {
    "callId": "call_xyz789",
    "status": "queued",
    "toNumber": "+14155551234",
    "agentId": "agent_abc123",
    "createdAt": "2025-02-09T12:00:00Z"
  }
}
"""
DETAILS = """\
curl -X GET "https://app.voxpria.com/api/v1/calls/call_xyz789" \\
  -H "Authorization: Bearer YOUR_API_KEY"
"""
DETAILS_RESPONSE = """\
{
  "success": true,
  "data": {
    "callId": "call_xyz789",
    "status": "completed",
    "duration": 127,
    "recording": "https://...",
    "transcript": "...",
    "outcome": "successful",
    "startedAt": "2025-02-09T12:00:00Z",
    "completedAt": "2025-02-09T12:02:07Z"
  }
}
"""
LIST = """\
curl -X GET "https://app.voxpria.com/api/v1/calls?page=1&limit=50" \\
  -H "Authorization: Bearer YOUR_API_KEY"
"""

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl program")


def _run(example: str, server: LocalServer, **ids: str) -> dict:
    command = example.replace("https://app.voxpria.com", server.base_url)
    command = command.replace("YOUR_API_KEY", server.token)
    for old, new in ids.items():
        command = command.replace(old, new)
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def _shape(value: object) -> object:
    """The keys of every object, recursively; types of the leaves."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return type(value).__name__


def test_trigger_then_details_then_list(vp_server: LocalServer, api: httpx.Client) -> None:
    created = _run(TRIGGER, vp_server, agent_abc123=AGENT)
    assert _shape(created) == _shape(json.loads(TRIGGER_RESPONSE))
    call_id = created["data"]["callId"]
    assert created["data"]["toNumber"] == "+14155551234"
    assert created["data"]["status"] == "queued"

    follow(api, call_id)
    details = _run(DETAILS, vp_server, call_xyz789=call_id)
    contract = json.loads(DETAILS_RESPONSE)
    # The contract's fields come first, with the contract's types; local extensions follow.
    assert list(details) == list(contract)
    assert list(details["data"])[: len(contract["data"])] == list(contract["data"])
    for name, example in contract["data"].items():
        assert type(details["data"][name]) is type(example), name
    assert details["data"]["status"] == "completed"
    assert "John Doe" in details["data"]["transcript"]
    assert "12345" in details["data"]["transcript"]

    listed = _run(LIST, vp_server)
    assert listed["success"] is True and listed["page"] == 1 and listed["limit"] == 50
    assert call_id in [call["callId"] for call in listed["data"]]
