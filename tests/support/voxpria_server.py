"""A real local server for tests that place Voxpria calls, and reading back what it holds.

Simulated calls run ten times faster (``--call-time-scale 0.1``) so an answered call
completes in seconds; its times and duration stay the conversation's own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.support.local_server import LocalServer
from voxdesk.contracts.voxpria import CALLS_PATH

FAST_CALLS = ["--no-demo", "--workers", "1", "--call-time-scale", "0.1"]


@contextlib.contextmanager
def voxpria_server(data_dir: Path) -> Iterator[LocalServer]:
    with LocalServer(data_dir, extra_args=FAST_CALLS) as server:
        yield server


def calls_where(server: LocalServer, keep: Callable[[dict[str, Any]], bool]) -> list[dict]:
    """Every call on the server that ``keep`` accepts, read page by page straight from
    the API (not through the client under test)."""
    found, page = [], 1
    while True:
        body = httpx.get(
            f"{server.base_url}{CALLS_PATH}",
            params={"page": page, "limit": 100},
            headers=server.auth,
        ).json()
        found += [call for call in body["data"] if keep(call)]
        if page * 100 >= body["total"]:
            return found
        page += 1
