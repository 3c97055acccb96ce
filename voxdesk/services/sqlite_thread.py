"""A SQLite database owned by one worker thread, behind an async facade.

The catalog and the upload queue both keep SQLite off the event loop (and so off the
GUI thread): every statement runs on the database's own single thread, in order.

Both hold signed URLs (recordings, upload targets), so the database is created readable
by its owner only (0600, in a 0700 folder), and an older, wider file is narrowed when
opened. SQLite gives its ``-wal``/``-shm``/``-journal`` files the database's mode.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
_COMPANIONS = ("-wal", "-shm", "-journal")


class SqliteThread:
    """Subclasses set up their schema in ``_prepare`` and run work through ``_run``."""

    #: How the database is named in error messages.
    label = "database"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = self._new_thread()
        self._closed = False
        self._db: sqlite3.Connection | None = None

    def _new_thread(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=type(self).__name__)

    async def open(self) -> None:
        """Open (or, after ``close``, reopen) the database on its thread."""
        if self._closed:
            self._executor, self._closed = self._new_thread(), False
        await self._run(self._open)

    def _open(self) -> None:
        self._make_private()
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            self._prepare(db)
        except BaseException:
            # Refused (a newer schema) or failed mid-upgrade: let go of the file.
            db.close()
            raise
        self._db = db

    def _make_private(self) -> None:
        """Owner-only folder and files, before SQLite creates anything."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        os.chmod(folder, PRIVATE_DIR_MODE)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE))
        for path in (self.path, *(self.path.with_name(self.path.name + s) for s in _COMPANIONS)):
            if path.exists():
                os.chmod(path, PRIVATE_FILE_MODE)

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Create or migrate the schema; runs on the database thread."""

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self._db.close)
            self._db = None
        self._executor.shutdown(wait=True)
        self._closed = True

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError(f"the {self.label} is not open")
        return self._db
