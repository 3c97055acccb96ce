"""Regenerate the Vozzo demo library in resources/demo/vozzo from scripts.yaml.

Every call is spoken with flite — the agent on channel 0, the customer on channel 1 —
encoded as small Ogg/Opus and listed in manifest.json with its use case, call date and
call type; the use cases are copied as they are. The audio is committed, so this only
needs running after editing the scripts.

    uv run python packaging/make_vozzo_demo.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from voxdesk.resources import resource_path
from voxdesk.server.analysis.synth import render, write_opus

# Below 20 kbit/s libopus folds stereo speech to mono: both channels would carry both sides.
BITRATE = 20_000


def main() -> None:
    folder: Path = resource_path("demo", "vozzo")
    scripts = yaml.safe_load((folder / "scripts.yaml").read_text("utf-8"))
    recordings = folder / "recordings"
    recordings.mkdir(exist_ok=True)
    calls = []
    for call in scripts["calls"]:
        samples, _ = render(call["turns"])
        name = f"{call['key']}.ogg"
        write_opus(recordings / name, samples, BITRATE)
        calls.append(
            {
                "file": f"recordings/{name}",
                "usecase": call["usecase"],
                "call_date": call["call_date"],
                "call_type": call["call_type"],
            }
        )
        print(f"{name}: {len(samples) / 16000:.1f} s")
    manifest = {"usecases": scripts["usecases"], "calls": calls}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
