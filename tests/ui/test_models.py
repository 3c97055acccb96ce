"""The call list's Qt model is a thin, well-behaved adapter over plain Python state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from tests.ui.conftest import Driver
from voxdesk.domain import Analysis, Call, CallStatus
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, CallRow, SortKey
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE, SCORE_ROLE, CallListModel, Column
from voxdesk.ui.browse.call_list_state import CallListState
from voxdesk.ui.settings import (
    filter_from_json,
    filter_to_json,
    load_order,
    open_settings,
    save_list,
)

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _row(n: int, status: CallStatus = CallStatus.COMPLETED) -> CallRow:
    return CallRow(
        call_id=f"call_{n:04d}",
        status=status,
        agent=f"Agent {n % 3}",
        category="Support",
        date=START + timedelta(minutes=n),
        duration=60.0 + n,
        score=None if status is not CallStatus.COMPLETED else float(n % 101),
        outcome="Resolved" if n % 2 else None,
    )


def test_the_model_passes_qtmodeltester(qtmodeltester) -> None:
    state = CallListState(page_size=10)
    model = CallListModel(state)
    model.reset_rows([_row(n) for n in range(10)], total=25)
    qtmodeltester.check(model)
    model.append_rows([_row(n, CallStatus.PROCESSING) for n in range(10, 20)])
    model.update_row(_row(3, CallStatus.FAILED))
    qtmodeltester.check(model)
    model.reset_rows([], 0)
    qtmodeltester.check(model)


def test_the_model_reads_the_state_and_only_requests_work() -> None:
    state = CallListState(page_size=2)
    model = CallListModel(state)
    model.reset_rows([_row(1), _row(2, CallStatus.PENDING)], total=5)
    assert model.rowCount() == 2
    assert model.index(0, Column.SCORE).data() == "1"
    assert model.index(0, Column.SCORE).data(SCORE_ROLE) == 1.0
    assert model.index(1, Column.SCORE).data() == "–"
    assert model.index(1, Column.STATUS).data() == "Pending…"
    assert model.index(1, 0).data(CALL_ID_ROLE) == "call_0002"

    requested: list[object] = []
    model.moreRequested.connect(lambda: requested.append("more"))
    model.orderRequested.connect(requested.append)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex()), "one page request at a time"
    model.append_rows([_row(3)])
    assert model.canFetchMore(QModelIndex())
    model.sort(Column.AGENT, Qt.SortOrder.AscendingOrder)
    assert requested == ["more", CallOrder(SortKey.AGENT, descending=False)]
    assert model.rowCount() == 3, "sorting is the catalog's job, never the model's"


def test_state_tracks_generations_and_skips_duplicates() -> None:
    state = CallListState()
    generation = state.new_query(where=CallFilter(text="x"))
    assert state.new_query() == generation + 1
    state.reset([_row(1), _row(2)], total=3)
    assert state.append([_row(2), _row(3)]) == [_row(3)]
    assert not state.has_more
    assert state.replace(_row(9)) is None
    assert state.index_of("call_0003") == 2


def test_filter_and_order_round_trip_through_settings(tmp_path: Path) -> None:
    where = CallFilter(
        text="refund",
        statuses=frozenset({CallStatus.FAILED}),
        agent="Ana",
        score_min=10.0,
        date_from=START,
    )
    assert filter_from_json(filter_to_json(where)) == where
    # Needs attention is remembered, so it can be the view the desk opens on.
    attention = CallFilter(attention_below=65.0)
    assert filter_from_json(filter_to_json(attention)) == attention
    reviewed = CallFilter(review_states=frozenset({"reviewed", "draft"}), differs=True)
    assert filter_from_json(filter_to_json(reviewed)) == reviewed
    settings = open_settings(tmp_path / "x.ini")
    save_list(settings, where, CallOrder(SortKey.SCORE, descending=False))
    assert load_order(settings) == CallOrder(SortKey.SCORE, descending=False)


def test_catalog_get_row_reads_one_line(driver: Driver, tmp_path: Path) -> None:
    catalog = CallCatalog(tmp_path / "c.sqlite3")
    driver.run(catalog.open())
    call = Call(
        id="c1",
        status=CallStatus.COMPLETED,
        member_id="m1",
        date=START,
        analysis=Analysis(score=77, outcome_label="Resolved"),
    )
    driver.run(catalog.upsert_calls("conn", [call]))
    row = driver.run(catalog.get_row("conn", "c1"))
    assert row is not None and row.score == 77 and row.outcome == "Resolved"
    assert driver.run(catalog.get_row("conn", "nope")) is None
    driver.run(catalog.close())


def test_catalog_text_search_uses_its_trigram_index(driver: Driver, tmp_path: Path) -> None:
    """Search results equal the LIKE semantics, through every write path."""
    import sqlite3

    from voxdesk.domain import Member
    from voxdesk.services.catalog import SCHEMA

    # A catalog written before the search index existed is indexed on open.
    path = tmp_path / "c.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)
    old.execute(
        "INSERT INTO calls VALUES ('conn','old-1','completed','m9','Zed',NULL,NULL,NULL,"
        "NULL,NULL,NULL,'legacy refund',?,0)",
        (Call(id="old-1", status=CallStatus.COMPLETED).model_dump_json(),),
    )
    old.commit()
    old.close()

    catalog = CallCatalog(path)
    driver.run(catalog.open())
    assert catalog.indexed_search

    def found(text: str, connection: str = "conn") -> set[str]:
        rows = driver.run(catalog.query(connection, CallFilter(text=text), CallOrder()))
        assert driver.run(catalog.count(connection, CallFilter(text=text))) == len(rows)
        return {r.call_id for r in rows}

    calls = [
        Call(id=f"c{n}", status=CallStatus.COMPLETED, member_id="m1", summary=f"Order {n}00 ok")
        for n in range(1, 4)
    ]
    driver.run(catalog.upsert_calls("conn", calls))
    driver.run(catalog.upsert_calls("other", calls[:1]))
    assert found("LEGACY") == {"old-1"}
    assert found("order 200") == {"c2"}
    assert found("rder") == {"c1", "c2", "c3"}
    assert found("c3") == {"c3"}  # two characters: the LIKE scan
    # The matches drive the lookup: never one full-text query per call of the connection.
    clause = CallCatalog._where("conn", CallFilter(text="order"), indexed_search=True)
    plan = " | ".join(
        row[3]
        for row in catalog.db.execute(
            f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM calls WHERE {clause.sql}", clause.params
        )
    )
    assert "call_keys USING INTEGER PRIMARY KEY" in plan, plan
    # Re-writing a call (INSERT OR REPLACE) re-indexes it, without duplicates.
    driver.run(
        catalog.upsert_calls("conn", [calls[0].model_copy(update={"summary": "refund issued"})])
    )
    assert found("refund") == {"c1", "old-1"}
    assert found("order 100") == set()
    # Renaming an agent (UPDATE) re-indexes its calls.
    driver.run(catalog.remember_members("conn", [Member(id="m1", name="Priya Raman")]))
    assert found("priya") == {"c1", "c2", "c3"}
    assert found("priya", "other") == set()
    driver.run(catalog.forget_connection("conn"))
    assert found("order") == set()
    assert found("order", "other") == {"c1"}
    driver.run(catalog.close())
