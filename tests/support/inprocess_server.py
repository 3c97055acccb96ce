"""Running ``create_app`` on a real uvicorn in a background thread of the test process,
for tests that need to reach inside the server (monkeypatching, direct config)."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator

import uvicorn
from starlette.applications import Starlette

from voxdesk.server.app import create_app
from voxdesk.server.config import ServerConfig
from voxdesk.server.serve import bind_socket, uvicorn_config


@contextlib.contextmanager
def serve_in_thread(
    config: ServerConfig,
    timeout: float = 30.0,
    customise: Callable[[Starlette], None] | None = None,
) -> Iterator[str]:
    """Yield the base URL of a running server built from ``config`` (its port is ignored);
    ``customise`` may change the app (add a route, say) before it serves."""
    sock = bind_socket("127.0.0.1", 0)
    config = dataclasses.replace(config, host="127.0.0.1", port=sock.getsockname()[1])
    app = create_app(config)
    if customise is not None:
        customise(app)
    server = uvicorn.Server(uvicorn_config(app, config, None))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.02)
    try:
        yield config.base_url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
