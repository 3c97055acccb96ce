"""First run with a fresh profile: the demo library is analysed when the list first
shows it (issue 15 point 4). The window starts the real local server on a fresh data
dir, which seeds the demo library from its shipped results: no call is ever pending.

If this fails with pending rows, the shipped results are stale (the engine changed
since they were generated): ``uv run python packaging/make_demo_library.py --cache``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.conftest import Driver, WindowFactory, make_services
from voxdesk.domain import CallStatus
from voxdesk.resources import resource_path


def test_the_demo_calls_are_complete_in_the_first_paint(
    driver: Driver, windows: WindowFactory, tmp_path: Path
) -> None:
    manifest = json.loads(resource_path("demo", "manifest.json").read_text("utf-8"))
    services = make_services(tmp_path, [], server_dir=tmp_path / "server")
    window = windows.open(services, start=False)
    shown: list[list[CallStatus]] = []

    def note_rows() -> None:
        shown.append([row.status for row in window.model.state.rows])

    window.model.modelReset.connect(note_rows)
    window.model.rowsInserted.connect(note_rows)
    driver.call(window.start)
    driver.wait_until(lambda: any(shown), timeout=90, what="the first rows")

    first = next(rows for rows in shown if rows)
    assert len(first) == len(manifest)
    # Every call analysed, except the deliberately damaged upload, which failed.
    assert first.count(CallStatus.FAILED) == 1
    assert first.count(CallStatus.COMPLETED) == len(manifest) - 1
