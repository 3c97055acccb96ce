"""Small real audio files for tests that need a decodable recording but no speech."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np


def wav_bytes(
    seconds: float, sample_rate: int = 16000, channels: int = 2, tone_hz: float = 440.0
) -> bytes:
    """A 16-bit PCM WAV of a sine tone (the same tone on every channel)."""
    frames = round(seconds * sample_rate)
    t = np.arange(frames) / sample_rate
    tone = (np.sin(2 * np.pi * tone_hz * t) * 0.3 * 32767).astype("<i2")
    interleaved = np.repeat(tone[:, None], channels, axis=1).reshape(-1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(interleaved.tobytes())
    return buffer.getvalue()


def make_wav(
    path: Path,
    seconds: float,
    sample_rate: int = 16000,
    channels: int = 2,
    tone_hz: float = 440.0,
) -> Path:
    """Write a tone WAV to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(seconds, sample_rate, channels, tone_hz))
    return path
