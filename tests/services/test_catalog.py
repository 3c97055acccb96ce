"""The call catalog: sorting, filtering and paging in SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voxdesk.domain import (
    AgentKind,
    Analysis,
    Call,
    CallStatus,
    Category,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    Member,
    SurveyResult,
)
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey, search_backlog
from voxdesk.services.catalog.export_index import EXPORT_INDEX_NAME
from voxdesk.services.catalog.query import order_by

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _call(i: int, **overrides) -> Call:
    status = overrides.pop("status", CallStatus.COMPLETED)
    values = {
        "id": f"call-{i:03d}",
        "status": status,
        "member_id": f"m{i % 3}",
        "category_id": "support-qa" if i % 2 else "sales-qa",
        "date": BASE + timedelta(hours=i),
        "duration": 30.0 + i,
        "summary": f"Summary of call {i}",
        "analysis": (
            Analysis(score=float(i * 10 % 101), outcome_label="Resolved" if i % 2 else "Sale")
            if status is CallStatus.COMPLETED
            else None
        ),
    }
    values.update(overrides)
    return Call(**values)


@pytest.fixture
async def catalog(tmp_path):
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    await catalog.remember_members(
        "local", [Member(id=f"m{i}", email=f"a{i}@x.example", name=f"Agent {i}") for i in range(3)]
    )
    await catalog.remember_categories("local", [Category(id="support-qa", name="Support")])
    await catalog.upsert_calls("local", [_call(i) for i in range(20)])
    await catalog.upsert_calls("other", [_call(99)])
    yield catalog
    await catalog.close()


async def test_names_are_denormalised_for_sorting(catalog) -> None:
    rows = await catalog.query("local", CallFilter(), CallOrder(SortKey.AGENT, False), limit=3)
    assert [r.agent for r in rows] == ["Agent 0"] * 3
    support = await catalog.query("local", CallFilter(category="Support"), CallOrder())
    assert len(support) == 10


async def test_sort_by_score_with_nulls_last(catalog) -> None:
    await catalog.upsert_calls("local", [_call(50, status=CallStatus.PROCESSING)])
    for descending in (True, False):
        rows = await catalog.query("local", CallFilter(), CallOrder(SortKey.SCORE, descending))
        scores = [r.score for r in rows]
        assert scores[-1] is None
        known = scores[:-1]
        assert known == sorted(known, reverse=descending)


async def test_filters_combine(catalog) -> None:
    where = CallFilter(score_min=50, score_max=90, outcome="Resolved")
    rows = await catalog.query("local", where, CallOrder())
    assert rows and all(50 <= r.score <= 90 and r.outcome == "Resolved" for r in rows)
    assert await catalog.count("local", where) == len(rows)


async def test_text_search_covers_id_agent_outcome_summary(catalog) -> None:
    assert [
        r.call_id for r in await catalog.query("local", CallFilter(text="call-007"), CallOrder())
    ] == ["call-007"]
    assert await catalog.count("local", CallFilter(text="agent 1")) == 7
    assert await catalog.count("local", CallFilter(text="Summary of call 1")) == 11
    assert await catalog.count("local", CallFilter(text="100%")) == 0  # LIKE wildcards escaped


async def test_date_range_and_status(catalog) -> None:
    where = CallFilter(date_from=BASE + timedelta(hours=5), date_to=BASE + timedelta(hours=9))
    assert await catalog.count("local", where) == 5
    await catalog.upsert_calls("local", [_call(3, status=CallStatus.FAILED, error="bad audio")])
    failed = await catalog.query(
        "local", CallFilter(statuses=frozenset({CallStatus.FAILED})), CallOrder()
    )
    assert [r.call_id for r in failed] == ["call-003"]
    assert (await catalog.get_call("local", "call-003")).error == "bad audio"


async def test_paging_is_stable_and_scoped_to_the_connection(catalog) -> None:
    order = CallOrder(SortKey.DATE, True)
    first = await catalog.query("local", CallFilter(), order, offset=0, limit=8)
    second = await catalog.query("local", CallFilter(), order, offset=8, limit=8)
    ids = [r.call_id for r in first + second]
    assert len(set(ids)) == 16
    assert "call-099" not in ids
    assert await catalog.pending_ids("local") == []


async def test_a_call_round_trips_whole(catalog) -> None:
    call = _call(4, udfs={"ticket": "T-1"})
    await catalog.upsert_calls("local", [call])
    assert await catalog.get_call("local", call.id) == call


# --- the neutral facts (schema 2) -------------------------------------------------------


def _voice_call(i: int) -> Call:
    """Voice-bot calls: every fact set except on every fifth (a Voxxi-like call)."""
    if i % 5 == 0:
        return _call(i)
    return _call(
        i,
        direction=Direction.INBOUND if i % 2 else Direction.OUTBOUND,
        disposition=(Disposition.COMPLETED, Disposition.BUSY, Disposition.NO_ANSWER)[i % 3],
        grouping=Grouping(kind=GroupingKind.CAMPAIGN, id=f"camp_{i % 4}"),
        started_at=BASE + timedelta(hours=i),
        talk_time=float(100 - i),
        agent_kind=AgentKind.BOT,
        analysis=Analysis(survey=SurveyResult(score=float(i % 7) * 10)),
    )


@pytest.fixture
async def voice(tmp_path):
    catalog = CallCatalog(tmp_path / "voice.sqlite3")
    await catalog.open()
    await catalog.upsert_calls("vc", [_voice_call(i) for i in range(1, 41)])
    yield catalog
    await catalog.close()


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (CallFilter(grouping="camp_1"), lambda c: c.grouping and c.grouping.id == "camp_1"),
        (
            CallFilter(disposition=Disposition.BUSY),
            lambda c: c.disposition is Disposition.BUSY,
        ),
        (
            CallFilter(direction=Direction.OUTBOUND, disposition=Disposition.COMPLETED),
            lambda c: c.direction is Direction.OUTBOUND and c.disposition is Disposition.COMPLETED,
        ),
    ],
)
async def test_filters_on_the_neutral_facts(voice, where, expected) -> None:
    wanted = {c.id for c in map(_voice_call, range(1, 41)) if expected(c)}
    rows = await voice.query("vc", where, CallOrder(), limit=100)
    assert wanted and {r.call_id for r in rows} == wanted
    assert await voice.count("vc", where) == len(wanted)
    # Newest first within the value, as the list shows it.
    assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)


@pytest.mark.parametrize(
    "key",
    [
        SortKey.DIRECTION,
        SortKey.DISPOSITION,
        SortKey.GROUPING,
        SortKey.TALK_TIME,
        SortKey.SURVEY_SCORE,
    ],
)
@pytest.mark.parametrize("descending", [False, True])
async def test_sorts_on_the_neutral_facts_with_nulls_last_through_an_index(
    voice, key, descending
) -> None:
    order = CallOrder(key, descending=descending)
    rows = await voice.query("vc", CallFilter(), order, limit=100)
    field = {SortKey.GROUPING: "grouping"}.get(key, key.value)
    values = [getattr(r, field) for r in rows]
    known = [v for v in values if v is not None]
    assert values == known + [None] * 8  # the eight calls without the facts come last
    ties = [(getattr(r, field), r.call_id) for r in rows if getattr(r, field) is not None]
    assert ties == sorted(ties, reverse=descending)
    plans = page_plans(voice, "vc", CallFilter(), order)
    assert all("TEMP B-TREE" not in plan for plan in plans), plans


def page_plans(
    catalog: CallCatalog, connection: str, where: CallFilter, order: CallOrder
) -> list[str]:
    """The query plan of each statement a page of the list runs."""
    statements, params = catalog.page_statements(connection, where, order)
    return [
        " | ".join(
            row[3] for row in catalog.db.execute(f"EXPLAIN QUERY PLAN {select}", (*params, 50, 0))
        )
        for select, _ in statements
    ]


@pytest.mark.parametrize(
    "key", [k for k in SortKey if k not in (SortKey.REVIEW, SortKey.HUMAN_SCORE, SortKey.DELTA)]
)
@pytest.mark.parametrize("descending", [False, True])
async def test_pages_of_one_index_walk_are_the_sorted_order_with_nulls_last(
    voice, key, descending
) -> None:
    """Each sort key has one index for both directions: ascending walks its values
    and then its NULLs, so a page may straddle the two, or start among the NULLs."""
    order = CallOrder(key, descending=descending)
    sorted_ids = [
        r[0]
        for r in voice.db.execute(
            f"SELECT call_id FROM calls WHERE connection = 'vc' ORDER BY {order_by(order)}"
        )
    ]
    for size in (7, 40):
        paged = []
        for offset in range(0, 45, size):
            paged += [
                r.call_id
                for r in await voice.query("vc", CallFilter(), order, offset=offset, limit=size)
            ]
        assert paged == sorted_ids
    narrowed = CallFilter(direction=Direction.INBOUND)
    inbound = await voice.query("vc", narrowed, order, limit=100)
    assert [r.call_id for r in inbound] == [
        i for i in sorted_ids if i in {r.call_id for r in inbound}
    ]
    assert len(inbound) == await voice.count("vc", narrowed)
    assert len(page_plans(voice, "vc", CallFilter(), order)) == (1 if descending else 2)


async def test_calls_are_stored_in_the_order_they_are_written_and_replaced_by_id(
    tmp_path,
) -> None:
    """A sync's batch is appended, not spread over the table by call id (schema 4)."""
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    try:
        written = [_call(i) for i in (7, 2, 9, 4)]
        await catalog.upsert_calls("vc", written[:2])
        await catalog.upsert_calls("vc", written[2:])
        await catalog.upsert_calls("vc", [_call(2, duration=99.0)])
        stored = catalog.db.execute(
            "SELECT call_id, duration FROM calls WHERE connection = 'vc' ORDER BY rowid"
        ).fetchall()
        assert stored == [
            ("call-007", 37.0),
            ("call-009", 39.0),
            ("call-004", 34.0),
            ("call-002", 99.0),
        ]
        (table,) = catalog.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'calls'"
        ).fetchone()
        assert "WITHOUT ROWID" not in table and "UNIQUE (connection, call_id)" in table
    finally:
        await catalog.close()


