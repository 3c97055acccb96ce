"""Regenerate the demo call library in resources/demo from resources/demo/dialogues.yaml.

Each scripted call is synthesised with flite (agent on channel 0, customer on channel
1), encoded as Ogg/Opus and listed in manifest.json, which the local server seeds on its
first start. The audio is committed, so this only needs running after editing the
scripts. ``--check`` then runs the analysis engine on every call and reports where its
result differs from the script's ``expect`` block.

    uv run python packaging/make_demo_library.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import yaml

from voxdesk.resources import resource_path
from voxdesk.server.analysis.engine import AnalysisError, analyze_recording
from voxdesk.server.analysis.synth import render, write_opus
from voxdesk.server.scorecard import load_scorecards

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


def check(demo_dir: Path, scripts: dict) -> int:
    """Analyse every call and count the results that differ from the scripts."""
    cards = load_scorecards()
    differences = 0
    for call in scripts["calls"]:
        output = analyze_recording(demo_dir / f"calls/{call['id']}.ogg", cards[call["scorecard"]])
        got = {c.criteriaId: c.result for s in output.sections for c in s.criterias}
        expect = call["expect"]
        wrong = [
            f"{cid}: expected {want}, got {got.get(cid)}"
            for cid, want in expect["criteria"].items()
            if got.get(cid) != want
        ]
        if output.outcomeLabel != expect["outcome"]:
            wrong.append(f"outcome: expected {expect['outcome']}, got {output.outcomeLabel}")
        differences += len(wrong)
        status = "ok" if not wrong else "; ".join(wrong)
        print(f"{call['id']}: score {output.score}, {output.outcomeLabel} — {status}")
    for call in scripts.get("broken", []):
        try:
            analyze_recording(demo_dir / f"calls/{call['id']}.ogg", cards[call["scorecard"]])
        except AnalysisError as exc:
            print(f"{call['id']}: fails as intended — {exc}")
        else:
            print(f"{call['id']}: expected a decode failure but it analysed")
            differences += 1
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="analyse and compare to expect")
    parser.add_argument("--only-check", action="store_true", help="check without rebuilding")
    args = parser.parse_args()
    demo_dir = resource_path("demo")
    scripts = yaml.safe_load((demo_dir / "dialogues.yaml").read_text("utf-8"))
    if not args.only_check:
        build(demo_dir, scripts)
    if args.check or args.only_check:
        differences = check(demo_dir, scripts)
        print(f"{differences} difference(s) from the scripts")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
