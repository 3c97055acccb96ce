"""A real server with the voice-bot demo library, shared per test module.

The library is seeded by the platform's own ``seed_demo`` into the data dir before the
server starts with ``--no-demo``: the same files and rows the server seeds itself (see
test_voicecalls_demo.py), without also starting the Voxxi demo's speech analysis on a
busy machine. Expected answers are computed from the shipped manifest, independently
of the SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.voicecalls.vc_support import SCOPED_ARGS, seed_data_dir
from tests.support.local_server import LocalServer
from voxdesk.server.platforms.voicecalls.demo import manifest_path


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads(manifest_path().read_text("utf-8"))


@pytest.fixture(scope="module")
def demo_calls(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The demo calls as the API must answer them (without the manifest's file name)."""
    return [{k: v for k, v in c.items() if k != "recording"} for c in manifest["calls"]]


@pytest.fixture(scope="module")
def vc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voicecalls") / "data"
    assert seed_data_dir(data) >= 30
    with LocalServer(data, extra_args=["--no-demo", "--workers", "1", *SCOPED_ARGS]) as running:
        yield running


@pytest.fixture(scope="module")
def api(vc_server: LocalServer) -> Iterator[httpx.Client]:
    """A client holding the main token (every scope)."""
    with httpx.Client(base_url=vc_server.base_url, headers=vc_server.auth, timeout=30) as http:
        yield http
