"""Refusing to start over a library whose database was lost.

SQLite opens a missing or zero-length file as a new, empty database, so a server whose
database was deleted or truncated would start with an empty library while the
recordings of every call sit on disk, and its next writes would make the loss final.
The server refuses instead and says what to do.
"""

from __future__ import annotations

from pathlib import Path

DATABASE_FILE = "voxdesk.sqlite3"
#: Where recordings live: fetched ones (``Pipeline``) and uploaded ones (``Storage``).
RECORDING_DIRS = ("recordings", "storage")


class LibraryLost(Exception):
    """The database is missing or empty although the data dir holds recordings."""

    def __init__(self, database: Path, recordings: int) -> None:
        super().__init__(f"{database} is missing or empty; {recordings} recording(s) on disk")
        self.database = database
        self.recordings = recordings


def check_library_not_lost(data_dir: Path, database: Path) -> None:
    if database.is_file() and database.stat().st_size > 0:
        return
    recordings = _count_recordings(data_dir)
    if recordings:
        raise LibraryLost(database, recordings)


def _count_recordings(data_dir: Path) -> int:
    return sum(
        1
        for folder in RECORDING_DIRS
        if (data_dir / folder).is_dir()
        for path in (data_dir / folder).rglob("*")
        if path.is_file()
    )
