"""Learn ``voxdesk/server/analysis/narrowband.mllr``: the MLLR transform that adapts
pocketsphinx's wideband en-us model to telephone-band speech as the engine restores it.

    uv run python packaging/make_narrowband_adaptation.py [--snr 15] [--out PATH]

Needs Debian's ``sphinxtrain`` (bw, mllr_solve), ``sphinxbase-utils`` (sphinx_fe) and
``pocketsphinx`` (pocketsphinx_mdef_convert) — only to regenerate the file; the engine
needs none of them.

The adaptation speech is the product's own demo scripts (every turn of
``resources/demo/dialogues.yaml``, ``voicecalls/scripts.yaml`` and ``vozzo/scripts.yaml``
whose words are all in the dictionary; never the evaluation set), each sentence spoken by
all four of flite's voices, put through the benchmark's simulated phone line (band
limit, line noise at ``--snr`` dB, 8 kHz μ-law) and read back through the engine's own
decoding, so it is restored exactly as the engine restores a call. sphinxtrain's
Baum-Welch pass counts how that speech sits in the model and ``mllr_solve`` fits one
global transform of the Gaussian means — 39×40 numbers, too few to learn a speaker, so
what it learns is the channel. The bundled model keeps only quantised mixture weights
(``sendump``), which bw cannot read; they are expanded back to floats first.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pocketsphinx import get_model_path  # noqa: E402

from tests.bench.bench_analysis import telephone  # noqa: E402
from voxdesk.server.analysis.asr import NARROWBAND_MLLR  # noqa: E402
from voxdesk.server.analysis.audio import decode_channels  # noqa: E402
from voxdesk.server.analysis.matching import normalise  # noqa: E402
from voxdesk.server.analysis.synth import RATE, PlacedTurn, speak, write_wav  # noqa: E402

SCRIPTS = (
    ROOT / "resources/demo/dialogues.yaml",
    ROOT / "resources/demo/voicecalls/scripts.yaml",
    ROOT / "resources/demo/vozzo/scripts.yaml",
)
VOICES = ("awb", "rms", "slt", "kal")
SPEAKER_KEYS = ("agent", "customer", "bot", "caller")
SPHINXTRAIN = Path("/usr/lib/sphinxtrain")
#: The front end of the model's feat.params, for sphinx_fe.
FRONT_END = "-lowerf 130 -upperf 6800 -nfilt 25 -transform dct -lifter 22 -remove_noise yes"
#: pocketsphinx stores a mixture weight w as (-log_1.0001(w)) >> 10 in one byte.
_SENDUMP_STEP = 1024 * np.log(1.0001)


def sentences() -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in SPEAKER_KEYS and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for script in SCRIPTS:
        walk(yaml.safe_load(script.read_text("utf-8")))
    return list(dict.fromkeys(s for s in found if len(s.split()) >= 3))


def render(folder: Path, snr: float, dictionary: set[str]) -> int:
    """Every sentence by every voice, over the phone line and restored; writes the WAVs,
    ``fileids`` and ``transcription`` sphinxtrain reads. Returns how many."""
    rng = np.random.default_rng(3)
    ids, lines = [], []
    for index, text in enumerate(sentences()):
        words = normalise(text)
        if not words or any(w not in dictionary for w in words):
            continue
        for voice in VOICES:
            speech = speak(text, voice)
            pad = int(0.3 * RATE)
            mono = np.concatenate([np.zeros(pad), speech, np.zeros(pad)])
            mono += rng.normal(0, 0.002, len(mono))
            seconds = len(mono) / RATE
            placed = [PlacedTurn(side, text, 0.3, seconds - 0.3) for side in ("agent", "customer")]
            line = telephone(np.stack([mono, mono], axis=1), snr, placed)
            name = f"u{index:03d}{voice}"
            narrow = folder / f"{name}-8k.wav"
            write_wav(narrow, line, rate=RATE // 2)
            restored = decode_channels(narrow).channels[0]
            narrow.unlink()
            write_wav(folder / f"{name}.wav", restored.astype(np.float64) / 32768.0)
            ids.append(name)
            lines.append(f"<s> {' '.join(words)} </s> ({name})")
    (folder / "fileids").write_text("\n".join(ids) + "\n")
    (folder / "transcription").write_text("\n".join(lines) + "\n")
    return len(ids)


def expand_sendump(sendump: Path, out: Path) -> None:
    """Write sphinxtrain's float ``mixture_weights`` from pocketsphinx's ``sendump``."""
    data = sendump.read_bytes()
    pos = 0

    def int32() -> int:
        nonlocal pos
        (value,) = struct.unpack_from("<i", data, pos)
        pos += 4
        return value

    features = 0
    while length := int32():  # header strings, ended by an empty one
        text = data[pos : pos + length].rstrip(b"\0").decode()
        pos += length
        if text.startswith("feature_count "):
            features = int(text.split()[1])
    densities, senones = int32(), int32()
    quantised = np.frombuffer(data, np.uint8, features * densities * senones, pos)
    weights = np.exp(-quantised.astype(np.float64) * _SENDUMP_STEP)
    weights = weights.reshape(features, densities, senones).transpose(2, 0, 1)
    weights /= weights.sum(axis=2, keepdims=True)
    with out.open("wb") as handle:
        handle.write(b"s3\nversion 1.0\nendhdr\n")
        handle.write(struct.pack("<I", 0x11223344))  # byte order
        handle.write(struct.pack("<III", *weights.shape))
        handle.write(struct.pack("<I", weights.size))
        handle.write(weights.astype("<f4").tobytes())


def run(*command: str, cwd: Path) -> None:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snr", type=float, default=15.0)
    parser.add_argument("--out", type=Path, default=NARROWBAND_MLLR)
    args = parser.parse_args()
    for tool in ("sphinx_fe", "pocketsphinx_mdef_convert"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install sphinxbase-utils pocketsphinx sphinxtrain")
    model_dir = Path(get_model_path()) / "en-us"
    with tempfile.TemporaryDirectory(prefix="voxdesk-mllr-") as tmp:
        work = Path(tmp)
        model = work / "model"
        shutil.copytree(model_dir / "en-us", model)
        expand_sendump(model / "sendump", model / "mixture_weights")
        run("pocketsphinx_mdef_convert", "-text", "model/mdef", "model/mdef.txt", cwd=work)
        dictionary = model_dir / "cmudict-en-us.dict"
        known = {line.split()[0] for line in dictionary.read_text().splitlines() if line.strip()}
        speech = work / "speech"
        speech.mkdir()
        count = render(speech, args.snr, known)
        print(f"{count} utterances rendered")
        run(
            "sphinx_fe", *FRONT_END.split(), "-samprate", "16000", "-c", "fileids",
            "-di", ".", "-do", ".", "-ei", "wav", "-eo", "mfc", "-mswav", "yes", cwd=speech,
        )  # fmt: skip
        (work / "counts").mkdir()
        run(
            str(SPHINXTRAIN / "bw"), "-hmmdir", "model", "-moddeffn", "model/mdef.txt",
            "-ts2cbfn", ".ptm.", "-feat", "1s_c_d_dd", "-svspec", "0-12/13-25/26-38",
            "-cmn", "batch", "-agc", "none", "-dictfn", str(dictionary),
            "-fdictfn", "model/noisedict", "-ctlfn", "speech/fileids",
            "-lsnfn", "speech/transcription", "-cepdir", "speech", "-accumdir", "counts",
            cwd=work,
        )  # fmt: skip
        run(
            str(SPHINXTRAIN / "mllr_solve"), "-meanfn", "model/means", "-varfn",
            "model/variances", "-outmllrfn", str(args.out.resolve()), "-accumdir", "counts",
            cwd=work,
        )  # fmt: skip
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
