"""Measuring a recording's duration by decoding it, which also proves it is audio.

Container headers can lie or be missing (streamed Ogg, truncated WAV), so the
duration is the number of decoded samples over the sample rate.
"""

from __future__ import annotations

from pathlib import Path

import av
import av.error


class ProbeError(Exception):
    """The file is not decodable audio; the message says why in plain words."""


def probe_duration(path: Path) -> float:
    """Seconds of audio in ``path``."""
    try:
        with av.open(str(path), mode="r") as container:
            if not container.streams.audio:
                raise ProbeError("The recording could not be decoded: it has no audio track.")
            stream = container.streams.audio[0]
            samples = 0
            rate = 0
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate or rate
    except av.error.FFmpegError as exc:
        raise ProbeError(
            f"The recording could not be decoded: it is not a readable audio file ({exc.strerror})."
        ) from exc
    if samples == 0 or rate == 0:
        raise ProbeError("The recording could not be decoded: it contains no audio samples.")
    return samples / rate
