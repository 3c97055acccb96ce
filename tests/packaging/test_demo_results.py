"""The demo library ships with this engine's results for every one of its calls, so a
first run shows it analysed at once (issue 15 point 4).

This is the quick staleness check (hashes only); ``packaging/make_demo_library.py
--check`` re-runs the engine and compares every answer."""

from __future__ import annotations

import json

from voxdesk.resources import resource_path
from voxdesk.server.analysis.version import engine_version
from voxdesk.server.core.result_cache import file_sha256, read_shipped
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.platforms.voxxi.demo import manifest_path, shipped_cache_path
from voxdesk.server.platforms.voxxi.pipeline import recipe
from voxdesk.server.scorecard import load_scorecards

REGENERATE = "regenerate it: uv run python packaging/make_demo_library.py --cache"


def test_the_shipped_results_are_this_engines_for_every_demo_call() -> None:
    engine, results = read_shipped(shipped_cache_path())
    assert engine == engine_version(), f"the shipped demo results are stale; {REGENERATE}"
    cards = load_scorecards()
    manifest = json.loads(manifest_path().read_text("utf-8"))
    files = [call for call in manifest if "file" in call]
    assert len(files) == len(list(resource_path("demo", "calls").glob("*.ogg")))
    for call in files:
        key = (
            file_sha256(resource_path("demo", call["file"])),
            recipe(analyze_call, cards[call["categoryId"]]),
        )
        assert key in results, f"{call['file']} has no shipped result; {REGENERATE}"
    assert len(results) == len(files)
