"""What runs in the ingest's worker process: the offline engine's per-channel turns.

A plain top-level function returning a plain dict, since it crosses a process
boundary by pickling. The agent (bot) is channel 0, the customer channel 1, as on
the demo recordings; a mono recording's turns stay unattributed and are refused by
the caller, because the contract's roles are agent and customer only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voxdesk.server.analysis import asr
from voxdesk.server.analysis.audio import DecodeError, decode_channels
from voxdesk.server.analysis.transcript import transcribe

AGENT_CHANNEL = 0


def transcribe_recording(path: str) -> dict[str, Any]:
    """``{"duration", "turns": [{"speaker", "start", "end", "text"}]}`` or ``{"error"}``."""
    try:
        audio = decode_channels(Path(path))
    except DecodeError as exc:
        return {"error": f"The recording could not be decoded: {exc}."}
    asr.prepare(narrowband=audio.narrowband)
    turns = transcribe(audio, AGENT_CHANNEL)
    return {
        "duration": audio.duration,
        "channels": len(audio.channels),
        "turns": [
            {"speaker": t.speaker, "start": t.start, "end": t.end, "text": t.text} for t in turns
        ],
    }
