"""Accuracy of the use-case answering engine (``usecase_answers``) on a labelled set of
scripted calls, on recognised speech and on the scripts' own text (the ceiling).

    uv run python tests/bench/bench_usecase_answers.py [--sets tuning,heldout] [--only IDS]
        [--format wav|opus] [--text-only] [--fresh]

Every call of tests/bench/eval_set/usecases.yaml is spoken by flite (``synth.render``,
the demo's synthesiser: agent on the left channel, customer on the right) and
transcribed by the real analysis path (``decode_channels`` + ``transcribe``:
endpointing and pocketsphinx, with word posteriors); then the engine answers each use
case's questions and chooses its bucket. The same is done on the script's text, turn by
turn, with no recogniser (every word certain). ``--format opus`` recognises the demo
library's Ogg/Opus at 20 kbps instead of 16 kHz WAV.

Printed per condition: answer accuracy (answer equal to the label), the Not-clear rate,
wrong committed answers (a Yes or No that is wrong: the costly error), recall of the
labelled Not clear, and bucket accuracy, then every miss with the engine's reason.

Recognition is the slow part (~0.2-0.5 × real time, more on a shared machine), so each
transcript is cached by the SHA-256 of the call's WAV bytes and of the recognition
code, in the system temp dir (``--fresh`` ignores the cache).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import voxdesk.server.analysis.asr as asr_module
import voxdesk.server.analysis.segment as segment_module
import voxdesk.server.analysis.transcript as transcript_module
from voxdesk.server.analysis.audio import decode_channels
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.synth import PlacedTurn, render, write_opus, write_wav
from voxdesk.server.analysis.transcript import transcribe
from voxdesk.server.analysis.usecase_answers import (
    NOT_CLEAR,
    Bucket,
    Turn,
    answer_questions,
    choose_bucket,
    turns_from_transcript,
)

EVAL_SET = Path(__file__).with_name("eval_set") / "usecases.yaml"
CACHE_DIR = Path(tempfile.gettempdir()) / "voxdesk-bench-usecase-asr"
AGENT_CHANNEL = 0  # synth.render puts the agent on the left channel


@dataclass
class Tally:
    answers: int = 0
    right: int = 0
    not_clear: int = 0
    wrong_committed: int = 0
    labelled_not_clear: int = 0
    not_clear_recalled: int = 0
    buckets: int = 0
    buckets_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add_answer(self, call_id: str, qid: str, want: str, got, reason_prefix="") -> None:
        self.answers += 1
        self.right += got.answer == want
        self.not_clear += got.answer == NOT_CLEAR
        self.wrong_committed += got.answer not in (want, NOT_CLEAR)
        if want == NOT_CLEAR:
            self.labelled_not_clear += 1
            self.not_clear_recalled += got.answer == NOT_CLEAR
        if got.answer != want:
            self.misses.append(
                f"{call_id} {qid}: want {want}, got {got.answer} — {got.reason} [{got.evidence}]"
            )


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


def recognised_turns(stereo, folder: Path, fresh: bool, audio_format: str) -> list[Turn]:
    """The call as the analysis path hears it from a file of ``audio_format`` (``wav``:
    16 kHz PCM; ``opus``: the demo library's Ogg/Opus at 20 kbps), cached by the
    synthesised audio, the format and the recogniser's code."""
    path = folder / "call.wav"
    write_wav(path, stereo)
    digest = hashlib.sha256(path.read_bytes())
    digest.update(audio_format.encode())
    if audio_format == "opus":
        path = folder / "call.ogg"
        write_opus(path, stereo)
    for module in (asr_module, segment_module, transcript_module):
        digest.update(Path(module.__file__).read_bytes())
    cached = CACHE_DIR / f"{digest.hexdigest()}.json"
    if cached.exists() and not fresh:
        transcript = [TranscriptTurn.model_validate(t) for t in json.loads(cached.read_text())]
    else:
        transcript = transcribe(decode_channels(path), AGENT_CHANNEL)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(
            json.dumps([{**t.model_dump(), "confidences": t.confidences} for t in transcript])
        )
    return turns_from_transcript(transcript)


def text_turns(placed: list[PlacedTurn]) -> list[Turn]:
    return [Turn(t.speaker, round(t.start, 2), t.text, round(t.end, 2)) for t in placed]


def judge(tally: Tally, call: dict, usecase: dict, turns: list[Turn]) -> None:
    qids = list(call["expect"]["answers"])
    questions = [usecase["questions"][q] for q in qids]
    for qid, got in zip(qids, answer_questions(turns, questions), strict=True):
        tally.add_answer(call["id"], qid, call["expect"]["answers"][qid], got)
    buckets = [Bucket(b["name"], b["description"]) for b in usecase["buckets"]]
    choice = choose_bucket(turns, buckets)
    tally.buckets += 1
    want = call["expect"]["bucket"]
    if choice.name == want:
        tally.buckets_right += 1
    else:
        tally.misses.append(
            f"{call['id']} bucket: want {want}, got {choice.name} — {choice.reason}"
        )


def report(title: str, t: Tally) -> None:
    print(f"\n-- {title}: {t.answers} answers, {t.buckets} calls")
    print(f"answer accuracy        {ratio(t.right, t.answers)}   ({t.right}/{t.answers})")
    print(f"Not-clear rate         {ratio(t.not_clear, t.answers)}   ({t.not_clear}/{t.answers})")
    print(
        f"wrong Yes/No answers   {ratio(t.wrong_committed, t.answers)}   "
        f"({t.wrong_committed}/{t.answers}: committed and wrong)"
    )
    print(
        f"accuracy when answered {ratio(t.right - t.not_clear_recalled, t.answers - t.not_clear)}"
        f"   (of the {t.answers - t.not_clear} Yes/No answers)"
    )
    print(
        f"labelled Not clear     {ratio(t.not_clear_recalled, t.labelled_not_clear)}   "
        f"({t.not_clear_recalled}/{t.labelled_not_clear} answered Not clear)"
    )
    buckets = f"{ratio(t.buckets_right, t.buckets)}   ({t.buckets_right}/{t.buckets})"
    print(f"bucket accuracy        {buckets}")
    for miss in t.misses:
        print(f"  miss {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated call ids to run")
    parser.add_argument("--text-only", action="store_true", help="skip speech (text ceiling)")
    parser.add_argument(
        "--sets", default="tuning,heldout", help="which labelled sets: tuning, heldout"
    )
    parser.add_argument(
        "--format", choices=("wav", "opus"), default="wav", help="recording format recognised"
    )
    parser.add_argument("--fresh", action="store_true", help="recognise again, ignore cache")
    args = parser.parse_args()
    data = yaml.safe_load(EVAL_SET.read_text("utf-8"))
    sets = {
        name: calls
        for key, name, calls in (
            ("tuning", "tuning set", data["calls"]),
            ("heldout", "held-out set", data["heldout"]),
        )
        if key in args.sets.split(",")
    }
    tallies: dict[tuple[str, str], Tally] = {}
    audio_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for set_name, calls in sets.items():
            text = tallies.setdefault((set_name, "text"), Tally())
            speech = tallies.setdefault((set_name, "speech"), Tally())
            for call in calls:
                if args.only and call["id"] not in args.only.split(","):
                    continue
                usecase = data["usecases"][call["usecase"]]
                stereo, placed = render(call["turns"], call.get("voices"))
                judge(text, call, usecase, text_turns(placed))
                if args.text_only:
                    continue
                began = time.perf_counter()
                turns = recognised_turns(stereo, Path(tmp), args.fresh, args.format)
                audio_seconds += placed[-1].end
                judge(speech, call, usecase, turns)
                elapsed = time.perf_counter() - began
                print(f"{call['id']:<30} {placed[-1].end:5.1f} s  recognised in {elapsed:5.1f} s")
    for (set_name, condition), tally in tallies.items():
        if tally.answers:
            what = (
                "script text (ceiling: no recogniser)"
                if condition == "text"
                else f"recognised speech ({args.format}, flite + pocketsphinx)"
            )
            report(f"{set_name}, {what}", tally)
    if audio_seconds:
        print(f"\n{audio_seconds:.0f} s of calls recognised or read from the cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
