"""The list's review columns in the catalog: marks copied from the review store, the
review filters and sorts in SQL, the Needs attention view, and schema 2 files
upgraded with their attention facts."""

from __future__ import annotations

import sqlite3

import pytest

from voxdesk.domain import Analysis, Call, CallStatus, Criterion, CriterionResult, Section
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
from voxdesk.services.catalog.review_marks import ReviewMark


def _call(cid: str, score: float | None, *, auto_fail: bool = False, uncertain: bool = False):
    criterion = Criterion(
        id="c1",
        question="Greeted?",
        result=CriterionResult.NO if auto_fail else CriterionResult.YES,
        auto_fail=auto_fail,
        uncertain=uncertain,
    )
    analysis = Analysis(score=score, sections=(Section(id="s", name="S", criteria=(criterion,)),))
    status = CallStatus.COMPLETED if score is not None else CallStatus.PROCESSING
    return Call(id=cid, status=status, analysis=analysis if score is not None else None)


CALLS = [
    _call("low", 40),  # below the threshold
    _call("fine", 95),
    _call("failed", 0, auto_fail=True),
    _call("doubt", 90, uncertain=True),
    _call("low-done", 30),  # reviewed: no longer needs attention
    _call("busy", None),  # not analysed yet
]


@pytest.fixture
async def catalog(tmp_path):
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    await catalog.upsert_calls("conn", CALLS)
    await catalog.mark_reviews(
        "conn",
        [
            ReviewMark("low-done", "reviewed", 50, 20),
            ReviewMark("fine", "draft", 80, -15),
        ],
    )
    yield catalog
    await catalog.close()


async def _ids(catalog: CallCatalog, where: CallFilter, order: CallOrder | None = None):
    rows = await catalog.query("conn", where, order or CallOrder(SortKey.DATE), limit=50)
    return [r.call_id for r in rows]


async def test_rows_carry_the_review_columns(catalog) -> None:
    row = await catalog.get_row("conn", "fine")
    assert (row.review_state, row.human_score, row.delta) == ("draft", 80, -15)
    row = await catalog.get_row("conn", "low")
    assert (row.review_state, row.human_score, row.delta) == ("unreviewed", None, None)


async def test_filters_and_sorts_on_review_columns(catalog) -> None:
    assert sorted(await _ids(catalog, CallFilter(review_states=frozenset({"unreviewed"})))) == [
        "busy",
        "doubt",
        "failed",
        "low",
    ]
    assert await _ids(catalog, CallFilter(review_states=frozenset({"reviewed"}))) == ["low-done"]
    assert await _ids(catalog, CallFilter(delta_max=-1)) == ["fine"]
    assert await catalog.count("conn", CallFilter(delta_min=10)) == 1
    by_delta = await _ids(catalog, CallFilter(), CallOrder(SortKey.DELTA, descending=True))
    assert by_delta[:2] == ["low-done", "fine"]


async def test_needs_attention_lists_exactly_the_calls_it_should(catalog) -> None:
    attention = CallFilter(attention_below=60)
    assert sorted(await _ids(catalog, attention)) == ["doubt", "failed", "low"]
    assert await catalog.count("conn", attention) == 3
    # Reviewing one takes it off; a lower threshold drops the merely low-scored.
    await catalog.mark_reviews("conn", [ReviewMark("low", "reviewed", 40, 0)])
    assert sorted(await _ids(catalog, attention)) == ["doubt", "failed"]
    await catalog.mark_reviews("conn", [], replace_all=True)
    assert sorted(await _ids(catalog, CallFilter(attention_below=35))) == [
        "doubt",
        "failed",
        "low-done",
    ]


async def test_marks_follow_the_connection_away(catalog) -> None:
    await catalog.forget_connection("conn")
    db = sqlite3.connect(catalog.path)
    assert db.execute("SELECT COUNT(*) FROM review_marks").fetchone()[0] == 0
    db.close()
