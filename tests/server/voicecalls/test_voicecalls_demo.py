"""The voice-bot demo library's coverage, seeding on a first start (and only then), and
the bulk generator for sync benchmarks."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tests.server.voicecalls.vc_support import CALLS, list_all
from tests.support.local_server import LocalServer
from voxdesk.server.platforms.voicecalls.demo import manifest_path

MAX_LIBRARY_BYTES = 2 * 1024 * 1024


def test_the_library_covers_what_a_reviewer_meets(api: httpx.Client) -> None:
    calls = list_all(api)
    assert len(calls) >= 30
    campaigns = Counter(c["campaignId"] for c in calls)
    assert len(campaigns) >= 3
    surveyed = {c["campaignId"] for c in calls if c["epaResults"] is not None}
    assert set(campaigns) - surveyed, "one campaign has no survey"
    assert set(Counter(c["direction"] for c in calls)) == {"Inbound", "Outbound"}
    states = Counter(c["state"] for c in calls)
    assert set(states) == {"Completed", "Busy", "NoAnswer", "Failed"}
    assert all(count >= 2 for count in states.values()), states
    surveys = Counter(
        (c["epaResults"]["state"], c["epaResults"]["completionReason"])
        for c in calls
        if c["epaResults"] is not None
    )
    assert {state for state, _ in surveys} == {"Completed", "Partial", "NotStarted"}
    assert {reason for _, reason in surveys} == {"AllAnswered", "HangUp", "Timeout"}
    assert ("Partial", "HangUp") in surveys and ("Partial", "Timeout") in surveys
    starts = sorted(datetime.fromisoformat(c["startTime"].replace("Z", "+00:00")) for c in calls)
    assert (starts[-1] - starts[0]).days >= 14


def test_every_completed_call_has_a_downloadable_recording(api: httpx.Client) -> None:
    completed = list_all(api, state="Completed")
    assert len(completed) >= 15
    for call in completed:
        url = api.get(f"{CALLS}/{call['id']}/recording-url").json()["recordingUrl"]
        response = httpx.get(url)
        assert response.status_code == 200 and response.content.startswith(b"OggS")


def test_the_shipped_library_is_small() -> None:
    folder = manifest_path().parent
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert total <= MAX_LIBRARY_BYTES, total


def _total(server: LocalServer, **params: Any) -> int:
    response = httpx.get(server.base_url + CALLS, params=params, headers=server.auth)
    assert response.status_code == 200, response.text
    return response.json()["total"]


def test_a_first_start_seeds_the_library_once_and_no_demo_seeds_nothing(
    tmp_path: Path, demo_calls: list[dict[str, Any]]
) -> None:
    with LocalServer(tmp_path / "plain", extra_args=["--no-demo", "--workers", "1"]) as server:
        assert _total(server) == 0
    with LocalServer(tmp_path / "demo", extra_args=["--workers", "1"]) as server:
        assert _total(server) == len(demo_calls)
        server.restart()
        assert _total(server) == len(demo_calls)


def test_bulk_calls_page_disjointly_in_a_stable_newest_first_order(tmp_path: Path) -> None:
    count = 3000
    args = ["--no-demo", "--workers", "1", "--bulk-voice-calls", str(count)]
    with LocalServer(tmp_path / "bulk", extra_args=args) as server:
        with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30) as api:
            seen: list[tuple[str, str]] = []
            for page in range(1, count // 200 + 1):
                body = api.get(CALLS, params={"page": page, "pageSize": 200}).json()
                assert body["total"] == count
                seen += [(c["startTime"], c["id"]) for c in body["data"]]
            assert len(set(seen)) == count
            assert seen == sorted(seen, reverse=True)
            by_state = sum(
                _total(server, state=s) for s in ("Completed", "Busy", "NoAnswer", "Failed")
            )
            assert by_state == count
            outbound = _total(server, direction="Outbound")
            assert 0 < outbound < count
            assert outbound + _total(server, direction="Inbound") == count
        server.restart()
        # Each start adds as many again, numbered on from the last.
        assert _total(server) == 2 * count
