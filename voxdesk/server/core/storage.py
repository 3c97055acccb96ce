"""Recordings on disk under ``<data dir>/storage``, addressed by object key.

Keys are a strict whitelist (segments of letters, digits, ``.``, ``_``, ``-``; no
segment starts with a dot), so ``..``, absolute paths, backslashes and NUL can never
name a file, and every resolved path is checked to stay inside the storage root.
Writes go to a temporary file in the data dir and are moved into place only once
complete, size-checked and recognised as the audio format the URL was signed for: a
refused or interrupted upload leaves nothing behind. An upload never replaces a stored
object (it is linked into place, which fails if the key exists), so a presigned PUT is
single-use and a call's recording cannot be swapped under its analysis.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from voxdesk.domain.audio_formats import sniff_audio
from voxdesk.server.core.private_files import make_private_dirs, open_private, private_dir

_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}"
_KEY = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT}){{0,15}}$")
_RAW_TRICKS = re.compile(rb"%(?:2e|2f|5c|00)|\\|\x00", re.IGNORECASE)
SNIFF_BYTES = 12
#: Nothing shorter is a playable file of any accepted format: a FLAC marker plus its
#: STREAMINFO block is 42 bytes, a WAV header 44, an Ogg page header 27 plus a codec's.
MIN_AUDIO_BYTES = 42

# Content types we accept for uploads, each mapped to the sniffed format it must match.
AUDIO_TYPES = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/webm": "webm",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "m4a",
}
FORMAT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
}


class StorageError(Exception):
    """Base for refusals the storage layer explains in plain words."""


class UnsafeKey(StorageError):
    pass


class TooLarge(StorageError):
    pass


class NotAudio(StorageError):
    pass


class Incomplete(StorageError):
    pass


class AlreadyStored(StorageError):
    pass


def check_raw_path(raw_path: bytes) -> None:
    """Refuse encoded dots/slashes/backslashes/NUL before the path is even decoded."""
    if _RAW_TRICKS.search(raw_path):
        raise UnsafeKey("The path contains encoded or forbidden characters.")


def sanitise_filename(filename: str) -> str:
    """A safe single key segment from a client's file name, keeping its extension."""
    base = re.split(r"[\\/]", filename)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip("._-")
    return cleaned[:120] or "recording"


def new_upload_key(filename: str) -> str:
    return f"uploads/{uuid.uuid4().hex}/{sanitise_filename(filename)}"


def _check_format(head: bytes, audio_format: str) -> None:
    sniffed = sniff_audio(head)
    if sniffed is None:
        raise NotAudio("The uploaded bytes are not an audio file.")
    if sniffed != audio_format:
        raise NotAudio(
            f"The uploaded bytes are {sniffed.upper()} audio, not the "
            f"{audio_format.upper()} this URL was issued for."
        )


class Storage:
    """Files by key under ``root``; temporary files under ``tmp_dir`` (same filesystem)."""

    def __init__(self, root: Path, tmp_dir: Path) -> None:
        private_dir(root)
        private_dir(tmp_dir)
        self.root = root.resolve()
        self.tmp_dir = tmp_dir

    def clear_tmp(self) -> None:
        """Drop partial files a killed process left behind; call before serving."""
        for leftover in self.tmp_dir.iterdir():
            if leftover.is_file():
                leftover.unlink(missing_ok=True)

    def path_for(self, key: str) -> Path:
        """The file a key names; raises ``UnsafeKey`` for anything outside the root."""
        if not _KEY.match(key):
            raise UnsafeKey("The object key is not a valid storage path.")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise UnsafeKey("The object key points outside the storage directory.")
        return path

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, key: str) -> bool:
        """Remove the object at ``key`` and the folders that leaves empty; False when
        there was none."""
        path = self.path_for(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        for folder in path.parents:
            if folder == self.root:
                break
            try:
                folder.rmdir()
            except OSError:  # not empty: another object lives there
                break
        return True

    def content_type(self, key: str) -> str:
        """The served type, from the stored bytes rather than from what a client claimed."""
        with self.path_for(key).open("rb") as handle:
            kind = sniff_audio(handle.read(SNIFF_BYTES))
        return FORMAT_TYPES.get(kind or "", "application/octet-stream")

    def temp_path(self) -> Path:
        return self.tmp_dir / f"{uuid.uuid4().hex}.part"

    async def write_stream(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        *,
        audio_format: str,
        max_bytes: int,
        expected: int | None,
    ) -> int:
        """Store an upload of ``audio_format``; returns its size. Nothing is stored if
        any check fails, and nothing stored is ever replaced."""
        target = self.path_for(key)
        if target.exists():
            raise AlreadyStored("This upload URL has already been used.")
        tmp = self.temp_path()
        size = 0
        head = b""
        try:
            with open_private(tmp) as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"The upload is larger than the {max_bytes}-byte limit.")
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
                        if len(head) >= SNIFF_BYTES:
                            _check_format(head, audio_format)
                    handle.write(chunk)
            if expected is not None and size != expected:
                raise Incomplete(f"The upload ended after {size} of {expected} bytes.")
            if size < MIN_AUDIO_BYTES:
                raise NotAudio("The uploaded bytes are too short to be an audio file.")
            _check_format(head, audio_format)
            make_private_dirs(target.parent)
            try:
                os.link(tmp, target)
            except FileExistsError as exc:
                raise AlreadyStored("This upload URL has already been used.") from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return size

    def import_file(self, key: str, source: Path) -> None:
        """Copy a local file into storage atomically (the demo library uses this)."""
        target = self.path_for(key)
        tmp = self.temp_path()
        try:
            with source.open("rb") as src, open_private(tmp) as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
            make_private_dirs(target.parent)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
