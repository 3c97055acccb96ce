"""Voxpria's server tests: a real local server (``tests.support.voxpria_server``:
simulated calls ten times faster), shared by the contract modules."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.local_server import LocalServer
from tests.support.voxpria_server import voxpria_server


@pytest.fixture(scope="package")
def vp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voxpria") / "data"
    with voxpria_server(data) as running:
        yield running


@pytest.fixture(scope="package")
def api(vp_server: LocalServer) -> Iterator[httpx.Client]:
    """A client holding the server's API key."""
    with httpx.Client(base_url=vp_server.base_url, headers=vp_server.auth, timeout=30) as http:
        yield http
