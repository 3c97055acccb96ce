"""A damaged or lost database is caught at start: the server exits with its own code
(3) and one plain sentence naming the file and what to do, instead of a traceback, an
empty library over recordings on disk, or a 500 on some later list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.local_server import LocalServer
from voxdesk.server.platforms.voxxi.store import CallRecord, Member, Store

pytestmark = pytest.mark.timeout(120)
EXIT_DATABASE = 3


def start(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the server on ``data_dir``; one that starts instead of refusing times out."""
    return subprocess.run(
        [sys.executable, "-m", "voxdesk.server", "--port", "0", "--no-demo",
         "--data-dir", str(data_dir), "--token", "t"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == EXIT_DATABASE, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def fill(database: Path, calls: int) -> None:
    store = Store(database)
    store.add_member(Member("m1", "qa@acme.test", "QA"))
    analysis = {"summary": "A customer asked about a refund. " * 20, "sections": []}
    for n in range(calls):
        store.insert_call(
            CallRecord(
                id=f"call-{n:06d}", member_id="m1", category_id="support-qa",
                audio_url=f"http://example.test/{n}.wav", call_date="2026-01-01T00:00:00Z",
                udfs={}, status="completed", stage="done", error=None, duration=1.0,
                analysis=analysis, created_at="2026-01-01T00:00:00Z",
                updated_at="2026-01-01T00:00:00Z",
            )
        )  # fmt: skip
    store.close()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "voxdesk.sqlite3").write_bytes(os.urandom(16384))
    assert_refused(start(data), str(data / "voxdesk.sqlite3"), "damaged", "backup")


def test_garbage_in_the_middle_of_a_database_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "voxdesk.sqlite3"
    fill(database, 2000)
    size = database.stat().st_size
    with database.open("r+b") as handle:  # two whole pages in the middle
        handle.seek((size // 2) // 4096 * 4096)
        handle.write(os.urandom(8192))
    assert_refused(start(data), str(database), "damaged")


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_lost_database_over_recordings_is_refused(tmp_path, how):
    data = tmp_path / "data"
    (data / "recordings").mkdir(parents=True)
    (data / "recordings" / "call-1").write_bytes(b"RIFF....WAVE")
    (data / "storage" / "uploads" / "a").mkdir(parents=True)
    (data / "storage" / "uploads" / "a" / "call.wav").write_bytes(b"RIFF....WAVE")
    if how == "emptied":
        (data / "voxdesk.sqlite3").write_bytes(b"")
    assert_refused(start(data), str(data / "voxdesk.sqlite3"), "missing or empty", "2 recording")
    # Nothing was written over what is left.
    assert (data / "voxdesk.sqlite3").exists() == (how == "emptied")
    assert not (data / "voxdesk.sqlite3").exists() or not (data / "voxdesk.sqlite3").read_bytes()


def test_an_empty_database_without_recordings_starts(tmp_path):
    """A first start, or one after the library was cleared on purpose."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "voxdesk.sqlite3").write_bytes(b"")
    with LocalServer(data, extra_args=["--no-demo"]) as server:
        assert server.base_url
