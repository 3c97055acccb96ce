"""Voxpria's three endpoints and the agents extension against the real server: the
envelopes, every 401 / 400 / 404, the E.164 rules, missing variables named, paging."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from tests.server.voxpria.vp_support import (
    AGENT,
    AGENTS,
    CALLS,
    VARIABLES,
    assert_error,
    get_call,
    place,
)
from tests.support.local_server import LocalServer
from voxdesk.contracts.voxpria import (
    BUSY_NUMBER,
    NO_ANSWER_NUMBER,
    CallPage,
    CallStatus,
    CreatedCall,
    VoxpriaCall,
)

UNKNOWN_CALL = "call_doesnotexist"


# the API key


def _requests(base: str) -> list[tuple[str, str, dict | None]]:
    body = {"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": VARIABLES}
    return [
        ("POST", f"{base}{CALLS}", body),
        ("GET", f"{base}{CALLS}", None),
        ("GET", f"{base}{CALLS}/{UNKNOWN_CALL}", None),
        ("GET", f"{base}{CALLS}/{UNKNOWN_CALL}/analysis", None),
        ("GET", f"{base}{AGENTS}", None),
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-key"},
        {"Authorization": "Basic dGVzdDp0ZXN0"},
        {"Authorization": "Bearer"},
    ],
    ids=["no header", "unknown key", "other scheme", "empty key"],
)
def test_every_endpoint_refuses_a_missing_or_unknown_key(
    vp_server: LocalServer, api: httpx.Client, headers: dict[str, str]
) -> None:
    before = api.get(CALLS).json()["total"]
    for method, url, body in _requests(vp_server.base_url):
        response = httpx.request(method, url, json=body, headers=headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.get(CALLS).json()["total"] == before, "a refused POST placed a call"


def test_the_key_is_checked_before_the_body(vp_server: LocalServer) -> None:
    response = httpx.post(f"{vp_server.base_url}{CALLS}", content=b"{not json")
    assert_error(response, 401, "unauthorized")


# creating a call


def test_a_created_call_is_queued_in_the_contract_envelope(api: httpx.Client) -> None:
    response = api.post(
        CALLS, json={"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": VARIABLES}
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["success", "data"] and body["success"] is True
    data = body["data"]
    assert list(data) == ["callId", "status", "toNumber", "agentId", "createdAt"]
    assert data["status"] == "queued"
    assert data["toNumber"] == BUSY_NUMBER and data["agentId"] == AGENT
    assert data["createdAt"].endswith("Z")
    CreatedCall.model_validate(data)
    assert get_call(api, data["callId"])["variables"] == VARIABLES


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"", "invalid_json"),
        (b'["agentId"]', "invalid_json"),
        (b'"text"', "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(
    api: httpx.Client, raw: bytes, code: str
) -> None:
    response = api.post(CALLS, content=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, code)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"toNumber": BUSY_NUMBER}, "agentId"),
        ({"agentId": None, "toNumber": BUSY_NUMBER}, "agentId"),
        ({"agentId": 12, "toNumber": BUSY_NUMBER}, "agentId"),
        ({"agentId": "  ", "toNumber": BUSY_NUMBER}, "agentId"),
        ({"agentId": AGENT}, "toNumber"),
        ({"agentId": AGENT, "toNumber": 14155551234}, "toNumber"),
        ({"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": ["a"]}, "variables"),
        ({"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": "a=b"}, "variables"),
        (
            {"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": {**VARIABLES, "n": 5}},
            "variables.n",
        ),
        (
            {"agentId": AGENT, "toNumber": BUSY_NUMBER, "variables": {**VARIABLES, "n": None}},
            "variables.n",
        ),
    ],
)
def test_a_missing_or_invalid_field_is_a_400_naming_it(
    api: httpx.Client, body: dict, field: str
) -> None:
    message = assert_error(api.post(CALLS, json=body), 400, "invalid_request")
    assert message.startswith(f"{field}:"), message


@pytest.mark.parametrize(
    "number",
    [
        "14155551234",  # no +
        "+1415555",  # 7 digits
        "+1234567890123456",  # 16 digits
        "+04155551234",  # country code 0
        "+1 415 555 1234",  # separators are not the wire form
        "+1-415-555-1234",
        "+1415555123a",
        "+",
        "",
        "+١٤١٥٥٥٥١٢٣٤",  # non-ASCII digits
        "+14155551234\n",
    ],
)
def test_to_number_must_be_e164(api: httpx.Client, number: str) -> None:
    body = {"agentId": AGENT, "toNumber": number, "variables": VARIABLES}
    message = assert_error(api.post(CALLS, json=body), 400, "invalid_request")
    assert message.startswith("toNumber:")


@pytest.mark.parametrize("number", ["+12345678", "+123456789012345"], ids=["8", "15"])
def test_e164_numbers_of_8_to_15_digits_are_accepted(api: httpx.Client, number: str) -> None:
    assert place(api, number)["toNumber"] == number


def test_an_unknown_agent_is_a_404(api: httpx.Client) -> None:
    body = {"agentId": "agent_abc123", "toNumber": BUSY_NUMBER, "variables": VARIABLES}
    message = assert_error(api.post(CALLS, json=body), 404, "not_found")
    assert "agent_abc123" in message


def test_every_missing_script_variable_is_named(api: httpx.Client) -> None:
    body = {"agentId": AGENT, "toNumber": BUSY_NUMBER}
    message = assert_error(api.post(CALLS, json=body), 400, "invalid_request")
    assert message.startswith("variables:")
    assert "customerName" in message and "accountNumber" in message
    # Variables with a default (agentName, amountDue) are not required.
    assert "agentName" not in message and "amountDue" not in message
    body["variables"] = {"customerName": "Maria Lopez", "unrelated": "x"}
    message = assert_error(api.post(CALLS, json=body), 400, "invalid_request")
    assert "accountNumber" in message and "customerName" not in message


def test_a_refused_create_places_no_call(api: httpx.Client) -> None:
    before = api.get(CALLS).json()["total"]
    api.post(CALLS, json={"agentId": AGENT, "toNumber": BUSY_NUMBER})
    api.post(CALLS, json={"agentId": "agent_nobody", "toNumber": BUSY_NUMBER})
    api.post(CALLS, content=b"{")
    assert api.get(CALLS).json()["total"] == before


# reading calls


def test_one_call_has_the_contract_fields(api: httpx.Client) -> None:
    created = place(api, NO_ANSWER_NUMBER)
    body = api.get(f"{CALLS}/{created['callId']}").json()
    assert list(body) == ["success", "data"] and body["success"] is True
    data = body["data"]
    contract = [
        "callId", "status", "duration", "recording", "transcript", "outcome",
        "startedAt", "completedAt",
    ]  # fmt: skip
    assert list(data)[: len(contract)] == contract
    assert data["callId"] == created["callId"]
    assert data["status"] in {s.value for s in CallStatus}
    VoxpriaCall.model_validate(data)


def test_an_unknown_call_is_a_404(api: httpx.Client) -> None:
    message = assert_error(api.get(f"{CALLS}/{UNKNOWN_CALL}"), 404, "not_found")
    assert UNKNOWN_CALL in message
    assert_error(api.get(f"{CALLS}/{UNKNOWN_CALL}/analysis"), 404, "not_found")


def test_the_list_pages_newest_first(api: httpx.Client) -> None:
    placed = [place(api, BUSY_NUMBER)["callId"] for _ in range(5)]
    first = api.get(CALLS, params={"page": 1, "limit": 3}).json()
    assert list(first) == ["success", "data", "page", "limit", "total"]
    assert first["success"] is True and first["page"] == 1 and first["limit"] == 3
    assert len(first["data"]) == 3
    CallPage.model_validate(first)
    # The newest calls are the ones just placed, newest first.
    assert [c["callId"] for c in first["data"]] == placed[::-1][:3]
    total = first["total"]
    seen: list[dict] = []
    page = 1
    while len(seen) < total:
        body = api.get(CALLS, params={"page": page, "limit": 3}).json()
        assert body["total"] == total and body["page"] == page
        assert body["data"], f"page {page} is empty before {total} calls were seen"
        seen += body["data"]
        page += 1
    ids = [c["callId"] for c in seen]
    assert len(ids) == len(set(ids)) == total
    assert set(placed) <= set(ids)
    created = [datetime.fromisoformat(c["createdAt"]) for c in seen]
    assert created == sorted(created, reverse=True)
    beyond = api.get(CALLS, params={"page": page + 5, "limit": 3}).json()
    assert beyond["data"] == [] and beyond["total"] == total


def test_the_list_defaults_and_its_largest_page(api: httpx.Client) -> None:
    body = api.get(CALLS).json()
    assert body["page"] == 1 and body["limit"] == 50
    assert api.get(CALLS, params={"limit": 100}).json()["limit"] == 100


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(
    api: httpx.Client, params: dict, name: str
) -> None:
    message = assert_error(api.get(CALLS, params=params), 400, "invalid_request")
    assert message.startswith(f"{name}:")


# the agents extension


def test_the_agents_extension_lists_each_agent_and_its_variables(api: httpx.Client) -> None:
    body = api.get(AGENTS).json()
    assert list(body) == ["success", "data"] and body["success"] is True
    agents = {agent["agentId"]: agent for agent in body["data"]}
    assert {"agent_payment_reminder", "agent_appointment_confirmation"} <= set(agents)
    for agent in agents.values():
        assert agent["name"] and agent["scorecardId"]
        assert agent["variables"], agent
        for variable in agent["variables"]:
            assert set(variable) == {"name", "required", "description"}
    reminder = {v["name"]: v["required"] for v in agents[AGENT]["variables"]}
    assert reminder == {
        "customerName": True,
        "agentName": False,
        "accountNumber": True,
        "amountDue": False,
    }


def test_each_agent_can_be_called_with_its_required_variables(api: httpx.Client) -> None:
    for agent in api.get(AGENTS).json()["data"]:
        required = {v["name"]: "x" for v in agent["variables"] if v["required"]}
        created = place(api, BUSY_NUMBER, agent=agent["agentId"], variables=required)
        assert created["agentId"] == agent["agentId"]
