"""One real server per module with VOIX's keys and members list, and a loopback file
server that counts every fetch of every recording (one fetch = one transcription)."""

from __future__ import annotations

import functools
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.server.voix.voix_support import MEMBERS, SERVER_ARGS, TEAM_KEY, WORKSPACE_KEY, bearer
from tests.support.local_server import LocalServer

DEMO_CALLS = Path(__file__).resolve().parents[3] / "resources" / "demo" / "calls"
RECORDINGS = ("support-01-modem-reset.ogg", "sales-01-good-sale.ogg")


#: How long a ``?slow`` request waits before it is answered (a download in progress).
SLOW_SECONDS = 3.0


class RecordingServer:
    """Serves a directory over loopback; ``fetches[path]`` counts the GETs of each path.
    A query containing ``slow`` waits ``SLOW_SECONDS`` before answering."""

    def __init__(self, root: Path) -> None:
        self.fetches: Counter[str] = Counter()
        fetches = self.fetches

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                fetches[path] += 1
                if "slow" in query:
                    time.sleep(SLOW_SECONDS)
                super().do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingServer]:
    root = tmp_path_factory.mktemp("voix-recordings")
    for name in RECORDINGS:
        shutil.copy(DEMO_CALLS / name, root / name)
    served = RecordingServer(root)
    yield served
    served.close()


@pytest.fixture(scope="module")
def voix_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voix") / "data"
    data.mkdir()
    (data / "voix-members.json").write_text(json.dumps(MEMBERS), "utf-8")
    args = ["--no-demo", "--allow-private-fetch", "--workers", "1", *SERVER_ARGS]
    with LocalServer(data, token=WORKSPACE_KEY, extra_args=args) as running:
        yield running


@pytest.fixture(scope="module")
def workspace(voix_server: LocalServer) -> Iterator[httpx.Client]:
    """A client holding the workspace-wide key."""
    with httpx.Client(
        base_url=voix_server.base_url, headers=bearer(WORKSPACE_KEY), timeout=30
    ) as http:
        yield http


@pytest.fixture(scope="module")
def team(voix_server: LocalServer) -> Iterator[httpx.Client]:
    """A client holding the team-scoped key of ``TEAM``."""
    with httpx.Client(base_url=voix_server.base_url, headers=bearer(TEAM_KEY), timeout=30) as http:
        yield http
