"""Refusing to start over a library whose database was lost.

SQLite opens a missing or zero-length file as a new, empty database, so a server whose
database was deleted or truncated would start with an empty library while the
recordings of every call sit on disk, and its next writes would make the loss final.
The server refuses instead and says what to do.
"""

from __future__ import annotations

from pathlib import Path

DATABASE_FILE = "voxdesk.sqlite3"
#: Where the recordings of Voxxi's calls live: fetched ones (``Pipeline``) and uploaded
#: ones (``Storage``, under ``uploads/``). Other platforms keep theirs under their own
#: storage prefix and guard them with their own database.
RECORDING_DIRS = ("recordings", "storage/uploads")


class LibraryLost(Exception):
    """The database is missing or empty although the data dir holds recordings."""

    def __init__(self, database: Path, recordings: int) -> None:
        super().__init__(f"{database} is missing or empty; {recordings} recording(s) on disk")
        self.database = database
        self.recordings = recordings


def check_library_not_lost(
    data_dir: Path, database: Path, recording_dirs: tuple[str, ...] = RECORDING_DIRS
) -> None:
    """Raise ``LibraryLost`` when ``database`` is missing or empty while the folders of
    the recordings it describes (relative to ``data_dir``) hold files."""
    if database.is_file() and database.stat().st_size > 0:
        return
    recordings = _count_recordings(data_dir, recording_dirs)
    if recordings:
        raise LibraryLost(database, recordings)


def _count_recordings(data_dir: Path, recording_dirs: tuple[str, ...]) -> int:
    return sum(
        1
        for folder in recording_dirs
        if (data_dir / folder).is_dir()
        for path in (data_dir / folder).rglob("*")
        if path.is_file()
    )
