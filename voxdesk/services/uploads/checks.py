"""Whether a file may be uploaded, decided before a single byte is sent.

The type comes from the file's first bytes, never its name: a text file renamed
``.wav`` would be stored, fetched and only then fail in analysis, minutes later and far
from the reviewer's attention. The size and a quick fingerprint are recorded, so a file
that changes between being queued and being sent is caught instead of uploaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from voxdesk.domain.audio_formats import sniff_audio

MIB = 1024 * 1024
#: The platforms' upload limit (Voxxi and the local server both refuse larger files).
MAX_UPLOAD_BYTES = 100 * MIB
SNIFF_BYTES = 12
#: Bytes hashed from each end of a file: enough to notice a re-recorded or edited file
#: without reading 100 MB on every check.
FINGERPRINT_SPAN = 64 * 1024

# The content type each sniffed format is uploaded as (all accepted by Voxxi).
CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
}
#: Usual names of those formats, for a file picker's filter only: the check itself
#: goes by the header bytes.
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".opus", ".oga", ".webm", ".flac", ".m4a", ".mp4")


@dataclass(frozen=True)
class FileCheck:
    """What a check found: the upload's content type, or the reason the file is refused."""

    path: Path
    size: int = 0
    mtime_ns: int = 0
    fingerprint: str | None = None
    content_type: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    def same_file(self, other: FileCheck) -> bool:
        """Whether two checks saw the same bytes (size, modification time, fingerprint)."""
        return (self.size, self.mtime_ns, self.fingerprint) == (
            other.size,
            other.mtime_ns,
            other.fingerprint,
        )


def fingerprint(handle, size: int) -> str:
    """SHA-256 of the size, the first and the last ``FINGERPRINT_SPAN`` bytes."""
    digest = hashlib.sha256(str(size).encode())
    handle.seek(0)
    digest.update(handle.read(FINGERPRINT_SPAN))
    if size > FINGERPRINT_SPAN:
        handle.seek(max(FINGERPRINT_SPAN, size - FINGERPRINT_SPAN))
        digest.update(handle.read(FINGERPRINT_SPAN))
    return digest.hexdigest()


def check_file(path: Path, max_bytes: int = MAX_UPLOAD_BYTES) -> FileCheck:
    """Check one file (blocking: run it off the event loop). Never raises."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return FileCheck(path, reason="The file no longer exists.")
    except OSError as exc:
        return FileCheck(path, reason=f"The file cannot be read ({exc.strerror}).")
    if not path.is_file():
        return FileCheck(path, reason="This is not a regular file.")
    size = stat.st_size
    found = FileCheck(path, size=size, mtime_ns=stat.st_mtime_ns)
    if size == 0:
        return _refuse(found, "The file is empty.")
    if size > max_bytes:
        return _refuse(
            found,
            f"The file is {_mib(size)}, larger than the {_mib(max_bytes)} the platform accepts.",
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            quick_print = fingerprint(handle, size)
    except OSError as exc:
        return _refuse(found, f"The file cannot be read ({exc.strerror or exc}).")
    audio = sniff_audio(head)
    if audio is None:
        return _refuse(
            found,
            "This is not a recording voxdesk can upload "
            "(WAV, MP3, OGG/Opus, WebM, FLAC or M4A), whatever its name says.",
        )
    return FileCheck(
        path,
        size=size,
        mtime_ns=stat.st_mtime_ns,
        fingerprint=quick_print,
        content_type=CONTENT_TYPES[audio],
    )


def _refuse(found: FileCheck, reason: str) -> FileCheck:
    return FileCheck(found.path, size=found.size, mtime_ns=found.mtime_ns, reason=reason)


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MB" if size >= MIB else f"{size:,} bytes"


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to queue: files as given, folders taken recursively (hidden entries skipped,
    each folder's files in name order). Duplicates are kept once."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path).absolute()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        found.setdefault(Path(root) / name)
        else:
            found.setdefault(path)
    return list(found)