#: What ``PRAGMA index_xinfo`` gives as the column id of an expression.
EXPRESSION = -2


def _key_columns(catalog: CallCatalog, index: str) -> list[str | int]:
    """An index's key columns by name (``EXPRESSION`` for ``talk_time IS NULL``...)."""
    return [
        name if cid != EXPRESSION else EXPRESSION
        for _, cid, name, _, _, key in catalog.db.execute(f"PRAGMA index_xinfo({index})")
        if key
    ]


async def test_each_sort_key_has_one_index_and_older_pairs_are_dropped_on_open(
    tmp_path,
) -> None:
    path = tmp_path / "catalog.sqlite3"
    catalog = CallCatalog(path)
    await catalog.open()
    # An earlier layout's pair for one key (one per place of the NULLs).
    catalog.db.executescript(
        "CREATE INDEX calls_talk_time_is_null ON calls (connection, talk_time IS NULL, talk_time);"
        "CREATE INDEX calls_talk_time_is_not_null "
        "ON calls (connection, talk_time IS NOT NULL, talk_time);"
    )
    await catalog.close()
    await catalog.open()
    try:
        indexes = {
            name: _key_columns(catalog, name)
            for (name,) in catalog.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'"
            ).fetchall()
            # The CSV export's covering index is not a sort index of the list's.
            if name != EXPORT_INDEX_NAME
        }
        assert all(EXPRESSION not in columns for columns in indexes.values()), indexes
        sortable = {k.value for k in SortKey} - {"review_state", "human_score", "score_delta"}
        for key in sortable:
            assert [n for n, c in indexes.items() if c[:2] == ["connection", key]] in (
                [f"calls_{key}"],
                [f"calls_{key}", f"calls_{key}_by_date"],
            )
            assert indexes[f"calls_{key}"] == ["connection", key, "call_id"]
    finally:
        await catalog.close()


