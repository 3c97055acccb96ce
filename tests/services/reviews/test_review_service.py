"""The review service over the SQLite store: changes kept at once, on disk within
2 s (debounced, flushed on close), 0600 files, a draft that survives SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

from voxdesk.domain import CriterionResult
from voxdesk.domain.review import (
    CriterionOverride,
    OverrideReason,
    Review,
    ReviewNote,
    ReviewState,
)
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.reviews.service import LONGEST_WAIT, QUIET_SECONDS

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _override(cid: str = "greeting") -> CriterionOverride:
    return CriterionOverride(
        criterion_id=cid,
        result=CriterionResult.NO,
        reason=OverrideReason.WRONG_EVIDENCE,
        comment="the agent never said it",
    )


async def _open(path) -> ReviewService:
    service = ReviewService(SqliteReviewStore(path))
    await service.open()
    return service


async def _stored(path, connection: str, ref: str) -> Review | None:
    store = SqliteReviewStore(path)
    await store.open()
    try:
        return await store.load(connection, ref)
    finally:
        await store.close()


async def test_a_change_is_on_disk_within_two_seconds(tmp_path) -> None:
    path = tmp_path / "reviews.sqlite3"
    service = await _open(path)
    saved: list[datetime] = []
    service.on_saved(lambda at, _: saved.append(at))
    review = await service.review("conn-1", "call-1")
    assert review.state is ReviewState.UNREVIEWED
    started = time.monotonic()
    service.change(review.with_override(_override()))
    # Another service would not see it yet: the write waits for a quiet moment…
    assert await _stored(path, "conn-1", "call-1") is None
    while not saved:
        await asyncio.sleep(0.05)
        assert time.monotonic() - started < 2.0
    # …then it is there, for anyone who opens the file.
    stored = await _stored(path, "conn-1", "call-1")
    assert stored is not None and stored.override_for("greeting") == _override()
    assert stored.state is ReviewState.DRAFT
    await service.close()


async def test_steady_typing_still_saves_within_the_longest_wait(tmp_path) -> None:
    service = await _open(tmp_path / "reviews.sqlite3")
    saves: list[float] = []
    service.on_saved(lambda *_: saves.append(time.monotonic()))
    review = await service.review("c", "x")
    started = time.monotonic()
    for i in range(int((LONGEST_WAIT + 0.6) / (QUIET_SECONDS / 2))):
        review = review.with_override(_override().model_copy(update={"comment": "x" * (i + 1)}))
        service.change(review)
        await asyncio.sleep(QUIET_SECONDS / 2)
    assert saves, "a change every quarter second never reached the disk"
    assert saves[0] - started <= LONGEST_WAIT + 0.3
    await service.close()


async def test_close_flushes_and_a_new_service_reads_it_back(tmp_path) -> None:
    path = tmp_path / "reviews.sqlite3"
    service = await _open(path)
    review = await service.review("c", "x")
    note = ReviewNote(id="n1", start=12.5, text="customer asked twice", created_at=NOW)
    service.change(review.with_note(note).submitted("Ana", NOW))
    await service.close()
    again = await _open(path)
    review = await again.review("c", "x")
    assert review.notes == (note,) and review.state is ReviewState.REVIEWED
    [summary] = await again.summaries("c")
    assert (summary.call_ref, summary.state, summary.reviewer) == ("x", ReviewState.REVIEWED, "Ana")
    assert await again.summaries("other") == []
    await again.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from voxdesk.domain import CriterionResult
    from voxdesk.domain.review import CriterionOverride, OverrideReason, ReviewNote
    from voxdesk.services.reviews import ReviewService, SqliteReviewStore

    async def main():
        service = ReviewService(SqliteReviewStore(Path(sys.argv[1])))
        await service.open()
        review = await service.review("conn-1", "call-7")
        review = review.with_override(CriterionOverride(
            criterion_id="greeting", result=CriterionResult.NO,
            reason=OverrideReason.OTHER, comment="greeting was cut off"))
        service.change(review)
        review = review.with_note(ReviewNote(
            id="n1", start=42.0, text="long hold here", created_at=datetime.now(UTC)))
        service.change(review)
        print("changed", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


async def test_sigkill_one_second_after_an_override_and_a_note_loses_neither(tmp_path) -> None:
    path = tmp_path / "reviews.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "changed"
        await asyncio.sleep(1.0)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    review = await _stored(path, "conn-1", "call-7")
    assert review is not None
    override = review.override_for("greeting")
    assert override is not None and override.comment == "greeting was cut off"
    assert [n.text for n in review.notes] == ["long hold here"]
