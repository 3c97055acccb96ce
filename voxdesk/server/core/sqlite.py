"""Opening one of the server's SQLite databases: owner-only, WAL, and checked.

Every store (Voxxi's and the platform-neutral core's) opens its file the same way, so a
damaged file stops the server at start with one plain sentence (``DamagedDatabase``,
exit code 3 in ``voxdesk server``) instead of surfacing as a 500 on some later list.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from voxdesk.server.private_files import make_private_file


class DamagedDatabase(Exception):
    """The database file is not a readable SQLite database, or fails its check."""

    def __init__(self, path: Path, detail: str) -> None:
        # SQLite's report spans lines and names the schema; one line reads better.
        detail = " ".join(detail.replace("*** in database main ***", "").split())
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


def open_checked(path: Path, schema: str) -> sqlite3.Connection:
    """Open (or create) ``path`` with ``schema``; raises ``DamagedDatabase`` rather than
    serve from a damaged file.

    ``PRAGMA quick_check`` reads every page but skips index cross-checks; measured at
    0.6–0.8 s for 100,000 analysed calls (an 830 MB file, in the page cache) on a 2-core
    machine.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    make_private_file(path)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    # Text that is not UTF-8 (written by another tool) would otherwise fail the whole
    # query it is in, taking every other row of a listing with it.
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        problems = [row[0] for row in db.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            raise DamagedDatabase(path, "; ".join(problems))
        db.executescript(schema)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DamagedDatabase(path, str(exc)) from exc
    except DamagedDatabase:
        db.close()
        raise
    return db
