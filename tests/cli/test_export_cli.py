"""``voxdesk export`` run as a user runs it: the CSV of the filtered calls, and a PDF
report (Qt's PDF writer) whose text, read back with ``pdftotext``, has the override's
reason, the note and a transcript excerpt, and whose first page ``pdftoppm`` renders."""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.conftest import voxdesk
from voxdesk.domain import (
    Analysis,
    Call,
    CallStatus,
    Criterion,
    CriterionResult,
    Section,
    Speaker,
    TranscriptTurn,
)
from voxdesk.domain.review import CriterionOverride, OverrideReason, ReviewNote
from voxdesk.domain.review_scoring import human_score
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.catalog.review_marks import ReviewMark
from voxdesk.services.connections import Connection, ConnectionStore
from voxdesk.services.reviews import ReviewService, SqliteReviewStore

NOTE = "Customer asked for a supervisor here"
COMMENT = "the agent did give the recording notice"
AT = datetime(2026, 4, 2, 10, 30, tzinfo=UTC)


def _call(call_id: str) -> Call:
    criteria = (
        Criterion(
            id="greeting",
            question="Did the agent greet the caller?",
            result=CriterionResult.YES,
            rationale='[00:01] agent: "thank you for calling acme"',
        ),
        Criterion(
            id="notice",
            question="Did the agent give the recording notice?",
            result=CriterionResult.NO,
            rationale="No agent turn said it.",
            auto_fail=True,
        ),
    )
    return Call(
        id=call_id,
        status=CallStatus.COMPLETED,
        member_id="dana",
        category_id="support-qa",
        date=AT,
        duration=40.0,
        analysis=Analysis(
            score=0,
            outcome_label="Resolved",
            sections=(Section(id="s", name="Opening", score=5, total_score=10, criteria=criteria),),
        ),
        transcript=(
            TranscriptTurn(
                speaker=Speaker.AGENT, start=1.0, end=4.0, text="thank you for calling acme"
            ),
            TranscriptTurn(
                speaker=Speaker.CUSTOMER, start=20.0, end=24.0, text="let me talk to a manager"
            ),
        ),
    )


async def _fill(home: Path, connection: str) -> None:
    catalog = CallCatalog(home / "data" / "catalog.sqlite3")
    reviews = ReviewService(SqliteReviewStore(home / "data" / "reviews.sqlite3"))
    await catalog.open()
    await reviews.open()
    calls = [_call("call-reviewed"), _call("call-open")]
    await catalog.upsert_calls(connection, calls)
    review = await reviews.review(connection, "call-reviewed")
    review = (
        review.with_override(
            CriterionOverride(
                criterion_id="notice",
                result=CriterionResult.YES,
                reason=OverrideReason.MISSING_EVIDENCE,
                comment=COMMENT,
            )
        )
        .with_note(ReviewNote(id="n1", start=21.0, text=NOTE, created_at=AT))
        .submitted("Ana Reviewer", AT)
    )
    summary = reviews.change(review, human_score(calls[0].analysis, review))
    await reviews.close()
    await catalog.mark_reviews(
        connection, [ReviewMark("call-reviewed", "reviewed", summary.human_score, summary.delta)]
    )
    await catalog.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    store = ConnectionStore(tmp_path / "config" / "connections.json")
    store.save(Connection("Team", "local", "http://127.0.0.1:9"))
    connection = store.find("Team")
    store.set_active(connection.id)
    asyncio.run(_fill(tmp_path, connection.id))
    return tmp_path


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "VOXDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_csv_of_the_reviewed_calls(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "reviewed.csv"
    result = voxdesk("export", "--csv", str(out), "--review", "reviewed", env=_env(home))
    assert result.code == 0, result.err
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [r["call_id"] for r in rows] == ["call-reviewed"]
    row = rows[0]
    assert row["notice AI"] == "No" and row["notice human"] == "Yes"
    assert row["notice reason"] == f"Missing evidence: {COMMENT}"
    assert NOTE in row["notes"] and row["human_score"] == "100.0"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: install-prereqs.sh")
def test_pdf_has_the_reason_the_note_and_an_excerpt(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = voxdesk("export", "--pdf", str(out), "--call", "call-reviewed", env=_env(home))
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert f"Missing evidence: {COMMENT}" in flat
    assert NOTE in flat
    assert "let me talk to a manager" in flat  # the excerpt around the note
    assert "Ana Reviewer" in flat and "call-reviewed" in flat
    assert "page 1 of" in flat  # every page says where it is in the call's report
    picture = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(picture)], check=True
    )
    [page] = list(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000


def test_no_matching_call_writes_no_pdf(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.pdf"
    result = voxdesk("export", "--pdf", str(out), "--call", "nope", env=_env(home))
    assert result.code == 1 and "no call matches" in result.err
    assert not out.exists()
