"""Voxpria's server tests: a real local server, shared by the contract modules.

Simulated calls run ten times faster (``--call-time-scale 0.1``) so an answered call
completes in seconds; its times and duration stay the conversation's own.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.local_server import LocalServer

FAST_CALLS = ["--no-demo", "--workers", "1", "--call-time-scale", "0.1"]


@pytest.fixture(scope="package")
def vp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voxpria") / "data"
    with LocalServer(data, extra_args=FAST_CALLS) as running:
        yield running


@pytest.fixture(scope="package")
def api(vp_server: LocalServer) -> Iterator[httpx.Client]:
    """A client holding the server's API key."""
    with httpx.Client(base_url=vp_server.base_url, headers=vp_server.auth, timeout=30) as http:
        yield http
