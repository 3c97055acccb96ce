"""Regenerate the demo call library in resources/demo from resources/demo/dialogues.yaml.

Each scripted call is synthesised with flite (agent on channel 0, customer on channel
1), encoded as Ogg/Opus and listed in manifest.json, which the local server seeds on its
first start; then the analysis engine runs on every call, exactly as the server's worker
would, and its answers are written to ``analysis-cache.json.gz`` under the engine version
(``voxdesk.server.analysis.version``), so a first run shows the demo analysed at once.

    uv run python packaging/make_demo_library.py            # audio, manifest and cache
    uv run python packaging/make_demo_library.py --cache    # the cache only (engine changed)
    uv run python packaging/make_demo_library.py --check    # re-run the engine, compare

The audio is committed, so the full run is only needed after editing the scripts; any
change to the engine (its code, model or libraries) changes the engine version and needs
``--cache``, else the server ignores the stale cache and analyses the demo on first run.
``--check`` re-runs the engine on the committed audio and exits 1 if the shipped cache is
for another engine version or any answer differs from it; it also reports, without
failing, where a verdict differs from the script's ``expect`` block.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voxdesk.resources import resource_path
from voxdesk.server.analysis.synth import render, write_opus
from voxdesk.server.analysis.version import engine_version
from voxdesk.server.core.result_cache import file_sha256, read_shipped, write_shipped
from voxdesk.server.core.worker import analyze_call
from voxdesk.server.platforms.voxxi.demo import shipped_cache_path
from voxdesk.server.platforms.voxxi.pipeline import recipe
from voxdesk.server.scorecard import Scorecard, load_scorecards

BITRATE = 20_000
# An Ogg page signature followed by junk: looks like an upload, decodes as nothing.
JUNK_SEED = 8


def manifest_entry(call: dict, relative: str) -> dict:
    return {
        "file": relative,
        "memberId": call["agent"],
        "categoryId": call["scorecard"],
        "date": call["date"],
        "udfs": call.get("udfs", {}),
    }


def build(demo_dir: Path, scripts: dict) -> list[dict]:
    """Write every call's audio and return the manifest entries."""
    calls_dir = demo_dir / "calls"
    calls_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for call in scripts["calls"]:
        audio, _ = render(call["turns"], call.get("voices"))
        if call.get("mono"):
            audio = audio.sum(axis=1)
        relative = f"calls/{call['id']}.ogg"
        write_opus(demo_dir / relative, audio, BITRATE)
        entries.append(manifest_entry(call, relative))
        size = (demo_dir / relative).stat().st_size
        print(f"{relative}: {len(audio) / 16000:.1f} s, {size / 1024:.0f} KiB")
    rng = np.random.default_rng(JUNK_SEED)
    for call in scripts.get("broken", []):
        relative = f"calls/{call['id']}.ogg"
        junk = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
        (demo_dir / relative).write_bytes(b"OggS" + junk)
        entries.append(manifest_entry(call, relative))
        print(f"{relative}: damaged on purpose")
    entries.sort(key=lambda e: e["date"])
    (demo_dir / "manifest.json").write_text(json.dumps(entries, indent=2) + "\n", "utf-8")
    return entries


#: (audio hash, recipe, the worker's answer) for one call.
Entry = tuple[str, str, dict[str, Any]]


def _analyse(path: Path, card: Scorecard) -> Entry:
    """One call as the server's worker analyses it (runs in a worker process)."""
    return file_sha256(path), recipe(analyze_call, card), analyze_call(str(path), card)


def analyse_library(
    demo_dir: Path, manifest: list[dict], cards: dict[str, Scorecard], jobs: int
) -> list[Entry]:
    """Run the server's analysis job on every file of the manifest in ``jobs`` worker
    processes (the engine is repeatable, so which process gets which call does not
    matter); returns the entries in manifest order."""
    files = [call for call in manifest if "file" in call]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        entries = pool.map(
            _analyse,
            [demo_dir / call["file"] for call in files],
            [cards[call["categoryId"]] for call in files],
        )
        done = []
        for call, entry in zip(files, entries, strict=True):
            print(f"{call['file']}: {_verdict(entry[2])}", flush=True)
            done.append(entry)
    return done


