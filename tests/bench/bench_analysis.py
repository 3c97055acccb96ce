"""Accuracy and speed of the offline analysis engine on the labelled evaluation set,
per recording condition.

    uv run python tests/bench/bench_analysis.py [--conditions clean,tel15,tel5,opus] [--long]

Synthesises every call of tests/bench/eval_set/calls.yaml with flite (the scorecards are
the built-in ones plus tests/bench/eval_set/scorecards, which name a company and a
product outside the recogniser's dictionary) and renders it as each condition:

* ``clean``: 16 kHz stereo WAV;
* ``tel15`` / ``tel5``: a telephone line: band-limited to 300-3400 Hz, line noise (in
  band) at 15 / 5 dB below the speech, 8 kHz, 8-bit μ-law companded, 8 kHz WAV;
* ``opus``: Ogg/Opus at the demo library's 20 kbps.

For each condition it runs ``analyze_recording`` on every call and prints: word error
rate (and of pocketsphinx alone on the exact turns of the same degraded audio: the
floor, what the recogniser does when endpointing costs nothing), criterion accuracy,
recall of "No" (of the criteria labelled No, the share judged No), outcome accuracy,
the share of uncertain results and the accuracy of uncertain and of confident ones, and
the real-time factor of the whole analysis beside that of pocketsphinx alone, measured
in the same run (the machine may be shared: compare the two, not the absolute figure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz.distance import Levenshtein

from voxdesk.server.analysis.asr import PAD_SECONDS, decoder, recognise
from voxdesk.server.analysis.audio import SAMPLE_RATE, decode_channels
from voxdesk.server.analysis.engine import analyze_recording
from voxdesk.server.analysis.matching import normalise
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.analysis.synth import RATE, PlacedTurn, render, write_opus, write_wav
from voxdesk.server.scorecard import load_scorecards

EVAL_DIR = Path(__file__).with_name("eval_set")
EVAL_SET = EVAL_DIR / "calls.yaml"
TARGETS = {
    "clean": {"criteria": 0.95},
    "tel15": {"criteria": 0.90, "outcome": 0.85, "no_recall": 0.85},
}
LONG_CALL_IDS = ("eval-support-01-clean-fix", "eval-support-06-no-wrap-up")
TELEPHONE_BAND = (300.0, 3400.0)
MU = 255.0


def band_limit(samples: np.ndarray, rate: int, low: float, high: float) -> np.ndarray:
    """Zero every frequency outside ``low``-``high`` Hz (per column)."""
    spectrum = np.fft.rfft(samples, axis=0)
    freqs = np.fft.rfftfreq(samples.shape[0], 1.0 / rate)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, n=samples.shape[0], axis=0)


def telephone(stereo: np.ndarray, snr_db: float, placed: list[PlacedTurn]) -> np.ndarray:
    """``stereo`` (16 kHz) as a phone line delivers it: 8 kHz, in-band line noise at
    ``snr_db`` below each side's speech level, μ-law companded to 8 bits."""
    rng = np.random.default_rng(15)
    line = band_limit(stereo, RATE, *TELEPHONE_BAND)
    noise = band_limit(rng.normal(size=stereo.shape), RATE, *TELEPHONE_BAND)
    for channel, speaker in enumerate(("agent", "customer")):
        spans = [t for t in placed if t.speaker == speaker]
        if not spans:
            continue
        speech = np.concatenate(
            [line[round(t.start * RATE) : round(t.end * RATE), channel] for t in spans]
        )
        speech_rms = float(np.sqrt(np.mean(speech**2)))
        noise_rms = float(np.sqrt(np.mean(noise[:, channel] ** 2)))
        line[:, channel] += noise[:, channel] * speech_rms / noise_rms / 10 ** (snr_db / 20)
    narrow = np.clip(line[::2], -1.0, 1.0)  # band-limited below 4 kHz: no aliasing
    companded = np.sign(narrow) * np.log1p(MU * np.abs(narrow)) / np.log1p(MU)
    quantised = np.round(companded * 127) / 127
    return np.sign(quantised) * np.expm1(np.abs(quantised) * np.log1p(MU)) / MU


def write_clean(path: Path, stereo: np.ndarray, _placed: list[PlacedTurn]) -> Path:
    write_wav(path.with_suffix(".wav"), stereo)
    return path.with_suffix(".wav")


