"""Decoding a recording into 16 kHz mono sample arrays, one per channel.

The speech model only understands 16 kHz audio, and call recordings arrive as
anything FFmpeg reads (Opus, MP3, 8 kHz telephony WAV...), so every channel is
resampled here with FFmpeg's resampler (through PyAV) before anything else looks at
it. Channels are kept apart because on a stereo call recording each side of the
conversation has its own channel, which is how speakers are told apart. Narrowband
recordings (telephony's 8 kHz) are restored toward what the model expects
(``narrowband``) on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
from av.audio.resampler import AudioResampler

from voxdesk.server.analysis.narrowband import restore

SAMPLE_RATE = 16_000


class DecodeError(Exception):
    """The recording cannot be turned into audio samples; the message says why."""


@dataclass(frozen=True)
class DecodedAudio:
    """int16 samples at ``SAMPLE_RATE``: one array per channel (at most two)."""

    channels: list[np.ndarray]
    #: The source was below ``SAMPLE_RATE`` (a phone line's 8 kHz): restored on the way
    #: (``narrowband``) and recognised with the model adapted to it (``asr.prepare``).
    narrowband: bool = False

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / SAMPLE_RATE if self.channels else 0.0


def decode_channels(path: Path) -> DecodedAudio:
    """Read the first audio stream of ``path`` as one 16 kHz int16 array per channel.

    Recordings with more than two channels are folded down to stereo by FFmpeg, since
    a call has two sides.
    """
    if not path.is_file():
        raise DecodeError("the recording file is missing")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise DecodeError("it is not an audio file FFmpeg understands") from exc
    try:
        with container:
            return _read_stream(container)
    except av.error.FFmpegError as exc:
        raise DecodeError(f"the audio data is damaged ({_plain(exc)})") from exc


def _read_stream(container: av.container.InputContainer) -> DecodedAudio:
    if not container.streams.audio:
        raise DecodeError("the file has no audio track")
    stream = container.streams.audio[0]
    count = 1 if (stream.channels or 1) == 1 else 2
    resampler = AudioResampler(
        format="s16", layout="mono" if count == 1 else "stereo", rate=SAMPLE_RATE
    )
    chunks: list[np.ndarray] = []
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            chunks.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1))
    if not chunks:
        raise DecodeError("the file contains no audio samples")
    interleaved = np.concatenate(chunks).astype(np.int16, copy=False)
    frames = interleaved.reshape(-1, count)
    if frames.shape[0] == 0:
        raise DecodeError("the file contains no audio samples")
    channels = [np.ascontiguousarray(frames[:, i]) for i in range(count)]
    source_rate = stream.sample_rate or SAMPLE_RATE
    if source_rate < SAMPLE_RATE:
        channels = [restore(c, SAMPLE_RATE, source_rate) for c in channels]
    return DecodedAudio(channels, narrowband=source_rate < SAMPLE_RATE)


def _plain(exc: av.error.FFmpegError) -> str:
    """FFmpeg's own short reason, without the errno and file name decorations."""
    return getattr(exc, "strerror", None) or str(exc)