async def test_the_filter_drop_downs_offer_the_facts(voice) -> None:
    assert await voice.distinct_values("vc", SortKey.GROUPING) == [f"camp_{n}" for n in range(4)]
    assert await voice.distinct_values("vc", SortKey.DIRECTION) == ["inbound", "outbound"]


async def test_a_search_backlog_left_by_a_stopped_app_is_indexed_on_the_next_open(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(search_backlog, "BACKLOG_CHUNK", 2)
    path = tmp_path / "catalog.sqlite3"
    catalog = CallCatalog(path)
    await catalog.open()
    await catalog.upsert_calls("vc", [_voice_call(1)])
    # A connection that already has calls keeps indexing per batch.
    await catalog.defer_indexes("vc")
    assert catalog._searchable("vc")
    await catalog.defer_indexes("fresh")
    await catalog.upsert_calls("fresh", [_voice_call(i) for i in range(2, 6)])
    assert not catalog._searchable("fresh")
    assert await catalog.count("fresh", CallFilter(text="call-003")) == 1  # by LIKE
    # Stopped after the first chunk of its indexing (two of the four calls).
    await catalog._run(lambda: search_backlog.index_backlog_chunk(catalog.db, "fresh", ""))
    await catalog.close()

    reopened = CallCatalog(path)
    await reopened.open()
    try:
        assert reopened._searchable("fresh")
        keys = reopened.db.execute(
            "SELECT count(*) FROM call_keys WHERE connection = 'fresh'"
        ).fetchone()[0]
        indexed = reopened.db.execute(
            "SELECT count(*) FROM calls_search WHERE rowid IN "
            "(SELECT id FROM call_keys WHERE connection = 'fresh')"
        ).fetchone()[0]
        assert keys == indexed == 4
        assert await reopened.count("fresh", CallFilter(text="call-003")) == 1
        assert await reopened.count("vc", CallFilter(text="call-001")) == 1
    finally:
        await reopened.close()
