"""Finding the speech in one channel: energy-based endpointing.

The recogniser turns long stretches of silence into nonsense words, so each channel is
cut into speech segments first and every segment is decoded on its own. A frame is
speech when it is clearly louder than the channel's own noise floor; short pauses
inside a sentence are bridged (hangover) so a turn is not chopped mid-phrase, and
blips too short to be words are dropped.

On a stereo recording each side leaks faintly into the other channel (line echo, and
low-bitrate codecs such as Opus share information between channels), so a frame that
is far quieter than the same moment on the other channel is that leak, not speech.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxdesk.server.analysis.audio import SAMPLE_RATE

FRAME_SECONDS = 0.01
# A pause longer than this ends a segment; flite and people pause ~0.2-0.5 s between
# clauses of one turn.
MAX_PAUSE_SECONDS = 0.6
MIN_SPEECH_SECONDS = 0.2
# Speech must be this far above the noise floor, and never quieter than the absolute
# floor (digital silence has no noise floor to speak of).
ABOVE_NOISE_DB = 12.0
ABSOLUTE_FLOOR_DB = -50.0
# Quiet consonants well below the loudest speech still count when they border speech.
BELOW_PEAK_DB = 40.0
# A frame this much quieter than the other channel at the same moment is leakage.
BLEED_DB = 15.0


@dataclass(frozen=True)
class Segment:
    """A stretch of speech, in seconds from the start of the channel."""

    start: float
    end: float


def frame_levels_db(samples: np.ndarray) -> np.ndarray:
    """RMS level of each 10 ms frame in dBFS."""
    size = int(SAMPLE_RATE * FRAME_SECONDS)
    count = len(samples) // size
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * size].astype(np.float64).reshape(count, size) / 32768.0
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-7))


def find_speech(levels: np.ndarray, other: np.ndarray | None = None) -> list[Segment]:
    """Speech segments of one channel (unpadded: where the voice is), from its
    ``frame_levels_db``; ``other`` is the other channel's levels on a stereo call."""
    if levels.size == 0:
        return []
    noise = float(np.percentile(levels, 10))
    peak = float(np.percentile(levels, 99))
    threshold = max(noise + ABOVE_NOISE_DB, ABSOLUTE_FLOOR_DB, peak - BELOW_PEAK_DB)
    active = levels > threshold
    if other is not None and other.size == levels.size:
        active &= levels > other - BLEED_DB
    segments = _bridge(_runs(active), round(MAX_PAUSE_SECONDS / FRAME_SECONDS))
    min_frames = round(MIN_SPEECH_SECONDS / FRAME_SECONDS)
    return [
        Segment(start * FRAME_SECONDS, end * FRAME_SECONDS)
        for start, end in segments
        if end - start >= min_frames
    ]


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame indices of each run of True, end exclusive."""
    padded = np.concatenate(([False], active, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _bridge(runs: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int]]:
    """Join runs separated by pauses no longer than ``max_gap`` frames."""
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] <= max_gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
