"""Keys, teams, members and helpers the VOIX server tests share."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

WORKSPACE_KEY = "voix-workspace-key-0123456789"
TEAM = "2f1d5c34-0c2e-4a57-9d6e-3c1f6b8e2a11"
OTHER_TEAM = "7c0e9a52-5b8d-4f3e-a1c2-9d4b6e8f0a13"
TEAM_KEY = "voix-team-key-0123456789"
OTHER_TEAM_KEY = "voix-other-team-key-0123456789"
PRIYA = "0a6a3a44-1111-4a57-9d6e-3c1f6b8e2a11"
MARCO = "0a6a3a44-2222-4a57-9d6e-3c1f6b8e2a11"
LENA = "0a6a3a44-3333-4a57-9d6e-3c1f6b8e2a11"
MEMBERS = {
    "teams": {
        TEAM: [
            {"userId": PRIYA, "name": "Priya Shah"},
            {"userId": MARCO, "name": "Marco Rossi"},
            {"userId": LENA, "name": "Lena Berg"},
        ]
    }
}
SERVER_ARGS = [
    "--voix-team-key", f"{TEAM_KEY}={TEAM}",
    "--voix-team-key", f"{OTHER_TEAM_KEY}={OTHER_TEAM}",
]  # fmt: skip


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def beat(**fields: Any) -> dict[str, Any]:
    """A valid beat-1 body (a fresh callId), with ``fields`` added or replaced."""
    body: dict[str, Any] = {
        "callId": str(uuid.uuid4()),
        "from": "+31612345678",
        "to": "+31201234567",
        "startTime": "2026-06-16T09:05:35.000Z",
    }
    body.update(fields)
    return body


def wait_final(http: httpx.Client, call_id: str, timeout: float = 240.0) -> dict[str, Any]:
    """The call's lifecycle body once it is completed or failed."""
    deadline = time.monotonic() + timeout
    while True:
        record = http.get(f"/calls/{call_id}").json()
        if record["status"] in ("completed", "failed"):
            return record
        if time.monotonic() > deadline:
            raise AssertionError(f"call {call_id} still {record['status']} after {timeout} s")
        time.sleep(0.5)
