"""The data directory is readable by its owner only: directories 0700, the database
and every recording 0600, whatever the umask, and an existing wider directory is
narrowed on start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support.local_server import LocalServer, create_call_from_wav, wait_for_call

pytestmark = pytest.mark.timeout(120)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_database_and_recordings_are_owner_only(tmp_path, tone):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    old_umask = os.umask(0o022)  # the child inherits the usual, permissive umask
    try:
        server = LocalServer(data, extra_args=["--no-demo"]).start()
    finally:
        os.umask(old_umask)
    try:
        call_id = create_call_from_wav(server, tone)
        assert wait_for_call(server, call_id)["status"] == "completed"

        directories = [data, *(p for p in data.rglob("*") if p.is_dir())]
        files = [p for p in data.rglob("*") if p.is_file()]
        assert {"voxdesk.sqlite3", call_id, "call.wav"} <= {p.name for p in files}
        assert {str(p): oct(mode(p)) for p in directories if mode(p) & 0o077} == {}
        assert {str(p): oct(mode(p)) for p in files if mode(p) & 0o077} == {}
        assert mode(data) == 0o700
    finally:
        server.stop()
