"""The local server as a child process of the app, and the token the app reaches it with.

On first run voxdesk has nowhere to browse calls, so the app starts its own server
(``python -m voxdesk.server``) on a free loopback port with the demo library, and saves
a "Local (this computer)" connection pointing at it. The port is chosen by the OS on
each run (``--port 0``), so the saved base URL is updated every time the server starts.

Qt-free: the UI awaits ``LocalServerProcess.start``/``stop`` on its event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import signal
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from voxdesk.services.connections import (
    LOCAL_CONNECTION,
    Connection,
    ConnectionStore,
    CredentialError,
    CredentialStore,
)

log = logging.getLogger("voxdesk.local_server")

LISTENING = re.compile(r"voxdesk local server listening on (?P<url>https?://\S+)")
#: Same file name the server uses for its own saved token (``voxdesk.server.credentials``).
TOKEN_FILE = "api-token"
LOCAL_PLATFORM = "local"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0


class LocalServerError(Exception):
    """The local server could not be started; the message says why in plain words."""


def local_server_token(server_dir: Path, credentials: CredentialStore | None = None) -> str:
    """The bearer token the app and its local server share, created once.

    Where a system keyring exists the token is generated with ``secrets`` and kept there,
    like every other connection's token. Where none exists, the token is kept in a 0600
    file in the server's own data directory — the very file the server itself would use
    to keep its token (``<data dir>/api-token``). That is not a plain-text fallback for a
    remote secret: this token only opens a loopback server whose data (recordings,
    analyses) already sits unencrypted in the same directory, so anyone who can read the
    file can read everything it protects anyway. Refusing to start instead would leave a
    first-run user on a headless or keyring-less desktop with an empty app.
    """
    credentials = credentials or CredentialStore()
    path = server_dir / TOKEN_FILE
    existing = _read_token(path)
    if existing:
        return existing
    stored = credentials.get(LOCAL_CONNECTION)
    if stored:
        return stored
    token = secrets.token_urlsafe(32)
    try:
        credentials.set(LOCAL_CONNECTION, token)
    except CredentialError:
        log.info("no keyring: keeping the local server's token in %s", path)
        _write_token(path, token)
    return token


def _read_token(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def _write_token(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # O_EXCL + 0600: never readable by others, not even between create and chmod.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    os.replace(tmp, path)


def save_local_connection(store: ConnectionStore, base_url: str) -> Connection:
    """Save (or re-point) the Local connection at the server's current address."""
    existing = next((c for c in store.list() if is_local(c)), None)
    if existing is None:
        connection = Connection(LOCAL_CONNECTION, LOCAL_PLATFORM, base_url)
    else:
        connection = replace(existing, base_url=base_url)
    store.save(connection)
    return connection


def is_local(connection: Connection | None) -> bool:
    """True for the connection the app's own child server serves."""
    return (
        connection is not None
        and connection.name == LOCAL_CONNECTION
        and connection.platform == LOCAL_PLATFORM
    )


def _parent_death_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the kernel SIGTERM the child when the app dies, even
    by a crash or SIGKILL, so a local server never outlives its app (Linux only).

    Everything is resolved here, in the parent: between fork and exec the child may
    only make the one call (no imports, no locks another thread might hold)."""
    if sys.platform != "linux":
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)

    def hook() -> None:
        prctl(pr_set_pdeathsig, sigterm, 0, 0, 0)

    return hook


class LocalServerProcess:
    """One ``python -m voxdesk.server`` child: started, awaited until it listens, stopped.

    The child's output is drained for as long as it runs (a full pipe would block its
    logging and so the server); the last lines are kept to explain a failed start.
    """

    def __init__(
        self,
        data_dir: Path,
        token: str,
        *,
        demo: bool = True,
        python: str = sys.executable,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.data_dir = data_dir
        self.token = token
        self.demo = demo
        self.python = python
        self.start_timeout = start_timeout
        self.base_url: str | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self._tail: deque[str] = deque(maxlen=20)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def command(self) -> list[str]:
        args = [
            self.python,
            "-m",
            "voxdesk.server",
            "--port",
            "0",
            "--data-dir",
            str(self.data_dir),
            "--token",
            self.token,
        ]
        if not self.demo:
            args.append("--no-demo")
        return args

    async def start(self) -> str:
        """Start the child and return its base URL once it says it is listening."""
        if self.running and self.base_url:
            return self.base_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._tail.clear()
        self._process = await asyncio.create_subprocess_exec(
            *self.command(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_parent_death_hook(),
        )
        try:
            self.base_url = await asyncio.wait_for(self._await_listening(), self.start_timeout)
        except TimeoutError:
            await self.stop()
            raise LocalServerError(
                f"The local server did not start within {self.start_timeout:.0f} s."
                + self._tail_text()
            ) from None
        except BaseException:
            await self.stop()
            raise
        self._drain = asyncio.get_running_loop().create_task(
            self._drain_output(), name="local-server-output"
        )
        return self.base_url

    async def _await_listening(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        while True:
            raw = await self._process.stdout.readline()
            if not raw:
                code = await self._process.wait()
                raise LocalServerError(
                    f"The local server stopped while starting (exit code {code})."
                    + self._tail_text()
                )
            line = raw.decode("utf-8", "replace").rstrip()
            self._tail.append(line)
            match = LISTENING.search(line)
            if match:
                return match.group("url").rstrip("/")

    async def _drain_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        while raw := await self._process.stdout.readline():
            line = raw.decode("utf-8", "replace").rstrip()
            self._tail.append(line)
            log.debug("server: %s", line)

    def _tail_text(self) -> str:
        lines = [line for line in self._tail if line.strip()][-5:]
        return ("\n" + "\n".join(lines)) if lines else ""

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Ask the child to stop (SIGTERM), and kill it if it does not within ``timeout``."""
        process, self._process = self._process, None
        drain, self._drain = self._drain, None
        self.base_url = None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if drain is not None:
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await drain
