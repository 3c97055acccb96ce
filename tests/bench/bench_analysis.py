"""Accuracy and speed of the offline analysis engine on the labelled evaluation set.

    uv run python tests/bench/bench_analysis.py [--opus]

Synthesises every call of tests/bench/eval_set/calls.yaml with flite into a temporary
directory (16 kHz stereo WAV, or Ogg/Opus at the demo library's bitrate with --opus),
runs ``analyze_recording`` on each and prints, beside the floor measured in the same run:

* word error rate of the transcript, and of pocketsphinx alone on the exact turn audio
  (oracle segmentation of the clean, un-encoded audio: what the recogniser does when
  endpointing and the codec cost nothing);
* criterion and outcome accuracy against the labels;
* real-time factor of the whole analysis, and of pocketsphinx alone on the turn audio;
* the analysis time of a ~60 s stereo call (the server's POST→completed budget is 20 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz.distance import Levenshtein

from voxdesk.server.analysis.asr import PAD_SECONDS, decoder, recognise
from voxdesk.server.analysis.engine import analyze_recording
from voxdesk.server.analysis.matching import normalise, phonemes
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.analysis.synth import RATE, PlacedTurn, render, write_opus, write_wav
from voxdesk.server.scorecard import load_scorecards

EVAL_SET = Path(__file__).with_name("eval_set") / "calls.yaml"
TARGET_ACCURACY = 0.90
LONG_CALL_IDS = ("eval-support-01-clean-fix", "eval-support-06-no-wrap-up")


@dataclass
class Tally:
    word_errors: int = 0
    oracle_errors: int = 0
    ref_words: int = 0
    criteria_right: int = 0
    criteria_total: int = 0
    outcomes_right: int = 0
    calls: int = 0
    audio_seconds: float = 0.0
    analysis_seconds: float = 0.0
    asr_seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def word_errors(placed: list[PlacedTurn], output: AnalysisOutput) -> tuple[int, int]:
    """Word edits between what each side said and what was transcribed for it, summed
    over both sides (per side, so overlapping speech does not scramble word order)."""
    errors = words = 0
    for speaker in ("agent", "customer"):
        ref = [w for t in placed if t.speaker == speaker for w in normalise(t.text)]
        hyp = [w for t in output.transcript if t.speaker == speaker for w, _, _ in t.words]
        errors += Levenshtein.distance(ref, hyp)
        words += len(ref)
    return errors, words


def oracle_decode(stereo: np.ndarray, placed: list[PlacedTurn]) -> tuple[int, float]:
    """Word errors and time of pocketsphinx alone on each turn's exact audio."""
    errors = 0
    started = time.perf_counter()
    for turn in placed:
        channel = stereo[:, 0 if turn.speaker == "agent" else 1]
        first = max(0, round((turn.start - PAD_SECONDS) * RATE))
        last = round((turn.end + PAD_SECONDS) * RATE)
        pcm = (channel[first:last] * 32767).astype(np.int16)
        hyp = [w.text for w in recognise(pcm)]
        errors += Levenshtein.distance(normalise(turn.text), hyp)
    return errors, time.perf_counter() - started


def run(opus: bool) -> int:
    calls = yaml.safe_load(EVAL_SET.read_text("utf-8"))["calls"]
    cards = load_scorecards()
    tally = Tally()
    started = time.perf_counter()
    decoder()
    phonemes("warm")
    print(f"model load: {time.perf_counter() - started:.2f} s (once per worker process)")
    with tempfile.TemporaryDirectory() as tmp:
        for call in calls:
            stereo, placed = render(call["turns"], call.get("voices"))
            path = Path(tmp) / f"{call['id']}.{'ogg' if opus else 'wav'}"
            (write_opus if opus else write_wav)(path, stereo)
            began = time.perf_counter()
            output = analyze_recording(path, cards[call["scorecard"]])
            elapsed = time.perf_counter() - began
            oracle, asr_time = oracle_decode(stereo, placed)
            errors, words = word_errors(placed, output)
            got = {c.criteriaId: c.result for s in output.sections for c in s.criterias}
            expected = call["expect"]["criteria"]
            wrong = [
                f"{c}: want {w}, got {got.get(c)}" for c, w in expected.items() if got.get(c) != w
            ]
            outcome_ok = output.outcomeLabel == call["expect"]["outcome"]
            if not outcome_ok:
                wrong.append(
                    f"outcome: want {call['expect']['outcome']}, got {output.outcomeLabel}"
                )
            tally.word_errors += errors
            tally.oracle_errors += oracle
            tally.ref_words += words
            tally.criteria_right += len(expected) - sum(
                1 for w in wrong if not w.startswith("outcome")
            )
            tally.criteria_total += len(expected)
            tally.outcomes_right += outcome_ok
            tally.calls += 1
            tally.audio_seconds += output.duration
            tally.analysis_seconds += elapsed
            tally.asr_seconds += asr_time
            tally.misses.extend(f"{call['id']}: {w}" for w in wrong)
            print(
                f"{call['id']:<42} {output.duration:5.1f} s  WER {errors / words:5.1%}  "
                f"analysis {elapsed:5.2f} s  {'ok' if not wrong else f'{len(wrong)} wrong'}"
            )
        long_call = [t for c in calls if c["id"] in LONG_CALL_IDS for t in c["turns"]]
        stereo, _ = render(long_call)
        path = Path(tmp) / f"long.{'ogg' if opus else 'wav'}"
        (write_opus if opus else write_wav)(path, stereo)
        began = time.perf_counter()
        long_output = analyze_recording(path, cards["support-qa"])
        long_time = time.perf_counter() - began
    report(tally, long_output.duration, long_time, opus)
    return 0 if accurate(tally) else 1


def accurate(t: Tally) -> bool:
    return (
        t.criteria_right / t.criteria_total >= TARGET_ACCURACY
        and t.outcomes_right / t.calls >= TARGET_ACCURACY
    )


def report(t: Tally, long_duration: float, long_time: float, opus: bool) -> None:
    audio = "Ogg/Opus 20 kbps" if opus else "16 kHz WAV"
    print(f"\n== {t.calls} calls, {t.audio_seconds:.0f} s of clean synthetic stereo ({audio})")
    print(
        f"word error rate        {t.word_errors / t.ref_words:6.1%}   "
        f"(floor, pocketsphinx on exact turns: {t.oracle_errors / t.ref_words:.1%}; "
        f"{t.ref_words} reference words)"
    )
    print(
        f"criterion accuracy     {t.criteria_right / t.criteria_total:6.1%}   "
        f"({t.criteria_right}/{t.criteria_total}; target {TARGET_ACCURACY:.0%})"
    )
    print(
        f"outcome accuracy       {t.outcomes_right / t.calls:6.1%}   "
        f"({t.outcomes_right}/{t.calls}; target {TARGET_ACCURACY:.0%})"
    )
    print(
        f"real-time factor       {t.analysis_seconds / t.audio_seconds:6.3f}   "
        f"(floor, pocketsphinx alone on the turns: {t.asr_seconds / t.audio_seconds:.3f})"
    )
    print(f"{long_duration:.0f} s stereo call       {long_time:5.1f} s analysis (warm process)")
    if t.misses:
        print("\nmisses:")
        for miss in t.misses:
            print(f"  {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opus", action="store_true", help="encode calls as Ogg/Opus first")
    return run(parser.parse_args().opus)


if __name__ == "__main__":
    sys.exit(main())
