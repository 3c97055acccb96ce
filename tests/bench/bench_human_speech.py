"""Word error of the engine's recogniser on recordings of real human voices, per
recording condition — the evaluation set's calls are all spoken by flite, and a
synthesiser's voice is not a person's.

    uv run python tests/bench/bench_human_speech.py [--conditions clean,tel15,tel5,opus]

The voices are Debian's ``pocketsphinx-testdata`` (installed by
``packaging/install-prereqs.sh``): five read sentences of a LibriVox audiobook (one
woman, 16 kHz, with their transcription) and five spoken card names (a man). Each is
rendered in the conditions ``bench_analysis.py`` uses (clean, a telephone line at 15
and 5 dB SNR, Opus 20 kbps), read back through the engine's own decoding (so narrowband
audio is restored as in analysis), and recognised the way the engine recognises a
channel: the decoder (adapted to narrowband audio where the source is, no scorecard
phrases) reset, then the utterance. Printed: word error per recording and per
condition, and the real-time factor of recognition alone.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_analysis import CONDITIONS  # noqa: E402
from voxdesk.server.analysis.asr import prepare, recognise, start_channel  # noqa: E402
from voxdesk.server.analysis.audio import SAMPLE_RATE, decode_channels  # noqa: E402
from voxdesk.server.analysis.matching import normalise  # noqa: E402
from voxdesk.server.analysis.synth import PlacedTurn  # noqa: E402

TESTDATA = Path("/usr/share/pocketsphinx/test/data")
#: (folder, transcription file): lines "<s> words </s> (file id)".
SETS = (("librivox", "transcription"), ("cards", "cards.transcription"))
_LINE = re.compile(r"^<s>\s*(?P<text>.*?)\s*</s>\s*\((?P<id>[^)]+)\)\s*$")


def recordings() -> list[tuple[str, Path, str]]:
    """(name, 16 kHz mono WAV, what is said) for every transcribed recording found."""
    found = []
    for folder, listing in SETS:
        transcription = TESTDATA / folder / listing
        if not transcription.is_file():
            continue
        for line in transcription.read_text("utf-8").splitlines():
            match = _LINE.match(line)
            wav = TESTDATA / folder / f"{match['id']}.wav" if match else None
            if match and wav is not None and wav.is_file():
                found.append((f"{folder}/{match['id']}", wav, match["text"]))
    return found


def read_mono(path: Path) -> np.ndarray:
    with wave.open(str(path)) as handle:
        assert handle.getframerate() == SAMPLE_RATE and handle.getnchannels() == 1, path
        raw = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    return raw.astype(np.float64) / 32768.0


def render(condition: str, samples: np.ndarray, folder: Path, name: str) -> Path:
    """``samples`` in ``condition``, written as the condition's file: both channels carry
    the voice (the telephone rendering sets its noise from each side's speech level)."""
    stereo = np.stack([samples, samples], axis=1)
    seconds = len(samples) / SAMPLE_RATE
    placed = [PlacedTurn(side, "", 0.0, seconds) for side in ("agent", "customer")]
    _label, write = CONDITIONS[condition]
    return write(folder / f"{condition}-{name.replace('/', '-')}", stereo, placed)


def hear(path: Path) -> tuple[list[str], float]:
    """What the engine's recogniser hears on the file's first channel, and how long the
    recognition took."""
    audio = decode_channels(path)
    channel = audio.channels[0]
    prepare(narrowband=audio.narrowband)
    start_channel()
    began = time.perf_counter()
    words = [w.text for w in recognise(channel)]
    return words, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    args = parser.parse_args()
    found = recordings()
    if not found:
        print(f"no human recordings under {TESTDATA}: apt-get install pocketsphinx-testdata")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for condition in args.conditions.split(","):
            errors = words = 0
            audio = spent = 0.0
            print(f"\n== {CONDITIONS[condition][0]}")
            for name, wav, text in found:
                samples = read_mono(wav)
                heard, elapsed = hear(render(condition, samples, Path(tmp), name))
                said = normalise(text)
                wrong = Levenshtein.distance(said, heard)
                errors, words = errors + wrong, words + len(said)
                audio, spent = audio + len(samples) / SAMPLE_RATE, spent + elapsed
                print(f"{name:<52} WER {wrong / len(said):6.1%}  heard: {' '.join(heard)}")
            rows.append((condition, errors / words, words, spent / audio))
    print("\n| condition | WER (human voices) | words | RTF (recognition) |")
    print("|---|---|---|---|")
    for condition, wer, words, rtf in rows:
        print(f"| {CONDITIONS[condition][0]} | {wer:.1%} | {words} | {rtf:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
