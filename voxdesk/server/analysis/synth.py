"""Rendering a scripted dialogue to a stereo call recording with the flite synthesiser.

This is tooling, not part of analysing a call: the demo call library generator, the
analysis tests and the evaluation benchmark all need realistic two-channel calls whose
words are known, and they share this one renderer so the three agree. Each turn is
synthesised on its own, placed on its speaker's channel at a scripted time (with pauses,
holds and overlaps), and the channels are written as WAV or Ogg/Opus.

A script is a list of turn mappings, each with exactly one speaker key::

    - agent: Thank you for calling Acme.
    - customer: Hi, my internet is down.
      pause: 1.5        # seconds after the previous turn ends (negative: overlap)
    - hold: 25          # nobody talks for 25 s
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

RATE = 16_000
DEFAULT_PAUSE = 0.6
DEFAULT_VOICES = {"agent": "awb", "customer": "slt"}
# Peak level each synthesised turn is scaled to, and the steady line hiss under it, so
# the recording is not digitally silent between turns as no real call is.
TURN_PEAK = 0.5
HISS_LEVEL = 0.0015


class SynthError(Exception):
    """The dialogue could not be rendered (flite missing or a malformed script)."""


@dataclass(frozen=True)
class PlacedTurn:
    speaker: str
    text: str
    start: float
    end: float


def flite_available() -> bool:
    return shutil.which("flite") is not None


def speak(text: str, voice: str) -> np.ndarray:
    """``text`` spoken by flite ``voice`` as float samples at 16 kHz."""
    if not flite_available():
        raise SynthError("flite is not installed (Debian/Ubuntu: apt-get install flite)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "turn.wav"
        subprocess.run(
            ["flite", "-voice", voice, "-t", text, "-o", str(out)],
            check=True,
            capture_output=True,
        )
        with wave.open(str(out)) as handle:
            rate = handle.getframerate()
            raw = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    samples = raw.astype(np.float64) / 32768.0
    if rate != RATE:
        positions = np.arange(round(len(samples) * RATE / rate)) * rate / RATE
        samples = np.interp(positions, np.arange(len(samples)), samples)
    peak = float(np.max(np.abs(samples))) or 1.0
    return samples * (TURN_PEAK / peak)


def render(
    script: list[dict], voices: dict[str, str] | None = None, tail: float = 1.0
) -> tuple[np.ndarray, list[PlacedTurn]]:
    """The dialogue as a (samples, 2) float array — agent on channel 0, customer on 1 —
    and where each turn landed."""
    voices = {**DEFAULT_VOICES, **(voices or {})}
    cursor = 0.5
    placed: list[tuple[PlacedTurn, np.ndarray]] = []
    for item in script:
        if "hold" in item:
            cursor += float(item["hold"])
            continue
        speakers = [k for k in ("agent", "customer") if k in item]
        if len(speakers) != 1:
            raise SynthError(f"a turn needs exactly one of agent/customer/hold: {item!r}")
        speaker = speakers[0]
        start = max(0.0, cursor + float(item.get("pause", DEFAULT_PAUSE if placed else 0.0)))
        audio = speak(str(item[speaker]), voices[speaker])
        end = start + len(audio) / RATE
        placed.append((PlacedTurn(speaker, str(item[speaker]), start, end), audio))
        cursor = max(cursor, end)
    length = round((max((t.end for t, _ in placed), default=0.0) + tail) * RATE)
    rng = np.random.default_rng(7)
    stereo = rng.normal(0.0, HISS_LEVEL, size=(length, 2))
    for turn, audio in placed:
        channel = 0 if turn.speaker == "agent" else 1
        first = round(turn.start * RATE)
        stereo[first : first + len(audio), channel] += audio
    return np.clip(stereo, -1.0, 1.0), [t for t, _ in placed]


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write float samples ((n,) mono or (n, channels)) as 16-bit PCM WAV."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(frames.shape[1])
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())


def write_opus(path: Path, samples: np.ndarray, bitrate: int = 20_000) -> None:
    """Write float samples at 16 kHz ((n,) mono or (n, 2) stereo) as Ogg/Opus, the
    demo library's format."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    layout = "stereo" if frames.shape[1] == 2 else "mono"
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype(np.int16)
    with av.open(str(path), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=RATE)
        stream.layout = layout
        stream.bit_rate = bitrate
        step = 960
        for offset in range(0, len(pcm), step):
            chunk = np.ascontiguousarray(pcm[offset : offset + step]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout=layout)
            frame.sample_rate = RATE
            frame.pts = offset
            frame.time_base = Fraction(1, RATE)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
