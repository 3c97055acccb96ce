"""The local server as a child process of the app, and the token the app reaches it with.

On first run voxdesk has nowhere to browse calls, so the app starts its own server
(``python -m voxdesk.server``) on a free loopback port with the demo library, and saves
a "Local (this computer)" connection pointing at it. The port is chosen by the OS on
each run (``--port 0``), so the saved base URL is updated every time the server starts.

The child is watched for as long as it runs: if it dies on its own, ``on_exit`` is told
at once with what happened, so the app can say so and start it again instead of
reporting the dead server as a network fault. Its stderr (its logging, a crash's
traceback) goes to a log file in its data dir, so a failure can name where to look.

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

import httpx

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
#: The variable the server reads its token from (``voxdesk.server.credentials``).
TOKEN_ENV = "VOXDESK_SERVER_TOKEN"
LOCAL_PLATFORM = "local"
#: The same server's voice-bot API (its token has every scope), as a second connection.
LOCAL_VOICE_CONNECTION = "Voice bots (this computer)"
VOICE_PLATFORM = "voicecalls"
#: The same server as VOIX: its token is VOIX's workspace-wide key, so the connection
#: names the one team its calls belong to (the server's members list holds its members).
LOCAL_VOIX_CONNECTION = "VOIX (this computer)"
VOIX_PLATFORM = "voix"
LOCAL_VOIX_TEAM = "5e0c1a7d-3b2f-4c8e-9a61-0d4f2b7e9c35"
#: And its Voxpria API, whose simulated telephone network places AI voice calls.
LOCAL_VOXPRIA_CONNECTION = "AI voice calls (this computer)"
#: The connections the app's own child server serves, by name, with their platform.
APP_SERVED = {
    LOCAL_CONNECTION: LOCAL_PLATFORM,
    LOCAL_VOICE_CONNECTION: VOICE_PLATFORM,
    LOCAL_VOIX_CONNECTION: VOIX_PLATFORM,
    LOCAL_VOXPRIA_CONNECTION: "voxpria",
}
#: What an app-served connection is created with, beyond its address.
APP_SERVED_SETTINGS = {
    LOCAL_VOIX_CONNECTION: {"key_kind": "workspace", "team_id": LOCAL_VOIX_TEAM},
}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0
#: The child's stderr, in its data dir (the server redacts secrets from its log lines).
LOG_FILE = "server.log"
#: A log past this size is moved to ``server.log.1`` when the server next starts.
MAX_LOG_BYTES = 2 * 1024 * 1024
#: Lines of the log quoted in an error message.
LOG_TAIL_LINES = 3


#: How a voxdesk server names itself in every answer's ``Server`` header.
SERVER_HEADER = re.compile(r"^voxdesk/(?P<version>\S+)$")


async def server_version(base_url: str, timeout: float = 5.0) -> str | None:
    """The version a voxdesk local server names in its ``Server`` header; None when the
    server cannot be reached or is not voxdesk's. Any path answers (a 404 too), so no
    token is needed."""
    try:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            answer = await client.get(base_url.rstrip("/") + "/")
    except httpx.HTTPError:
        return None
    match = SERVER_HEADER.match(answer.headers.get("server", ""))
    return match.group("version") if match else None


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
    """Save (or re-point) the connections the app's server serves (the Local one, its
    voice-bot and VOIX twins) at the server's current address; returns the Local one. A name
    the user gave a connection of another platform is left alone."""
    saved: dict[str, Connection] = {}
    for name, platform in APP_SERVED.items():
        existing = store.find(name)
        if existing is None:
            connection = Connection(
                name, platform, base_url, settings=APP_SERVED_SETTINGS.get(name, {})
            )
        elif existing.platform == platform:
            connection = replace(existing, base_url=base_url)
        else:
            continue
        store.save(connection)
        saved[name] = connection
    return saved[LOCAL_CONNECTION]


def is_app_served(connection: Connection | None) -> bool:
    """True for a connection the app's own child server serves (either platform)."""
    return connection is not None and APP_SERVED.get(connection.name) == connection.platform


def is_local(connection: Connection | None) -> bool:
    """True for the connection the app's own child server serves."""
    return (
        connection is not None
        and connection.name == LOCAL_CONNECTION
        and connection.platform == LOCAL_PLATFORM
    )


