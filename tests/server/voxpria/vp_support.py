"""Constants and helpers Voxpria's server tests share."""

from __future__ import annotations

import time
from typing import Any

import httpx

CALLS = "/api/v1/calls"
AGENTS = "/api/v1/agents"
AGENT = "agent_payment_reminder"
VARIABLES = {"customerName": "Maria Lopez", "accountNumber": "48213"}
ANSWERING = "+14155551234"
FINAL = {"completed", "failed", "no_answer", "busy"}


def place(
    api: httpx.Client, to: str, agent: str = AGENT, variables: dict[str, str] | None = None
) -> dict[str, Any]:
    response = api.post(
        CALLS,
        json={"agentId": agent, "toNumber": to, "variables": variables or VARIABLES},
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


def get_call(api: httpx.Client, call_id: str) -> dict[str, Any]:
    response = api.get(f"{CALLS}/{call_id}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def follow(
    api: httpx.Client, call_id: str, timeout: float = 120.0, latencies: list[float] | None = None
) -> tuple[dict, list[str]]:
    """Poll the call until it ends: its last body and every status seen, in order
    (and, into ``latencies``, how long each answer took)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        asked = time.monotonic()
        call = get_call(api, call_id)
        if latencies is not None:
            latencies.append(time.monotonic() - asked)
        if not seen or seen[-1] != call["status"]:
            seen.append(call["status"])
        if call["status"] in FINAL:
            return call, seen
        assert time.monotonic() < deadline, f"{call_id} still {call['status']}: {seen}"
        time.sleep(0.05)


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> str:
    """The contract's error envelope with ``status``; returns its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["success", "error"], body
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]["message"]
