"""Connections that never finish a request's headers (slowloris), that open and say
nothing, or that stay idle after a response are closed after their timeouts; the
server keeps answering meanwhile."""

from __future__ import annotations

import contextlib
import select
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig

pytestmark = pytest.mark.timeout(120)
HEADER_TIMEOUT = 1.5
KEEP_ALIVE_TIMEOUT = 1.0


def closed_by_peer(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (EOF or reset), without blocking."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(65536) == b"" or closed_by_peer(sock)
    except (ConnectionResetError, BrokenPipeError):
        return True


def test_slow_idle_and_kept_alive_connections_are_closed(tmp_path):
    config = ServerConfig(
        data_dir=tmp_path / "data",
        token="t",
        demo=False,
        header_timeout_seconds=HEADER_TIMEOUT,
        keep_alive_timeout_seconds=KEEP_ALIVE_TIMEOUT,
    )
    with serve_in_thread(config) as base_url:
        address = (urlsplit(base_url).hostname, urlsplit(base_url).port)
        slow = [socket.create_connection(address) for _ in range(50)]
        idle = [socket.create_connection(address) for _ in range(20)]
        kept = [socket.create_connection(address) for _ in range(5)]
        for sock in slow:
            sock.sendall(b"GET /api/external/v1/members HTTP/1.1\r\n")
        for sock in kept:
            sock.sendall(b"GET /storage/a.wav HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 403")
        started = time.monotonic()
        open_ = {*slow, *idle, *kept}
        while open_ and time.monotonic() - started < HEADER_TIMEOUT + 10:
            for sock in slow:  # a header byte every 0.2 s: never idle, never finished
                if sock in open_:
                    with contextlib.suppress(OSError):
                        sock.send(b"X")
            open_ = {sock for sock in open_ if not closed_by_peer(sock)}
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        # Meanwhile, and afterwards, ordinary requests are answered.
        assert httpx.get(f"{base_url}/api/external/v1/members").status_code == 401
    for sock in (*slow, *idle, *kept):
        sock.close()
    print(f"75 connections closed {elapsed:.1f} s after opening (header timeout {HEADER_TIMEOUT})")
    assert not open_, f"{len(open_)} connections still open after {elapsed:.1f} s"
    assert elapsed < HEADER_TIMEOUT + 5
