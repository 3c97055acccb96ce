"""GET /api/v1/voice-calls: every filter alone and combined, paging, order and each 400,
checked against the demo manifest filtered in Python (not by the server's SQL)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS, list_all
from voxdesk.contracts.voicecalls import VoiceCallPage


def _newest_first(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(calls, key=lambda c: (c["startTime"], c["id"]), reverse=True)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _expected(calls: list[dict[str, Any]], **params: str) -> list[dict[str, Any]]:
    kept = []
    for call in calls:
        start = _moment(call["startTime"])
        if "campaignId" in params and call["campaignId"] != params["campaignId"]:
            continue
        if "state" in params and call["state"] != params["state"]:
            continue
        if "direction" in params and call["direction"] != params["direction"]:
            continue
        if "dateFrom" in params and start < _moment(params["dateFrom"]):
            continue
        if "dateTo" in params and start > _moment(params["dateTo"]):
            continue
        kept.append(call)
    return _newest_first(kept)


FILTERS = {
    "campaignId": ["camp_renewals", "camp_billing", "camp_appointments", "camp_missing"],
    "state": ["Completed", "Busy", "NoAnswer", "Failed"],
    "direction": ["Inbound", "Outbound"],
    "dateFrom": ["2026-11-04T08:05:00Z"],
    "dateTo": ["2026-11-04T08:05:00Z"],
}


@pytest.mark.parametrize(
    "params",
    [{name: value} for name, values in FILTERS.items() for value in values],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_each_filter_alone(
    api: httpx.Client, demo_calls: list[dict[str, Any]], params: dict[str, str]
) -> None:
    assert list_all(api, **params) == _expected(demo_calls, **params)


def test_every_combination_of_filters(api: httpx.Client, demo_calls: list[dict[str, Any]]) -> None:
    names = list(FILTERS)
    checked = 0
    for size in range(2, len(names) + 1):
        for combo in itertools.combinations(names, size):
            params = {name: FILTERS[name][0] for name in combo}
            if "dateFrom" in params:
                params["dateFrom"] = "2026-10-28T00:00:00Z"
            response = api.get(CALLS, params={**params, "pageSize": 200})
            assert response.status_code == 200, response.text
            body = response.json()
            expected = _expected(demo_calls, **params)
            assert body["data"] == expected, params
            assert body["total"] == len(expected)
            checked += 1
    assert checked == 26


def test_date_bounds_are_inclusive_and_a_bare_date_covers_its_day(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    exact = list_all(api, dateFrom="2026-11-04T14:20:00Z", dateTo="2026-11-04T14:20:00Z")
    assert [c["startTime"] for c in exact] == ["2026-11-04T14:20:00Z"]
    day = list_all(api, dateFrom="2026-11-04", dateTo="2026-11-04")
    assert {c["startTime"] for c in day} == {"2026-11-04T08:05:00Z", "2026-11-04T14:20:00Z"}
    # An offset is honoured: 10:20 at UTC-4 is 14:20 UTC.
    shifted = list_all(
        api, dateFrom="2026-11-04T10:20:00-04:00", dateTo="2026-11-04T10:20:00-04:00"
    )
    assert [c["startTime"] for c in shifted] == ["2026-11-04T14:20:00Z"]


def test_default_page_is_newest_first_and_validates_against_the_contract(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    body = api.get(CALLS).json()
    assert set(body) == {"data", "page", "pageSize", "total"}
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, len(demo_calls))
    assert body["data"] == _newest_first(demo_calls)
    assert VoiceCallPage.model_validate(body).dump() == body


def test_pages_are_disjoint_and_cover_everything_once(
    api: httpx.Client, demo_calls: list[dict[str, Any]]
) -> None:
    seen: list[str] = []
    for page in range(1, 6):
        body = api.get(CALLS, params={"page": page, "pageSize": 7}).json()
        assert body["total"] == len(demo_calls)
        assert body["page"] == page and body["pageSize"] == 7
        seen += [c["id"] for c in body["data"]]
    assert len(seen) == len(set(seen)) == len(demo_calls)
    assert seen == [c["id"] for c in _newest_first(demo_calls)]
    beyond = api.get(CALLS, params={"page": 99, "pageSize": 7}).json()
    assert beyond["data"] == [] and beyond["total"] == len(demo_calls)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"state": "Finished"}, "state"),
        ({"state": "completed"}, "state"),
        ({"direction": "Sideways"}, "direction"),
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "201"}, "pageSize"),
        ({"pageSize": "lots"}, "pageSize"),
        ({"pageSize": "1.5"}, "pageSize"),
        ({"pageSize": "1_0"}, "pageSize"),
        ({"dateFrom": "yesterday"}, "dateFrom"),
        ({"dateTo": "2026-13-45"}, "dateTo"),
        ({"dateFrom": "2026-11-05", "dateTo": "2026-11-04"}, "dateFrom"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(
    api: httpx.Client, params: dict[str, str], parameter: str
) -> None:
    response = api.get(CALLS, params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert error["message"].startswith(f"{parameter}: ")


def test_page_size_limits_are_inclusive(api: httpx.Client) -> None:
    assert api.get(CALLS, params={"pageSize": 200}).json()["pageSize"] == 200
    assert len(api.get(CALLS, params={"pageSize": 1}).json()["data"]) == 1


def test_times_are_utc_with_z(api: httpx.Client) -> None:
    for call in api.get(CALLS).json()["data"]:
        for field in ("startTime", "endTime", "createdAt"):
            assert call[field].endswith("Z") and len(call[field]) == 20
            assert _moment(call[field]).tzinfo == UTC
