"""The catalog and the upload queue hold signed URLs: their files are the owner's only
(0600 in a 0700 folder), new or left wider by an older version."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from voxdesk.domain import Call, CallStatus, Recording
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.sqlite_thread import SqliteThread
from voxdesk.services.uploads.store import UploadStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name)]


@pytest.fixture(autouse=True)
def permissive_umask():
    """A umask that would leave files world-readable (022 is the usual default)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("kind", [CallCatalog, UploadStore])
async def test_a_new_database_is_owner_only(tmp_path: Path, kind: type[SqliteThread]) -> None:
    path = tmp_path / "data" / "db.sqlite3"
    database = kind(path)
    await database.open()
    try:
        if isinstance(database, CallCatalog):
            call = Call(
                id="c1",
                status=CallStatus.COMPLETED,
                recording=Recording(url="http://127.0.0.1/r.wav?expires=1&signature=abc"),
            )
            await database.upsert_calls("local", [call])
        files = _files(path)
        assert path in files
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
        assert _mode(path.parent) == 0o700
    finally:
        await database.close()


@pytest.mark.parametrize("kind", [CallCatalog, UploadStore])
async def test_an_older_world_readable_database_is_narrowed(
    tmp_path: Path, kind: type[SqliteThread]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    path = folder / "db.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    database = kind(path)
    await database.open()
    await database.close()
    assert _mode(path) == 0o600 and _mode(folder) == 0o700