def exit_reason(code: int) -> str:
    """A child's exit code in plain words (negative: killed by that signal)."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it was killed ({name})"
    return f"it exited with code {code}"


def frozen() -> bool:
    """True inside a built bundle, where ``sys.executable`` is voxdesk itself."""
    return bool(getattr(sys, "frozen", False))


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

    The child's stdout is drained for as long as it runs (a full pipe would block the
    server); its stderr goes to ``log_path``. A watcher task awaits the child's exit, and
    an exit nobody asked for (``stop()``) is passed to ``on_exit`` as a plain-words reason.
    """

    def __init__(
        self,
        data_dir: Path,
        token: str,
        *,
        demo: bool = True,
        python: str = sys.executable,
        start_timeout: float = START_TIMEOUT,
        on_exit: Callable[[str], None] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.token = token
        self.demo = demo
        self.python = python
        self.start_timeout = start_timeout
        self.on_exit = on_exit
        self.log_path = data_dir / LOG_FILE
        self.base_url: str | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._tail: deque[str] = deque(maxlen=20)
        #: Where this run's lines begin in the log (earlier runs' lines explain nothing).
        self._log_start = 0

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def command(self) -> list[str]:
        """The child's command line; the token is not on it (see ``environment``).

        In a built bundle (PyInstaller sets ``sys.frozen``) there is no Python to run
        ``-m`` with: the child is the bundle's own executable, as ``voxdesk server``."""
        launcher = [self.python, "server"] if frozen() else [self.python, "-m", "voxdesk.server"]
        args = [
            *launcher,
            "--port",
            "0",
            "--data-dir",
            str(self.data_dir),
        ]
        if not self.demo:
            args.append("--no-demo")
        return args

    def environment(self) -> dict[str, str]:
        """The child's environment, carrying the token: a command line is readable by
        every user (``ps``), a process's environment only by its owner."""
        return {**os.environ, TOKEN_ENV: self.token}

    async def start(self) -> str:
        """Start the child and return its base URL once it says it is listening."""
        if self.running and self.base_url:
            return self.base_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._tail.clear()
        self._rotate_log()
        log_file = self.log_path.open("ab")
        self._log_start = log_file.seek(0, os.SEEK_END)
        self._process = await asyncio.create_subprocess_exec(
            *self.command(),
            env=self.environment(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=log_file,
            preexec_fn=_parent_death_hook(),
        )
        log_file.close()  # the child writes through its own copy of the descriptor
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
        loop = asyncio.get_running_loop()
        self._drain = loop.create_task(self._drain_output(), name="local-server-output")
        self._watch = loop.create_task(self._watch_exit(self._process), name="local-server-watch")
        return self.base_url

    def _rotate_log(self) -> None:
        """Keep one previous log, so a long-lived data dir's log does not grow forever."""
        try:
            if self.log_path.stat().st_size > MAX_LOG_BYTES:
                os.replace(self.log_path, self.log_path.with_name(LOG_FILE + ".1"))
        except FileNotFoundError:
            pass

    async def _watch_exit(self, process: asyncio.subprocess.Process) -> None:
        """Await the child's exit; one that ``stop()`` did not ask for goes to ``on_exit``."""
        code = await process.wait()
        if self._process is not process:
            return
        self._process, self.base_url = None, None
        reason = exit_reason(code)
        log.warning("the local server stopped: %s", reason)
        if self.on_exit is not None:
            self.on_exit(reason)

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
        """The child's last words: its last stdout lines, then the end of its log."""
        lines = [line for line in self._tail if line.strip()][-5:]
        lines += self.log_tail()
        return ("\n" + "\n".join(lines)) if lines else ""

    def log_tail(self, count: int = LOG_TAIL_LINES) -> list[str]:
        """The last non-blank lines this run wrote to its log."""
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(max(self._log_start, handle.seek(0, os.SEEK_END) - 8192))
                text = handle.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()][-count:]

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Ask the child to stop (SIGTERM), and kill it if it does not within ``timeout``."""
        process, self._process = self._process, None
        drain, self._drain = self._drain, None
        watch, self._watch = self._watch, None
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
        for task in (watch, drain):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
