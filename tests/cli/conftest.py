"""CLI test fixtures: one real local server for the directory, and ``voxdesk`` run as a
user runs it (a child process with its own home, talking to that server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.local_server import LocalServer

MEMBER = "dana@acme.example"
CATEGORY = "support-qa"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(
        tmp_path_factory.mktemp("cli-server") / "data", extra_args=["--no-demo"]
    ) as srv:
        yield srv


def cli_env(home: Path, base_url: str, token: str) -> dict[str, str]:
    return {
        **os.environ,
        "VOXDESK_BASE_URL": base_url,
        "VOXDESK_TOKEN": token,
        "VOXDESK_HOME": str(home),
    }


def voxdesk(*args: str, env: dict[str, str], timeout: float = 120) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "voxdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def upload_args(*paths: Path, extra: tuple[str, ...] = ()) -> list[str]:
    return ["upload", *map(str, paths), "--member", MEMBER, "--category", CATEGORY, *extra]


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
