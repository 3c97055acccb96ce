"""Turning decoded channels into a speaker-attributed transcript.

On a stereo call recording each side has its own channel, so the scorecard's
``agent_channel`` is the agent and the other channel the customer. A mono recording
mixes both sides and there is no reliable way to tell them apart offline, so its turns
belong to one unattributed "speaker" and the scoring says so where it matters.
"""

from __future__ import annotations

from voxdesk.server.analysis.asr import recognise_span, start_channel
from voxdesk.server.analysis.audio import DecodedAudio
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.segment import find_speech, frame_levels_db

AGENT = "agent"
CUSTOMER = "customer"
UNATTRIBUTED = "speaker"


def channel_speakers(channel_count: int, agent_channel: int) -> list[str]:
    """The speaker each channel carries, in channel order."""
    if channel_count == 1:
        return [UNATTRIBUTED]
    return [AGENT, CUSTOMER] if agent_channel == 0 else [CUSTOMER, AGENT]


def transcribe(audio: DecodedAudio, agent_channel: int) -> list[TranscriptTurn]:
    """Every speech segment of every channel that yielded words, sorted by start.

    Segments where the recogniser heard no words (a cough, line noise) are not turns:
    they would otherwise count as talk time with nothing said.
    """
    turns: list[TranscriptTurn] = []
    speakers = channel_speakers(len(audio.channels), agent_channel)
    levels = [frame_levels_db(samples) for samples in audio.channels]
    for index, (speaker, samples) in enumerate(zip(speakers, audio.channels, strict=True)):
        other = levels[1 - index] if len(levels) == 2 else None
        segments = find_speech(levels[index], other)
        start_channel()
        for segment in segments:
            words = recognise_span(samples, segment.start, segment.end)
            if not words:
                continue
            turns.append(
                TranscriptTurn(
                    speaker=speaker,
                    start=round(segment.start, 2),
                    end=round(segment.end, 2),
                    text=" ".join(w.text for w in words),
                    words=[(w.text, w.start, w.end) for w in words],
                    confidences=[round(w.confidence, 3) for w in words],
                )
            )
    turns.sort(key=lambda t: (t.start, t.speaker))
    return turns
