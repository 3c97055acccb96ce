"""Schema versions of voxdesk's own SQLite files, in ``PRAGMA user_version``.

Two policies, one per kind of file:

- a **migrated** store (the upload queue: it holds work not yet done; the call catalog:
  Voxxi's calls cannot be listed again) never loses a row. It lists its steps as
  ``(version, SQL or function)`` in order; opening runs every step above the file's
  version, each in its own transaction together with the version it reaches, so a
  crash mid-upgrade leaves the file at the last step that completed;
- a **cache** (everything in it can be fetched again) is dropped and created afresh
  when its version differs, and says so in the log.

Either way a file written by a newer voxdesk is refused with a plain message rather
than read wrongly or downgraded: its owner may still want it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeAlias

log = logging.getLogger("voxdesk.sqlite")

#: One step: SQL (a script) or a function given the open connection, inside the step's
#: transaction (it must not commit).
Step: TypeAlias = str | Callable[[sqlite3.Connection], None]
Migrations: TypeAlias = Sequence[tuple[int, Step]]


class SchemaTooNew(ValueError):
    """The file was written by a newer voxdesk; the message says what to do (a
    ``ValueError``, so the CLI prints it as it does any other refused input)."""


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _refuse_newer(db: sqlite3.Connection, label: str, known: int) -> int:
    found = schema_version(db)
    if found > known:
        raise SchemaTooNew(
            f"The {label} ({db_path(db)}) was written by a newer version of voxdesk "
            f"(schema {found}; this version knows up to {known}). Update voxdesk to open it; "
            "nothing in it was changed."
        )
    return found


def db_path(db: sqlite3.Connection) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2] or ":memory:"


def migrate(db: sqlite3.Connection, label: str, migrations: Migrations) -> int:
    """Bring the file up to the last step's version; returns the version it was at."""
    versions = [version for version, _ in migrations]
    if versions != sorted(set(versions)) or not versions or versions[0] < 1:
        raise ValueError(f"the {label}'s migrations must have increasing versions from 1")
    found = current = _refuse_newer(db, label, versions[-1])
    for version, step in migrations:
        if version <= current:
            continue
        # Explicit BEGIN: DDL inside ``executescript`` would otherwise autocommit, and a
        # crash between a step and its version number would run the step twice.
        db.execute("BEGIN IMMEDIATE")
        try:
            if callable(step):
                step(db)
            else:
                for statement in _statements(step):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            db.rollback()
            raise
        db.commit()
        log.info("%s: schema %d -> %d", label, current, version)
        current = version
    return found


def open_cache(
    db: sqlite3.Connection,
    label: str,
    version: int,
    create: Callable[[sqlite3.Connection], None],
    *,
    unversioned_is: int | None = None,
) -> bool:
    """Create the cache's schema, dropping everything first when the file has another
    version; returns True when it was rebuilt. ``unversioned_is`` names the version of
    files written before versions were kept (their layout is known and current)."""
    found = _refuse_newer(db, label, version)
    tables = _user_objects(db)
    if found == 0 and tables and unversioned_is is not None:
        found = unversioned_is
    rebuilt = bool(tables) and found != version
    if rebuilt:
        log.warning("%s: schema %d is not %d; dropped and built again", label, found, version)
        _drop_everything(db)
    create(db)
    db.execute(f"PRAGMA user_version = {version}")
    return rebuilt


def _user_objects(db: sqlite3.Connection) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()


def _drop_everything(db: sqlite3.Connection) -> None:
    # Virtual tables (full-text search) own shadow tables that vanish with them, so
    # only what still exists is dropped at each turn.
    with db:
        while objects := _user_objects(db):
            kind, name = objects[0]
            db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    db.execute("VACUUM")


def _statements(script: str) -> list[str]:
    """Split a script into single statements (``executescript`` would commit)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
