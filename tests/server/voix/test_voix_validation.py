"""``POST /submit`` refusals: every 400 names what was wrong; no or a wrong key is 401.
Nothing refused is stored."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.server.voix.voix_support import OTHER_TEAM, TEAM, bearer, beat

# (field, a value of the wrong type or shape)
BAD_VALUES = [
    ("callId", "not-a-uuid"),
    ("callId", 12345),
    ("callId", None),
    ("from", ""),
    ("from", "   "),
    ("from", 31612345678),
    ("to", ""),
    ("to", ["+31201234567"]),
    ("startTime", "yesterday"),
    ("startTime", "2026-06-16"),
    ("startTime", 1781600735),
    ("outgoing", "false"),
    ("outgoing", 0),
    ("outgoing", None),
    ("duration", -1),
    ("duration", 12.5),
    ("duration", "120"),
    ("duration", True),
    ("teamId", "team-1"),
    ("teamId", 7),
    ("userId", "agent-7"),
    ("userId", {"id": "x"}),
    ("recordingUrl", "ftp://example.com/a.wav"),
    ("recordingUrl", "not a url"),
    ("recordingUrl", 5),
]


def _refusal(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_body"
    return error


def _fields(error: dict[str, Any]) -> list[str | None]:
    return [problem["field"] for problem in error["problems"]]


def _not_stored(http: httpx.Client, call_id: Any) -> None:
    if isinstance(call_id, str):
        assert http.get(f"/calls/{call_id}").status_code == 404


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_a_wrong_value_is_refused_naming_the_field(
    workspace: httpx.Client, field: str, value: Any
) -> None:
    body = beat(**{"teamId": TEAM, field: value})
    error = _refusal(workspace.post("/submit", json=body))
    assert _fields(error) == [field]
    assert error["message"].startswith(f"{field}: ")
    assert repr(value) in error["message"] or str(value) in error["message"]
    _not_stored(workspace, body["callId"])


@pytest.mark.parametrize("field", ["callId", "from", "to", "startTime"])
def test_a_missing_required_field_is_refused(workspace: httpx.Client, field: str) -> None:
    body = beat(teamId=TEAM)
    del body[field]
    error = _refusal(workspace.post("/submit", json=body))
    assert _fields(error) == [field]
    assert error["message"] == f"{field}: is required."


def test_every_missing_field_is_named_at_once(workspace: httpx.Client) -> None:
    error = _refusal(workspace.post("/submit", json={}))
    assert _fields(error) == ["callId", "from", "to", "startTime"]


@pytest.mark.parametrize("field", ["direction", "language", "speakers", "callID", "metadata"])
def test_an_unknown_field_is_refused_by_name(workspace: httpx.Client, field: str) -> None:
    body = beat(teamId=TEAM, **{field: "x"})
    error = _refusal(workspace.post("/submit", json=body))
    assert _fields(error) == [field]
    assert "is not a VOIX field" in error["message"]
    _not_stored(workspace, body["callId"])


@pytest.mark.parametrize(
    "raw", [b"{", b"callId=1", b"", b"\xff\xfe", b"null", b"[]", b'"text"', b"42"]
)
def test_a_body_that_is_not_a_json_object_is_refused(workspace: httpx.Client, raw: bytes) -> None:
    error = _refusal(
        workspace.post("/submit", content=raw, headers={"Content-Type": "application/json"})
    )
    assert _fields(error) == [None]
    assert "JSON" in error["message"]


def test_a_workspace_key_needs_a_team_id(workspace: httpx.Client) -> None:
    body = beat()
    error = _refusal(workspace.post("/submit", json=body))
    assert _fields(error) == ["teamId"]
    assert "workspace-wide" in error["message"]
    _not_stored(workspace, body["callId"])


def test_a_team_key_needs_no_team_id_and_ignores_one(
    team: httpx.Client, workspace: httpx.Client
) -> None:
    plain = beat()
    assert team.post("/submit", json=plain).status_code == 202
    elsewhere = beat(teamId=OTHER_TEAM)
    assert team.post("/submit", json=elsewhere).status_code == 202
    for body in (plain, elsewhere):
        assert workspace.get(f"/calls/{body['callId']}").json()["teamId"] == TEAM


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("not-a-key"),
        {"Authorization": "voix-workspace-key-0123456789"},
        {"Authorization": "Basic dm9peDp4"},
    ],
)
def test_no_or_an_unknown_key_is_401(voix_server: Any, headers: dict[str, str]) -> None:
    body = beat(teamId=TEAM)
    with httpx.Client(base_url=voix_server.base_url, timeout=30) as http:
        for method, path, kwargs in (
            ("POST", "/submit", {"json": body}),
            ("GET", "/calls", {}),
            ("GET", f"/calls/{body['callId']}", {}),
        ):
            response = http.request(method, path, headers=headers, **kwargs)
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["code"] == "unauthorized"
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_key_is_checked_before_the_body(voix_server: Any) -> None:
    with httpx.Client(base_url=voix_server.base_url, timeout=30) as http:
        assert http.post("/submit", content=b"{").status_code == 401


def test_an_oversized_body_is_413(workspace: httpx.Client) -> None:
    body = beat(teamId=TEAM, padding="x" * 70_000)
    response = workspace.post("/submit", json=body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_team_key_cannot_touch_another_teams_call(
    workspace: httpx.Client, voix_server: Any
) -> None:
    from tests.server.voix.voix_support import OTHER_TEAM_KEY

    body = beat(teamId=TEAM)
    assert workspace.post("/submit", json=body).status_code == 202
    with httpx.Client(
        base_url=voix_server.base_url, headers=bearer(OTHER_TEAM_KEY), timeout=30
    ) as other:
        assert other.get(f"/calls/{body['callId']}").status_code == 404
        assert body["callId"] not in [c["callId"] for c in other.get("/calls").json()["calls"]]
        answer = other.post("/submit", json={**body, "from": "+1555"})
        assert answer.status_code == 409
    assert workspace.get(f"/calls/{body['callId']}").json()["from"] == body["from"]


def test_call_ids_are_compared_as_uuids(workspace: httpx.Client) -> None:
    call_id = str(uuid.uuid4())
    assert workspace.post("/submit", json=beat(teamId=TEAM, callId=call_id.upper())).json() == {
        "status": "received",
        "callId": call_id,
    }
    assert workspace.get(f"/calls/{call_id.upper()}").json()["callId"] == call_id
