"""Which platform the window talks to: saved connections, their tokens, the provider,
and the local server the app runs for the "Local (this computer)" connection.

On the first run (nothing saved) the local server is started with its demo library and
a Local connection is saved; on later runs it is started again (on a new free port,
the saved URL updated) whenever the Local connection is the active one. Starting and
switching run as named tasks so the window is shown at once and never waits on them.

The child is watched: when it dies on its own the banner says so at once (not, much
later, as a network error), and it is started again on the same data dir after a short
and growing delay; when it keeps failing, the banner says where its log is. Retry (a
``reconnect``) restarts it at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from voxdesk.providers import registry
from voxdesk.providers.base import Provider
from voxdesk.services import paths
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import Connection, ConnectionStore, CredentialStore
from voxdesk.services.factory import make_provider
from voxdesk.services.local_server import (
    LocalServerError,
    LocalServerProcess,
    is_app_served,
    local_server_token,
    save_local_connection,
)
from voxdesk.services.tasks import NamedTasks

log = logging.getLogger("voxdesk.ui.session")

#: Builds the child server for a data dir and token (tests pass ``demo=False``).
ServerFactory = Callable[[Path, str], LocalServerProcess]
#: Seconds before each automatic restart of a local server that stopped on its own.
RESTART_DELAYS = (0.5, 2.0, 5.0)


def default_server_factory(data_dir: Path, token: str) -> LocalServerProcess:
    return LocalServerProcess(data_dir, token, demo=True)


class Session(QObject):
    """The active connection and its ``CallService``; owner of the local child server."""

    #: A new ``CallService`` (or None when nothing is connected) for the browser.
    serviceChanged = Signal(object)
    #: (connection name, "platform title · base URL") for the status bar; ("", "") when none.
    connectionChanged = Signal(str, str)
    errorRaised = Signal(str)
    statusMessage = Signal(str)

    def __init__(
        self,
        catalog: CallCatalog,
        connections: ConnectionStore,
        credentials: CredentialStore,
        *,
        server_dir: Path | None = None,
        server_factory: ServerFactory = default_server_factory,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.connections = connections
        self.credentials = credentials
        self.server_dir = server_dir or paths.local_server_dir()
        self.server_factory = server_factory
        self.connection: Connection | None = None
        self.provider: Provider | None = None
        self.server: LocalServerProcess | None = None
        #: The app-served connection in use (restarts of the child keep it active).
        self._served_id: str | None = None
        self._tasks = NamedTasks()

    def start(self) -> None:
        """Connect to the active connection, creating the Local one on the first run."""
        self._tasks.start("connect", self._connect(None))

    def switch_to(self, connection_id: str) -> None:
        self.connections.set_active(connection_id)
        self._tasks.start("connect", self._connect(None))

    def reconnect(self) -> None:
        """Re-read the active connection (its URL or token may have been edited)."""
        self._tasks.start("connect", self._connect(None))

    async def _connect(self, connection_id: str | None) -> None:
        if connection_id is not None:
            self.connections.set_active(connection_id)
        connection = self.connections.active()
        try:
            if connection is None and not self.connections.list():
                connection = await self._start_local_server(first_run=True)
            elif is_app_served(connection):
                connection = await self._start_local_server(first_run=False, keep=connection.id)
            else:
                await self._stop_local_server()
        except LocalServerError as exc:
            self.errorRaised.emit(f"{exc}\n{self._log_hint()}")
            connection = None
        await self._use(connection)

    async def _use(self, connection: Connection | None) -> None:
        old = self.provider
        self.connection, self.provider = connection, None
        service = None
        if connection is not None:
            token = self.token_for(connection)
            try:
                self.provider = make_provider(
                    connection.platform, connection.base_url, token, connection.settings
                )
            except ValueError as exc:
                # A setting the platform refuses: say which, and connect to nothing.
                self.errorRaised.emit(f"The connection {connection.name!r} cannot be used: {exc}")
                self.connection = connection = None
        if connection is not None and self.provider is not None:
            service = CallService(connection.id, self.provider, self.catalog)
            title = registry.entry(connection.platform).title
            self.connectionChanged.emit(connection.name, f"{title} · {connection.base_url}")
        else:
            self.connectionChanged.emit("", "")
        self.serviceChanged.emit(service)
        if old is not None:
            await old.aclose()

    def token_for(self, connection: Connection) -> str | None:
        """The token ``connection`` is used with (the app's own server's, for the
        connections it serves)."""
        if is_app_served(connection) and self.server is not None:
            return self.server.token
        return self.credentials.get(connection.id)

    # --- the local child server ------------------------------------------------------

    async def _start_local_server(self, *, first_run: bool, keep: str | None = None) -> Connection:
        """Start the child (if it is not running) and point the connections it serves at
        it; the one named by ``keep`` (the Local one by default) becomes the active one."""
        if self.server is None or not self.server.running:
            self.statusMessage.emit(
                "Starting the local server with its demo calls…"
                if first_run
                else "Starting the local server…"
            )
            if self.server is not None:
                await self.server.stop()  # one that died: end its output and watch tasks
            token = local_server_token(self.server_dir, self.credentials)
            self.server = self.server_factory(self.server_dir, token)
            self.server.on_exit = self._local_server_stopped
            base_url = await self.server.start()
            self.statusMessage.emit(f"Local server listening on {base_url}")
        assert self.server.base_url is not None
        connection = save_local_connection(self.connections, self.server.base_url)
        kept = self.connections.get(keep or self._served_id or connection.id)
        if is_app_served(kept):
            assert kept is not None
            connection = kept
        self._served_id = connection.id
        self.connections.set_active(connection.id)
        return connection

    def _local_server_stopped(self, reason: str) -> None:
        """The child died on its own: say so now, and start it again shortly. The list
        keeps its service (the cached calls stay browsable); ``connection`` is cleared,
        so Retry reconnects, which restarts the server at once."""
        self.connection = None
        self.connectionChanged.emit("", "")
        self.errorRaised.emit(f"The local server stopped: {reason}. Restarting it…")
        self._tasks.start("connect", self._restart_local_server())

    async def _restart_local_server(self) -> None:
        """Start the stopped child again, backing off; give up with the log's place."""
        failure: LocalServerError | None = None
        for attempt, delay in enumerate(RESTART_DELAYS, start=1):
            await asyncio.sleep(delay)
            try:
                connection = await self._start_local_server(first_run=False)
            except LocalServerError as exc:
                failure = exc
                log.warning("restarting the local server failed (attempt %d): %s", attempt, exc)
                if attempt < len(RESTART_DELAYS):
                    self.errorRaised.emit(f"{exc}\nTrying again in {RESTART_DELAYS[attempt]:g} s…")
                continue
            await self._use(connection)
            return
        self.errorRaised.emit(
            f"The local server failed to start {len(RESTART_DELAYS)} times. {self._log_hint()}"
            f"\nLast error: {failure}"
        )

    def _log_hint(self) -> str:
        if self.server is None:
            return ""
        return f"Its log is at {self.server.log_path}."

    async def _stop_local_server(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.stop()

    async def close(self) -> None:
        """Cancel pending work, close the provider and stop the child server."""
        if self.server is not None:
            self.server.on_exit = None  # from now on its exit is ours: no restart
        await self._tasks.close()
        if self.provider is not None:
            await self.provider.aclose()
            self.provider = None
        await self._stop_local_server()
