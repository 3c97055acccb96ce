"""The platform-neutral core store: nullable neutral columns, platforms side by side,
all-or-nothing bulk inserts, and list queries that run on an index."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voxdesk.server.core.store import CallQuery, CoreCall, CoreStore

DB_NAME = "core.sqlite3"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    opened = CoreStore(tmp_path / DB_NAME)
    yield opened
    opened.close()


def test_a_call_with_nothing_but_its_keys_round_trips(store: CoreStore) -> None:
    bare = CoreCall(platform="p", platform_id="1", created_at=NOW)
    store.insert_calls([bare])
    assert store.get_call("p", "1") == bare


def test_a_voxxi_shaped_call_fits_without_new_columns(store: CoreStore) -> None:
    voxxi = CoreCall(
        platform="voxxi",
        platform_id="call-1",
        created_at=NOW,
        started_at=NOW,
        duration_seconds=61.5,
        group_id="support-qa",
        agent_id="priya@acme.example",
        outcome="Resolved",
        transcript=[{"speaker": "agent", "start": 0.5, "end": 2.0, "text": "hello"}],
        recording_key="uploads/abc/call.wav",
        extra={"udfs": {"queue": "broadband"}, "status": "completed"},
    )
    store.insert_calls([voxxi])
    assert store.get_call("voxxi", "call-1") == voxxi


def test_platforms_share_ids_but_not_calls(store: CoreStore) -> None:
    store.insert_calls([CoreCall(platform=p, platform_id="same", created_at=NOW) for p in "ab"])
    assert store.count_calls("a") == store.count_calls("b") == 1
    assert store.list_calls(CallQuery(platform="a"), offset=0, limit=10)[1] == 1


def test_a_batch_with_a_duplicate_inserts_nothing(store: CoreStore) -> None:
    store.insert_calls([CoreCall(platform="p", platform_id="1", created_at=NOW)])
    batch = [CoreCall(platform="p", platform_id=str(n), created_at=NOW) for n in (2, 3, 1)]
    with pytest.raises(sqlite3.IntegrityError):
        store.insert_calls(batch)
    assert store.count_calls("p") == 1


def test_ties_on_start_time_page_by_id(store: CoreStore) -> None:
    store.insert_calls(
        CoreCall(platform="p", platform_id=f"c{n}", created_at=NOW, started_at=NOW)
        for n in range(5)
    )
    pages = [store.list_calls(CallQuery(platform="p"), offset=o, limit=2)[0] for o in (0, 2, 4)]
    assert [c.platform_id for page in pages for c in page] == ["c4", "c3", "c2", "c1", "c0"]


@pytest.mark.parametrize(
    "query",
    [
        CallQuery(platform="voicecalls"),
        CallQuery(platform="voicecalls", group_id="camp"),
        CallQuery(platform="voicecalls", disposition="Busy"),
        CallQuery(platform="voicecalls", direction="Inbound"),
        CallQuery(platform="voicecalls", started_from=NOW - timedelta(days=1), started_to=NOW),
        CallQuery(platform="voicecalls", group_id="camp", disposition="Busy", direction="Inbound"),
    ],
)
def test_list_queries_run_on_an_index(store: CoreStore, tmp_path: Path, query: CallQuery) -> None:
    """Counting and picking a page's ids (as ``list_calls`` does) read only an index, in
    its order: no table rows, no sort."""
    condition, params = query.where()
    order = "started_at DESC, platform_id DESC"
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        plan = db.execute(
            f"EXPLAIN QUERY PLAN SELECT seq FROM core_calls WHERE {condition} ORDER BY {order}",
            params,
        ).fetchall()
        count_plan = db.execute(
            f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM core_calls WHERE {condition}", params
        ).fetchall()
    steps = " | ".join(row[3] for row in plan)
    assert "COVERING INDEX" in " | ".join(row[3] for row in count_plan)
    assert "USING COVERING INDEX" in steps, steps
    assert "TEMP B-TREE" not in steps, steps
