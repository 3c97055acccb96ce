"""Regenerate the voice-bot demo library in resources/demo/voicecalls from scripts.yaml.

Every call that connected is synthesised with flite — the bot on channel 0 in a
synthetic voice, the customer on channel 1 — with the campaign's post-call survey
played out as scripted, encoded as small Ogg/Opus and listed in manifest.json with its
contract body: the transcript's timestamps are where each turn lands in the recording,
and the talk time is measured from the audio (first to last speech heard on either
channel). The audio is committed, so this only needs running after editing the scripts.

    uv run python packaging/make_voicecalls_demo.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voxdesk.contracts.voicecalls import (
    CallState,
    EpaResults,
    SurveyResponse,
    TranscriptTurn,
    VoiceCall,
)
from voxdesk.resources import resource_path
from voxdesk.server.analysis.audio import SAMPLE_RATE, decode_channels
from voxdesk.server.analysis.segment import find_speech, frame_levels_db
from voxdesk.server.analysis.synth import PlacedTurn, render, write_opus

# Below 20 kbit/s libopus folds stereo speech to mono: both channels would carry both sides.
BITRATE = 20_000
FRAMES_PER_SECOND = 100
SPEECH_DB = -40.0
SURVEY_INTRO = "Before you go, please answer a short survey."
TIMEOUT_WAIT = 6.0
TIMEOUT_GOODBYE = "I did not hear an answer. Thank you for your time. Goodbye."
SURVEY_THANKS = "Thank you for your answers. Goodbye."


def call_id(key: str) -> str:
    return "vc_" + hashlib.sha1(key.encode()).hexdigest()[:10]


def survey_turns(questions: list[dict], scales: dict, plan: dict) -> tuple[list[dict], EpaResults]:
    """The survey's turns appended to the call's script, and its results."""
    answers = plan.get("answers", [])
    turns: list[dict] = []
    responses = []
    for index, question in enumerate(questions):
        prompt = question["question"] + (" Say yes or no." if question["scale"] == "yesno" else "")
        turns.append({"agent": (SURVEY_INTRO + " " if index == 0 else "") + prompt})
        if index >= len(answers):
            break
        spoken = answers[index]
        turns.append({"customer": spoken.capitalize() + "."})
        responses.append(
            SurveyResponse(
                question=question["question"],
                answer=spoken.capitalize(),
                score=scales[question["scale"]][spoken],
            )
        )
    complete = len(responses) == len(questions)
    if complete:
        turns.append({"agent": SURVEY_THANKS})
    elif plan["end"] == "timeout":
        turns.append({"agent": TIMEOUT_GOODBYE, "pause": TIMEOUT_WAIT})
    scores = [float(r.score) for r in responses if r.score is not None]
    results = EpaResults(
        state="Completed" if complete else "Partial" if responses else "NotStarted",
        completion_reason="AllAnswered"
        if complete
        else {"hangup": "HangUp", "timeout": "Timeout"}[plan["end"]],
        total_questions=len(questions),
        questions_answered=len(responses),
        calculated_score=round(sum(scores) / len(scores) * 20, 1) if scores else None,
        responses=responses,
    )
    return turns, results


def channel_levels(path: Path) -> list[np.ndarray]:
    """Per-channel frame levels of the written recording, refusing one whose channels
    came out the same (the sides would be indistinguishable)."""
    audio = decode_channels(path)
    levels = [frame_levels_db(samples) for samples in audio.channels]
    if len(levels) != 2 or np.max(np.abs(levels[0] - levels[1])) < 20:
        raise SystemExit(f"{path}: the encoded channels are not separate")
    return levels


def speech_onset(levels: list[np.ndarray], turn: PlacedTurn) -> float:
    """Where the turn's speech begins in the recording (flite pads each turn with a
    little silence): its first frame clearly louder on its own channel than on the other."""
    own, other = (levels[0], levels[1]) if turn.speaker == "agent" else (levels[1], levels[0])
    first, last = round(turn.start * FRAMES_PER_SECOND), round(turn.end * FRAMES_PER_SECOND)
    loud = np.flatnonzero(
        (own[first:last] > SPEECH_DB) & (own[first:last] > other[first:last] + 10)
    )
    return (first + (loud[0] if loud.size else 0)) / FRAMES_PER_SECOND


def measured_talk_seconds(levels: list[np.ndarray]) -> float:
    """First to last speech heard on either channel."""
    spans = [
        segment
        for index, own in enumerate(levels)
        for segment in find_speech(own, levels[1 - index])
    ]
    if not spans:
        return 0.0
    return max(s.end for s in spans) - min(s.start for s in spans)


def build_call(call: dict, scripts: dict, out_dir: Path) -> dict[str, Any]:
    campaign = scripts["campaigns"][call["campaign"]]
    state = CallState(call.get("state", "Completed"))
    start = datetime.fromisoformat(call["start"])
    ident = call_id(call["key"])
    entry: dict[str, Any] = {}
    if not state.connected:
        duration = float(call["ring"])
        wire = VoiceCall(
            id=ident,
            campaign_id=call["campaign"],
            direction=call["direction"],
            state=state,
            start_time=start,
            end_time=start + timedelta(seconds=duration),
            duration_seconds=round(duration),
            created_at=start,
        )
        return wire.dump()
    turns = list(call["turns"])
    results = None
    if "survey" in campaign:
        extra, results = survey_turns(campaign["survey"], scripts["scales"], call["survey"])
        turns += extra
    audio, placed = render(turns, {"agent": scripts["bot_voice"], "customer": call["voice"]})
    relative = f"recordings/{ident}.ogg"
    write_opus(out_dir / relative, audio, BITRATE)
    levels = channel_levels(out_dir / relative)
    length = len(audio) / SAMPLE_RATE
    duration = call["ring"] + length
    wire = VoiceCall(
        id=ident,
        campaign_id=call["campaign"],
        direction=call["direction"],
        state=state,
        start_time=start,
        end_time=start + timedelta(seconds=duration),
        duration_seconds=round(duration),
        talk_time_seconds=round(measured_talk_seconds(levels)),
        outcome=call["outcome"],
        transcript=[
            TranscriptTurn(
                role=turn.speaker,
                text=turn.text,
                timestamp=TranscriptTurn.format_offset(speech_onset(levels, turn)),
            )
            for turn in placed
        ],
        epa_results=results,
        created_at=start,
    )
    entry = wire.dump()
    entry["recording"] = relative
    size = (out_dir / relative).stat().st_size
    print(f"{call['key']} {relative}: {length:.1f} s, {size / 1024:.0f} KiB")
    return entry


def build(out_dir: Path, scripts: dict) -> list[dict[str, Any]]:
    (out_dir / "recordings").mkdir(parents=True, exist_ok=True)
    for stale in (out_dir / "recordings").glob("*.ogg"):
        stale.unlink()
    calls = [build_call(call, scripts, out_dir) for call in scripts["calls"]]
    calls.sort(key=lambda c: (c["startTime"], c["id"]), reverse=True)
    manifest = {
        "campaigns": {
            cid: {"name": c["name"], "survey": "survey" in c}
            for cid, c in scripts["campaigns"].items()
        },
        "calls": calls,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    out_dir = resource_path("demo", "voicecalls")
    scripts = yaml.safe_load((out_dir / "scripts.yaml").read_text("utf-8"))
    calls = build(out_dir, scripts)
    total = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    print(f"{len(calls)} calls, {total / 1024:.0f} KiB in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
