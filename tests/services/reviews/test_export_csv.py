"""The CSV export of the list as filtered: its columns and values against the reviews
(human answers and reasons, outcome, notes), the list's filter and order, and a cancel
that leaves no file."""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime, timedelta

import pytest

from voxdesk.domain import Analysis, Call, CallStatus, Criterion, CriterionResult, Section
from voxdesk.domain.review import (
    CriterionOverride,
    OutcomeOverride,
    OverrideReason,
    ReviewNote,
)
from voxdesk.domain.review_scoring import human_score
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
from voxdesk.services.catalog.review_marks import ReviewMark
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.reviews.export_csv import (
    BASE_COLUMNS,
    CsvExport,
    ExportCancelled,
    ExportSource,
)

Y, N = CriterionResult.YES, CriterionResult.NO
START = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _call(i: int) -> Call:
    criteria = (
        Criterion(id="greeting", question="Greeted?", result=Y),
        Criterion(id="consent", question="Consent?", result=N, auto_fail=True),
    )
    section = Section(id="s", name="S", score=5, total_score=10, criteria=criteria)
    return Call(
        id=f"call-{i}",
        status=CallStatus.COMPLETED,
        member_id="ana",
        category_id="support",
        date=START + timedelta(hours=i),
        duration=60.0 + i,
        analysis=Analysis(score=0, outcome_label="Resolved", sections=(section,)),
    )


@pytest.fixture
async def source(tmp_path):
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    calls = [_call(i) for i in range(3)]
    await catalog.upsert_calls("conn", calls)
    service = ReviewService(SqliteReviewStore(tmp_path / "reviews.sqlite3"))
    await service.open()
    review = await service.review("conn", "call-1")
    review = (
        review.with_override(
            CriterionOverride(
                criterion_id="consent",
                result=Y,
                reason=OverrideReason.OTHER,
                comment="consent asked at 00:40",
            )
        )
        .with_outcome(OutcomeOverride(label="Escalated", reason=OverrideReason.INCORRECT_RESULT))
        .with_note(
            ReviewNote(id="n", start=75, text="long hold", criterion_id="consent", created_at=START)
        )
        .with_time_spent(93.4)
        .submitted("Ana", START)
    )
    summary = service.change(review, human_score(calls[1].analysis, review))
    await service.close()
    await catalog.mark_reviews(
        "conn", [ReviewMark("call-1", "reviewed", summary.human_score, summary.delta)]
    )
    await catalog.close()
    return ExportSource(tmp_path / "catalog.sqlite3", tmp_path / "reviews.sqlite3", "conn")


def _read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("where_written", ["this thread", "child process"])
def test_columns_and_values_match_the_reviews(source, tmp_path, where_written) -> None:
    out = tmp_path / "list.csv"
    done: list[tuple[int, int]] = []
    job = CsvExport(source, CallFilter(), CallOrder(SortKey.DATE, descending=False))
    run = job.run if where_written == "this thread" else job.run_in_child
    written = run(out, progress=lambda *p: done.append(p))
    assert written == 3 and done[-1] == (3, 3)
    rows = _read(out)
    assert list(rows[0]) == [
        *BASE_COLUMNS,
        "greeting AI",
        "greeting human",
        "greeting reason",
        "consent AI",
        "consent human",
        "consent reason",
        "notes",
    ]
    assert [r["call_id"] for r in rows] == ["call-0", "call-1", "call-2"]
    reviewed = rows[1]
    assert reviewed["review"] == "reviewed" and reviewed["reviewer"] == "Ana"
    # The AI auto-failed the call (0); the reviewer's Yes on consent gives it 100.
    assert (reviewed["ai_score"], reviewed["human_score"], reviewed["delta"]) == (
        "0.0",
        "100.0",
        "100.0",
    )
    assert reviewed["consent AI"] == "No" and reviewed["consent human"] == "Yes"
    assert reviewed["consent reason"] == "Other: consent asked at 00:40"
    assert reviewed["greeting human"] == "Yes" and reviewed["greeting reason"] == ""
    assert reviewed["ai_outcome"] == "Resolved" and reviewed["human_outcome"] == "Escalated"
    assert reviewed["outcome_reason"] == "Incorrect result"
    assert reviewed["notes"] == "[01:15] long hold (consent)"
    assert reviewed["time_spent_s"] == "93" and reviewed["submitted_at"].startswith("2026-03-01")
    untouched = rows[0]
    assert untouched["review"] == "unreviewed" and untouched["human_score"] == ""
    assert untouched["consent human"] == "No" and untouched["notes"] == ""


def test_the_list_filter_applies(source, tmp_path) -> None:
    out = tmp_path / "reviewed.csv"
    where = CallFilter(review_states=frozenset({"reviewed"}))
    assert CsvExport(source, where, CallOrder()).run(out) == 1
    assert [r["call_id"] for r in _read(out)] == ["call-1"]


def test_a_cancelled_export_leaves_no_file(source, tmp_path) -> None:
    out = tmp_path / "cancelled.csv"
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ExportCancelled):
        CsvExport(source, CallFilter(), CallOrder()).run(out, cancel=cancel)
    assert list(tmp_path.glob("*cancelled*")) == []


def test_a_cancelled_child_export_is_stopped_and_leaves_no_file(source, tmp_path) -> None:
    out = tmp_path / "cancelled.csv"
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ExportCancelled):
        CsvExport(source, CallFilter(), CallOrder()).run_in_child(out, cancel=cancel)
    assert list(tmp_path.glob("*cancelled*")) == []


def test_a_child_that_cannot_write_says_why(source, tmp_path) -> None:
    out = tmp_path / "missing folder" / "list.csv"
    with pytest.raises(OSError, match="No such file or directory"):
        CsvExport(source, CallFilter(), CallOrder()).run_in_child(out)
    assert not out.parent.exists()
