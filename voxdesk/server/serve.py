"""Running the app on uvicorn with a socket we bind ourselves.

Binding first tells us the real port (``--port 0``) before the app is built, so the
URLs it signs carry it, and lets us print the listening line exactly once, only after
uvicorn accepts connections.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

import uvicorn
from starlette.applications import Starlette

from voxdesk import __version__
from voxdesk.server.config import ServerConfig
from voxdesk.server.core.http_protocol import header_deadline_protocol

LISTENING = "voxdesk local server listening on {url}"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        # Listen now: connections made while the app starts up wait in the backlog.
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def _keep_running_after_shutdown() -> None:
    """uvicorn re-raises the SIGINT/SIGTERM that stopped it once shutdown is done;
    with these handlers that re-raise is a no-op and ``main`` returns normally."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)


async def _serve(server: uvicorn.Server, sock: socket.socket, url: str) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if server.started:
        sys.stdout.write(LISTENING.format(url=url) + "\n")
        sys.stdout.flush()
    await task


def uvicorn_config(app: Starlette, config: ServerConfig, log_level: str | None) -> uvicorn.Config:
    """How uvicorn serves the app, with the connection timeouts of ``config``."""
    return uvicorn.Config(
        app,
        http=header_deadline_protocol(config.header_timeout_seconds),
        timeout_keep_alive=config.keep_alive_timeout_seconds,  # type: ignore[arg-type]
        log_config=None,
        log_level=log_level,
        lifespan="on",
        # ``Server: voxdesk/<version>`` on every response: the app's About shows it.
        server_header=False,
        headers=[("server", f"voxdesk/{__version__}")],
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )


def run(app: Starlette, sock: socket.socket, config: ServerConfig, log_level: str) -> None:
    _keep_running_after_shutdown()
    server = uvicorn.Server(uvicorn_config(app, config, log_level))
    asyncio.run(_serve(server, sock, config.base_url))