def _verdict(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"fails: {result['error']}"
    analysis = result["analysis"]
    return f"score {analysis['score']}, {analysis['outcomeLabel']}"


def _first_difference(shipped: Any, fresh: Any, where: str = "") -> str:
    """Where two JSON values first differ, as a path (for the --check report)."""
    if isinstance(shipped, dict) and isinstance(fresh, dict):
        for name in sorted(set(shipped) | set(fresh)):
            if shipped.get(name) != fresh.get(name):
                return _first_difference(shipped.get(name), fresh.get(name), f"{where}.{name}")
    if isinstance(shipped, list) and isinstance(fresh, list) and len(shipped) == len(fresh):
        for index, (a, b) in enumerate(zip(shipped, fresh, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{where}[{index}]")
    return f"{where or 'result'}: shipped {json.dumps(shipped)[:80]}, now {json.dumps(fresh)[:80]}"


def compare_to_shipped(cache: Path, engine: str, entries: list[Entry]) -> int:
    """Count the mismatches between fresh ``entries`` and the shipped cache."""
    if not cache.is_file():
        print(f"{cache} does not exist: run without --check to write it")
        return 1
    shipped_engine, shipped = read_shipped(cache)
    mismatches = 0
    if shipped_engine != engine:
        print(f"stale: the cache is for engine {shipped_engine}, this engine is {engine}")
        mismatches += 1
    for audio, key, result in entries:
        if (audio, key) not in shipped:
            print(f"missing from the cache: audio {audio[:12]}… with {key}")
            mismatches += 1
        elif shipped[(audio, key)] != result:
            print(
                f"differs: audio {audio[:12]}…: {_first_difference(shipped[(audio, key)], result)}"
            )
            mismatches += 1
    extra = len(shipped) - len({(a, k) for a, k, _ in entries})
    if extra > 0:
        print(f"{extra} cached result(s) belong to no call of the manifest")
        mismatches += 1
    return mismatches


def report_expectations(scripts: dict, manifest: list[dict], entries: list[Entry]) -> int:
    """Print where the engine's verdicts differ from the scripts' ``expect`` blocks."""
    results = {
        call["file"]: entry[2]
        for call, entry in zip((c for c in manifest if "file" in c), entries, strict=True)
    }
    differences = 0
    for call in scripts["calls"]:
        result = results[f"calls/{call['id']}.ogg"]
        if "error" in result:
            print(f"{call['id']}: expected an analysis, got: {result['error']}")
            differences += 1
            continue
        analysis = result["analysis"]
        got = {c["criteriaId"]: c["result"] for s in analysis["sections"] for c in s["criterias"]}
        expect = call["expect"]
        wrong = [
            f"{cid}: expected {want}, got {got.get(cid)}"
            for cid, want in expect["criteria"].items()
            if got.get(cid) != want
        ]
        if analysis["outcomeLabel"] != expect["outcome"]:
            wrong.append(f"outcome: expected {expect['outcome']}, got {analysis['outcomeLabel']}")
        differences += len(wrong)
        if wrong:
            print(f"{call['id']}: " + "; ".join(wrong))
    for call in scripts.get("broken", []):
        if "error" not in results[f"calls/{call['id']}.ogg"]:
            print(f"{call['id']}: expected a decode failure but it analysed")
            differences += 1
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--cache", action="store_true", help="rewrite the cache only")
    mode.add_argument("--check", action="store_true", help="re-run the engine and compare")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args()
    demo_dir = resource_path("demo")
    scripts = yaml.safe_load((demo_dir / "dialogues.yaml").read_text("utf-8"))
    if not (args.cache or args.check):
        build(demo_dir, scripts)
    manifest = json.loads((demo_dir / "manifest.json").read_text("utf-8"))
    engine = engine_version()
    print(f"engine version {engine}")
    entries = analyse_library(demo_dir, manifest, load_scorecards(), max(1, args.jobs))
    differences = report_expectations(scripts, manifest, entries)
    print(f"{differences} verdict(s) differ from the scripts' expect blocks")
    cache = shipped_cache_path()
    if args.check:
        mismatches = compare_to_shipped(cache, engine, entries)
        print(f"{mismatches} mismatch(es) with the shipped cache {cache.name}")
        return 1 if mismatches else 0
    write_shipped(cache, engine, entries)
    print(f"wrote {cache} ({cache.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
