"""Fixtures for the local server tests: one shared server process per module, a real
static file server for ingest sources, and small tone recordings."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.support.audio import wav_bytes
from tests.support.local_server import LocalServer

# A 2 s stereo 16 kHz tone is 128 044 bytes; the cap leaves room for it and no more.
UPLOAD_CAP = 300_000
PLAYBACK_TTL = 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("server") / "data"
    # The ingest sources are served from another loopback port (``file_server``).
    args = [
        "--no-demo",
        "--allow-private-fetch",
        "--max-upload-bytes", str(UPLOAD_CAP),
        "--recording-url-ttl", str(PLAYBACK_TTL),
    ]  # fmt: skip
    with LocalServer(data, extra_args=args) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(headers=server.auth, timeout=30) as http:
        yield http


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def file_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``(base_url, directory)`` of a plain HTTP server serving ``directory``."""
    root = tmp_path_factory.mktemp("files")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def upload_cap() -> int:
    return UPLOAD_CAP


@pytest.fixture(scope="session")
def playback_ttl() -> int:
    return PLAYBACK_TTL


@pytest.fixture(scope="session")
def tone() -> bytes:
    """A 2-second stereo tone WAV."""
    return wav_bytes(2.0)
