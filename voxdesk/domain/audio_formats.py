"""Recognising a recording by its first bytes, the same way on both sides of an upload:
the client refuses a file before sending it, the local server refuses stored bytes."""

from __future__ import annotations


def sniff_audio(head: bytes) -> str | None:
    """The audio format a file's first bytes announce (``wav``, ``mp3``…), or ``None``.

    WAV is RIFF/WAVE; MP3 starts with an ID3 tag or a frame sync; OGG (and Opus in OGG)
    with ``OggS``; WebM with the EBML magic; FLAC with ``fLaC``; M4A has ``ftyp`` at
    offset 4."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    return None
