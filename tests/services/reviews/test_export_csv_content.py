"""The CSV export's exact bytes over a small catalog that has every awkward value the
list can hold, for several filters and orders, against files the export wrote before it
formatted its own lines (``export_golden/``): making the export faster must not change a
byte of what it writes.

The awkward values: names, labels, reasons and notes with commas, quotes, line breaks
and non-ASCII text; a call id that needs quoting; two scorecards sharing a criterion; a
call with no analysis and no date; durations on a rounding tie (62.25 s, 0.75 s) and
scores with 16 significant digits; unreviewed, draft, reopened and reviewed calls; an
override of a criterion the call's scorecard does not have; time spent on a tie; a
reason holding the control characters stored overrides are separated by.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voxdesk.domain import (
    Analysis,
    Call,
    CallStatus,
    Category,
    Criterion,
    CriterionResult,
    Member,
    Section,
)
from voxdesk.domain.review import (
    CriterionOverride,
    OutcomeOverride,
    OverrideReason,
    Review,
    ReviewNote,
)
from voxdesk.domain.review_scoring import human_score
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
from voxdesk.services.catalog.review_marks import ReviewMark
from voxdesk.services.csv_export_child import open_readonly
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.reviews.export_csv import CsvExport, ExportSource
from voxdesk.services.reviews.sqlite_store import _SUMMARY, MIGRATIONS
from voxdesk.services.sqlite_migrations import migrate

GOLDEN = Path(__file__).parent / "export_golden"
Y, N, NA = CriterionResult.YES, CriterionResult.NO, CriterionResult.NOT_APPLICABLE
UNCLEAR, UNKNOWN = CriterionResult.NOT_CLEAR, CriterionResult.UNKNOWN
START = datetime(2026, 3, 1, 9, tzinfo=UTC)
CONNECTION = "conn"


def _analysis(scorecard: str, answers: tuple, score: float, outcome: str | None) -> Analysis:
    ids = {"support": ("greeting", "consent", "resolution"), "sales": ("greeting", "pitch")}
    criteria = tuple(
        Criterion(id=cid, question=f"{cid}?", result=answer, auto_fail=cid == "consent")
        for cid, answer in zip(ids[scorecard], answers, strict=True)
    )
    section = Section(id="s", name="S", score=score / 10, total_score=10, criteria=criteria)
    return Analysis(score=score, outcome_label=outcome, sections=(section,))


def _calls() -> list[Call]:
    def call(n: int, member: str, category: str | None, **fields) -> Call:
        return Call(
            id=fields.pop("id", f"call-{n}"),
            status=fields.pop("status", CallStatus.COMPLETED),
            member_id=member,
            category_id=category,
            date=fields.pop("date", START + timedelta(hours=n)),
            **fields,
        )

    support, sales = "support", "sales"
    return [
        call(0, "ana", support, duration=62.25, analysis=_analysis(
            support, (Y, N, Y), 66.66666666666667, "Resolved, with follow-up")),
        call(1, "ana", support, duration=0.75, analysis=_analysis(
            support, (Y, N, UNCLEAR), 0.0, 'Escalated "hot"')),
        call(2, "bo", sales, duration=300.0, analysis=_analysis(sales, (NA, N), 12.5, None)),
        call(3, "cy", sales, duration=41.04, analysis=_analysis(sales, (Y, UNKNOWN), 87.5, "Sale")),
        call(4, "bo", None, id='call-"4",x', status=CallStatus.PROCESSING, date=None),
        call(5, "zoe", support, duration=3599.95, analysis=_analysis(
            support, (N, Y, N), 33.333333333333336, "Résolu\nensuite")),
        call(6, "zoe", support, duration=120.0, analysis=_analysis(
            support, (Y, Y, Y), 100.0, "OK")),
        call(7, "ana", sales, duration=59.5, analysis=_analysis(sales, (N, N), 0.1, "Lost")),
    ]  # fmt: skip


def _reviews(calls: dict[str, Call]) -> list[Review]:
    def start(ref: str) -> Review:
        return Review(connection=CONNECTION, call_ref=ref)

    other = OverrideReason.OTHER
    return [
        start("call-1")
        .with_override(
            CriterionOverride(
                criterion_id="consent", result=Y, reason=other, comment='asked, "twice"\nat 00:40'
            )
        )
        .with_outcome(OutcomeOverride(label="Resolved, finally", reason=other, comment="a, b"))
        .with_note(ReviewNote(id="n1", start=75, text='said "no"', created_at=START))
        .with_note(
            ReviewNote(id="n2", start=3725, text="hold", criterion_id="consent", created_at=START)
        )
        .with_time_spent(92.5)
        .submitted("Ana, QA", START),
        start("call-2")
        .with_override(
            CriterionOverride(criterion_id="pitch", result=Y, reason=OverrideReason.WRONG_EVIDENCE)
        )
        .with_override(
            CriterionOverride(
                criterion_id="greeting", result=N, reason=OverrideReason.MISSING_EVIDENCE
            )
        )
        .with_time_spent(93.5)
        .submitted("Bo", START + timedelta(minutes=5)),
        # A sales call's draft overriding a support criterion (a scorecard that changed).
        start("call-3").with_override(
            CriterionOverride(criterion_id="consent", result=NA, reason=other, comment="n/a here")
        ),
        start("call-5")
        .with_override(
            CriterionOverride(
                criterion_id="greeting", result=Y, reason=OverrideReason.WRONG_EVIDENCE
            )
        )
        .with_outcome(OutcomeOverride(label="Escalated", reason=OverrideReason.INCORRECT_RESULT))
        .with_time_spent(10.2)
        .submitted("Zoë", START)
        .reopened(),
        start("call-6").with_note(ReviewNote(id="n", start=0, text="ünïcode ✓", created_at=START)),
        # Control characters the stored overrides separate their parts with.
        start("call-7").with_override(
            CriterionOverride(
                criterion_id="pitch", result=Y, reason=other, comment="pasted\x1fcells\x1eand rows"
            )
        ),
        start('call-"4",x').with_note(
            ReviewNote(id="n", start=1, text="not analysed yet", created_at=START)
        ),
    ]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> ExportSource:
    folder = tmp_path_factory.mktemp("export")
    return _build(folder)


def _build(folder: Path) -> ExportSource:
    async def build() -> None:
        catalog = CallCatalog(folder / "catalog.sqlite3")
        await catalog.open()
        await catalog.remember_members(
            CONNECTION,
            [
                Member(id="ana", name='Ana "The Ace", QA'),
                Member(id="cy", name="Cy\r\nNewline"),
                Member(id="zoe", name="Zoë 🎧"),
            ],
        )
        await catalog.remember_categories(
            CONNECTION, [Category(id="support", name="Support, Tier 1"), Category(id="sales")]
        )
        calls = {c.id: c for c in _calls()}
        await catalog.upsert_calls(CONNECTION, calls.values())
        service = ReviewService(SqliteReviewStore(folder / "reviews.sqlite3"))
        await service.open()
        marks = []
        for review in _reviews(calls):
            analysis = calls[review.call_ref].analysis
            summary = service.change(review, human_score(analysis, review) if analysis else None)
            marks.append(
                ReviewMark(review.call_ref, summary.state.value, summary.human_score, summary.delta)
            )
        await service.close()
        await catalog.mark_reviews(CONNECTION, marks)
        await catalog.close()

    asyncio.run(build())
    return ExportSource(folder / "catalog.sqlite3", folder / "reviews.sqlite3", CONNECTION)


CASES = {
    "all_newest_first": (CallFilter(), CallOrder()),
    "all_by_agent": (CallFilter(), CallOrder(SortKey.AGENT, descending=False)),
    "sales_only": (CallFilter(category="sales"), CallOrder(SortKey.DATE, descending=False)),
    "touched_by_score": (
        CallFilter(review_states=frozenset({"reviewed", "draft"})),
        CallOrder(SortKey.SCORE),
    ),
    "search_by_review": (CallFilter(text="Ace"), CallOrder(SortKey.REVIEW)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_export_writes_exactly_these_bytes(source, tmp_path, case) -> None:
    where, order = CASES[case]
    out = tmp_path / f"{case}.csv"
    CsvExport(source, where, order).run(out)
    assert out.read_bytes() == (GOLDEN / f"{case}.csv").read_bytes()


def test_the_child_process_writes_the_same_bytes(source, tmp_path) -> None:
    out = tmp_path / "child.csv"
    CsvExport(source, CallFilter(), CallOrder()).run_in_child(out)
    assert out.read_bytes() == (GOLDEN / "all_newest_first.csv").read_bytes()


def _as_schema_1(reviews_path: Path) -> None:
    """Rewrite the review store as schema 1 kept it: the same reviews and summaries,
    its raw export cells left empty (schema 2's are made again from each review)."""
    with closing(sqlite3.connect(reviews_path)) as db:
        rows = db.execute(f"SELECT {_SUMMARY}, review_json FROM reviews").fetchall()
    old = reviews_path.with_name("schema-1.sqlite3")
    with closing(sqlite3.connect(old)) as db:
        migrate(db, "review store", MIGRATIONS[:1])
        with db:
            db.executemany(
                f"INSERT INTO reviews ({_SUMMARY}, review_json) VALUES (?,?,?,?,?,?,?,?)", rows
            )
    old.replace(reviews_path)


async def test_a_schema_1_review_store_exports_the_same_bytes(source, tmp_path) -> None:
    for name in ("catalog.sqlite3", "reviews.sqlite3"):
        shutil.copy(source.catalog_path.with_name(name), tmp_path / name)
    _as_schema_1(tmp_path / "reviews.sqlite3")
    store = SqliteReviewStore(tmp_path / "reviews.sqlite3")
    await store.open()  # migrates
    await store.close()
    out = tmp_path / "migrated.csv"
    copy = ExportSource(tmp_path / "catalog.sqlite3", tmp_path / "reviews.sqlite3", CONNECTION)
    CsvExport(copy, CallFilter(), CallOrder()).run(out)
    assert out.read_bytes() == (GOLDEN / "all_newest_first.csv").read_bytes()


def test_newest_first_walks_the_export_index_without_sorting(source) -> None:
    plan = CsvExport(source, CallFilter(), CallOrder()).plan()
    with closing(open_readonly(plan.catalog_path, plan.reviews_path)) as db:
        steps = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {plan.sql}", plan.params)]
    assert any("COVERING INDEX calls_export" in step for step in steps), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def test_before_a_first_sync_made_the_export_index_the_export_sorts(source, tmp_path) -> None:
    for name in ("catalog.sqlite3", "reviews.sqlite3"):
        shutil.copy(source.catalog_path.with_name(name), tmp_path / name)
    with closing(sqlite3.connect(tmp_path / "catalog.sqlite3")) as db:
        db.execute("DROP INDEX calls_export")  # as ``CallCatalog.defer_indexes`` does
    copy = ExportSource(tmp_path / "catalog.sqlite3", tmp_path / "reviews.sqlite3", CONNECTION)
    plan = CsvExport(copy, CallFilter(), CallOrder()).plan()
    with closing(open_readonly(plan.catalog_path, plan.reviews_path)) as db:
        steps = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {plan.sql}", plan.params)]
    # Sorted: not a walk of the date's index, a table look-up per call in date order.
    assert any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps
    out = tmp_path / "sorted.csv"
    CsvExport(copy, CallFilter(), CallOrder()).run(out)
    assert out.read_bytes() == (GOLDEN / "all_newest_first.csv").read_bytes()
