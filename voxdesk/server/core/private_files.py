"""Creating the server's directories and files readable by their owner only.

Recordings and analyses are customer calls; other accounts on the machine must not read
them, whatever the umask. Files are created 0600 in one step (``os.open`` with a mode),
never created wider and narrowed afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` as an owner-only directory, created if needed and narrowed if it exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def make_private_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents owner-only (``mkdir(parents=True)``
    would create the parents with the umask's mode)."""
    missing: list[Path] = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=DIR_MODE, exist_ok=True)


def open_private(path: Path) -> BinaryIO:
    """A new (or truncated) owner-only file, open for binary writing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    return os.fdopen(fd, "wb")


def make_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only if it does not exist, narrow it if it does
    (SQLite creates its files with the umask's mode and copies the database's mode to
    its -wal and -shm files)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    os.chmod(path, FILE_MODE)
