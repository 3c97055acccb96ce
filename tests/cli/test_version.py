"""One version, pyproject's: ``voxdesk --version`` and the local server's ``Server``
header both say it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import httpx

from tests.support.local_server import LocalServer

REPO = Path(__file__).resolve().parents[2]
PYPROJECT_VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_version_prints_pyprojects_version_and_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voxdesk", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"voxdesk {PYPROJECT_VERSION}"


def test_the_local_server_names_its_version(tmp_path: Path) -> None:
    with LocalServer(tmp_path / "data", extra_args=["--no-demo"]) as server:
        answer = httpx.get(server.api("/members"), headers=server.auth)
    assert answer.status_code == 200
    assert answer.headers["server"] == f"voxdesk/{PYPROJECT_VERSION}"