def write_telephone(snr_db: float) -> Callable[[Path, np.ndarray, list[PlacedTurn]], Path]:
    def write(path: Path, stereo: np.ndarray, placed: list[PlacedTurn]) -> Path:
        write_wav(path.with_suffix(".wav"), telephone(stereo, snr_db, placed), rate=RATE // 2)
        return path.with_suffix(".wav")

    return write


def write_opus_file(path: Path, stereo: np.ndarray, _placed: list[PlacedTurn]) -> Path:
    write_opus(path.with_suffix(".ogg"), stereo)
    return path.with_suffix(".ogg")


CONDITIONS: dict[str, tuple[str, Callable[[Path, np.ndarray, list[PlacedTurn]], Path]]] = {
    "clean": ("clean 16 kHz WAV", write_clean),
    "tel15": ("telephone 8 kHz μ-law, 15 dB SNR", write_telephone(15.0)),
    "tel5": ("telephone 8 kHz μ-law, 5 dB SNR", write_telephone(5.0)),
    "opus": ("Ogg/Opus 20 kbps", write_opus_file),
}


@dataclass
class Tally:
    word_errors: int = 0
    oracle_errors: int = 0
    ref_words: int = 0
    criteria_right: int = 0
    criteria_total: int = 0
    no_right: int = 0
    no_total: int = 0
    uncertain: int = 0
    uncertain_right: int = 0
    outcomes_right: int = 0
    calls: int = 0
    audio_seconds: float = 0.0
    analysis_seconds: float = 0.0
    asr_seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def ratio(self, part: int, whole: int) -> float:
        return part / whole if whole else float("nan")

    @property
    def criteria(self) -> float:
        return self.ratio(self.criteria_right, self.criteria_total)

    @property
    def outcome(self) -> float:
        return self.ratio(self.outcomes_right, self.calls)

    @property
    def no_recall(self) -> float:
        return self.ratio(self.no_right, self.no_total)


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


def oracle_decode(path: Path, placed: list[PlacedTurn]) -> tuple[int, float]:
    """Word errors and time of pocketsphinx alone on each turn's exact audio, as the
    engine receives it from this condition's file."""
    channels = decode_channels(path).channels
    errors = 0
    started = time.perf_counter()
    for turn in placed:
        channel = channels[0 if turn.speaker == "agent" else 1]
        first = max(0, round((turn.start - PAD_SECONDS) * SAMPLE_RATE))
        last = round((turn.end + PAD_SECONDS) * SAMPLE_RATE)
        hyp = [w.text for w in recognise(channel[first:last])]
        errors += Levenshtein.distance(normalise(turn.text), hyp)
    return errors, time.perf_counter() - started


def score(tally: Tally, call: dict, output: AnalysisOutput) -> list[str]:
    """Add one call's verdicts to ``tally``; returns what it got wrong."""
    results = {c.criteriaId: c for s in output.sections for c in s.criterias}
    wrong = []
    for cid, want in call["expect"]["criteria"].items():
        got = results.get(cid)
        right = got is not None and got.result == want
        tally.criteria_total += 1
        tally.criteria_right += right
        if want == "No":
            tally.no_total += 1
            tally.no_right += right
        if got is not None and got.uncertain:
            tally.uncertain += 1
            tally.uncertain_right += right
        if not right:
            flag = " (uncertain)" if got is not None and got.uncertain else ""
            wrong.append(f"{cid}: want {want}, got {got.result if got else None}{flag}")
    tally.calls += 1
    if output.outcomeLabel == call["expect"]["outcome"]:
        tally.outcomes_right += 1
    else:
        wrong.append(f"outcome: want {call['expect']['outcome']}, got {output.outcomeLabel}")
    return wrong


def run_condition(name: str, calls: list[dict], cards: dict, folder: Path) -> Tally:
    label, write = CONDITIONS[name]
    print(f"\n== {label}")
    tally = Tally()
    for call in calls:
        stereo, placed = render(call["turns"], call.get("voices"))
        path = write(folder / f"{name}-{call['id']}", stereo, placed)
        began = time.perf_counter()
        output = analyze_recording(path, cards[call["scorecard"]])
        elapsed = time.perf_counter() - began
        oracle, asr_time = oracle_decode(path, placed)
        errors, words = word_errors(placed, output)
        wrong = score(tally, call, output)
        tally.word_errors += errors
        tally.oracle_errors += oracle
        tally.ref_words += words
        tally.audio_seconds += output.duration
        tally.analysis_seconds += elapsed
        tally.asr_seconds += asr_time
        tally.misses.extend(f"{call['id']}: {w}" for w in wrong)
        print(
            f"{call['id']:<36} {output.duration:5.1f} s  WER {errors / words:5.1%}  "
            f"analysis {elapsed:5.2f} s  {'ok' if not wrong else f'{len(wrong)} wrong'}"
        )
    return tally


def report(name: str, t: Tally) -> None:
    print(f"\n-- {CONDITIONS[name][0]}: {t.calls} calls, {t.audio_seconds:.0f} s of stereo audio")
    print(
        f"word error rate      {t.ratio(t.word_errors, t.ref_words):6.1%}   (floor, pocketsphinx "
        f"on exact turns: {t.ratio(t.oracle_errors, t.ref_words):.1%}; {t.ref_words} words)"
    )
    print(f"criterion accuracy   {t.criteria:6.1%}   ({t.criteria_right}/{t.criteria_total})")
    print(f'recall of "No"       {t.no_recall:6.1%}   ({t.no_right}/{t.no_total})')
    print(f"outcome accuracy     {t.outcome:6.1%}   ({t.outcomes_right}/{t.calls})")
    certain = t.criteria_total - t.uncertain
    print(
        f"uncertain results    {t.ratio(t.uncertain, t.criteria_total):6.1%}   "
        f"(accuracy {t.ratio(t.uncertain_right, t.uncertain):.0%} of {t.uncertain} uncertain, "
        f"{t.ratio(t.criteria_right - t.uncertain_right, certain):.0%} of {certain} confident)"
    )
    print(
        f"real-time factor     {t.analysis_seconds / t.audio_seconds:6.3f}   "
        f"(pocketsphinx alone on the turns, same run: {t.asr_seconds / t.audio_seconds:.3f})"
    )
    for miss in t.misses:
        print(f"  miss {miss}")


def table(tallies: dict[str, Tally]) -> None:
    print("\n| condition | WER | criteria | No recall | outcome | uncertain (acc.) | RTF (alone) |")
    print("|---|---|---|---|---|---|---|")
    for name, t in tallies.items():
        print(
            f"| {CONDITIONS[name][0]} | {t.ratio(t.word_errors, t.ref_words):.1%} | "
            f"{t.criteria:.3f} | {t.no_recall:.3f} | {t.outcome:.3f} | "
            f"{t.ratio(t.uncertain, t.criteria_total):.1%} "
            f"({t.ratio(t.uncertain_right, t.uncertain):.0%}) | "
            f"{t.analysis_seconds / t.audio_seconds:.3f} ({t.asr_seconds / t.audio_seconds:.3f}) |"
        )


def on_target(tallies: dict[str, Tally]) -> bool:
    met = True
    for name, targets in TARGETS.items():
        if name not in tallies:
            continue
        for metric, target in targets.items():
            value = getattr(tallies[name], metric)
            if not value >= target:
                print(f"below target: {name} {metric} {value:.3f} < {target}")
                met = False
    return met


def long_call(cards: dict, calls: list[dict], folder: Path) -> None:
    turns = [t for c in calls if c["id"] in LONG_CALL_IDS for t in c["turns"]]
    stereo, _ = render(turns)
    path = write_clean(folder / "long", stereo, [])
    began = time.perf_counter()
    output = analyze_recording(path, cards["support-qa"])
    print(f"\n{output.duration:.0f} s stereo call: {time.perf_counter() - began:.1f} s analysis")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--only", default="", help="comma-separated call ids to run")
    parser.add_argument("--long", action="store_true", help="also time a ~60 s call")
    args = parser.parse_args()
    calls = yaml.safe_load(EVAL_SET.read_text("utf-8"))["calls"]
    if args.only:
        calls = [c for c in calls if c["id"] in args.only.split(",")]
    cards = load_scorecards([EVAL_DIR / "scorecards"])
    started = time.perf_counter()
    decoder()
    print(f"model load: {time.perf_counter() - started:.2f} s (once per worker process)")
    tallies: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.conditions.split(","):
            tallies[name] = run_condition(name, calls, cards, Path(tmp))
        if args.long:
            long_call(cards, calls, Path(tmp))
    for name, tally in tallies.items():
        report(name, tally)
    table(tallies)
    return 0 if on_target(tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
