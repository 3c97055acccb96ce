"""The presenter between the window and sending calls to VOIX (``voxdesk.services``:
the outbox, the call log, staged recordings, following what was sent).

Active only while a VOIX connection is in use (``set_service``, wired to
``Session.serviceChanged``). Files dropped on it become ``detailsNeeded`` (the send
dialog, with each file's defaults read off the loop) unless VOIX could not fetch them
from anywhere, which is said at once, before anyone fills a dialog. File ▸ Send call
log… becomes ``send_call_log``. Every answered row is reported (``rowReported``) as it
comes; a run ends with ``runFinished``. Sent calls are listed as the desk knows them
and followed until VOIX has finished with them.

Task names: ``defaults`` (reading dropped files), ``send`` (one run: recordings or a
call log; ``cancel_send`` stops it, rows already answered stay), ``follow`` (the sent
calls VOIX is still working on). Switching connection or closing cancels them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from voxdesk.providers.voix import VoixProvider
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import Connection, ConnectionStore
from voxdesk.services.local_server import is_app_served
from voxdesk.services.tasks import NamedTasks
from voxdesk.services.uploads.checks import expand_paths
from voxdesk.services.voix_call_log import CallLogError, RowReport, read_call_log, send_call_log
from voxdesk.services.voix_members import publish_members
from voxdesk.services.voix_outbox import Sent, VoixOutbox
from voxdesk.services.voix_recordings import (
    StagingPlace,
    reachable_only_nearby,
    recording_defaults,
    send_recordings,
    staging,
    staging_refusal,
)
from voxdesk.services.voix_tracking import follow_sent, remember_sent, unfinished_ids

log = logging.getLogger("voxdesk.ui.voix")

LOCAL_PLATFORM = "local"
#: The app's own server's members list (``voxdesk.server.platforms.voix.members``).
MEMBERS_FILE = "voix-members.json"
NOT_VOIX = "Connect to a VOIX connection first (File ▸ Connections…) to send calls to VOIX."

#: The token a connection is used with (the session knows the app's own server's).
TokenFor = Callable[[Connection], "str | None"]


def summary_text(reports: list[RowReport], cancelled: bool = False) -> str:
    through = sum(report.went_through for report in reports)
    text = f"{through} of {len(reports)} went through."
    if cancelled:
        text = f"Cancelled. {text}"
    refused = len(reports) - through
    if refused:
        text += f" {refused} did not: the reason is beside each."
    return text


class VoixController(QObject):
    """``VoixController(outbox, catalog, connections, token_for)``."""

    #: (list[RecordingDefaults], tuple[TeamMember, ...]): ask for the send dialog.
    detailsNeeded = Signal(list, tuple)
    #: A run started: ("recordings" | "call log", what is being sent, for the dialog).
    runStarted = Signal(str, str)
    #: (RowReport, its label: "line 3" or the file's name).
    rowReported = Signal(object, str)
    #: The run ended (or was cancelled): its summary.
    runFinished = Signal(str)
    statusMessage = Signal(str)
    errorRaised = Signal(str)

    def __init__(
        self,
        outbox: VoixOutbox,
        catalog: CallCatalog,
        connections: ConnectionStore,
        token_for: TokenFor,
        server_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        #: The app's own server's data dir, where its members list lives.
        self.server_dir = server_dir
        self.outbox = outbox
        self.catalog = catalog
        self.connections = connections
        self.token_for = token_for
        self.service: CallService | None = None
        self._tasks = NamedTasks()

    # --- connection ------------------------------------------------------------------

    @property
    def provider(self) -> VoixProvider | None:
        provider = self.service.provider if self.service is not None else None
        return provider if isinstance(provider, VoixProvider) else None

    @property
    def active(self) -> bool:
        return self.provider is not None

    def set_service(self, service: CallService | None) -> None:
        self._tasks.cancel_all()
        self.service = service
        if self.provider is not None and service is not None:
            self._start("follow", self._follow_unfinished(service))
            self._publish_members(service)

    def _publish_members(self, service: CallService) -> None:
        """The app's own server attributes agents from its members list: it gets the
        members the connection keeps (VOIX elsewhere keeps its own)."""
        connection = self.connections.get(service.connection)
        settings = self.provider.voix_settings if self.provider is not None else None
        if self.server_dir is None or settings is None or settings.team_id is None:
            return
        if not is_app_served(connection) or not settings.members:
            return
        path = self.server_dir / MEMBERS_FILE
        self._start(
            "members",
            asyncio.to_thread(publish_members, path, settings.team_id, settings.members),
        )

    def _start(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        self._tasks.start(name, coro)

    # --- where recordings are staged -------------------------------------------------

    def staging_place(self) -> StagingPlace | None:
        """A voxdesk local server for VOIX to fetch recordings from: the connection named
        under "Stage recordings on", else the VOIX server itself (a voxdesk local server
        stages in its own storage) with a local connection's token for the same address,
        or the VOIX key (the local server's workspace-wide key is its own token). A
        VOIX elsewhere, with nothing chosen, has nowhere: ``None``."""
        provider, service = self.provider, self.service
        if provider is None or service is None or provider.voix_settings is None:
            return None
        settings = provider.voix_settings
        if settings.stage_on is not None:
            chosen = self.connections.find(settings.stage_on)
            if chosen is None or chosen.platform != LOCAL_PLATFORM:
                return None
            return StagingPlace(chosen.name, chosen.base_url, self.token_for(chosen))
        for local in self.connections.list():
            if local.platform == LOCAL_PLATFORM and local.base_url == settings.base_url:
                return StagingPlace(local.name, local.base_url, self.token_for(local))
        if not reachable_only_nearby(settings.base_url):
            return None  # a VOIX out there hosts nothing of ours
        own = self.connections.get(service.connection)
        name = own.name if own is not None else settings.base_url
        return StagingPlace(name, settings.base_url, settings.token_value())

    def _staging_refusal(self) -> str | None:
        provider = self.provider
        assert provider is not None and provider.voix_settings is not None
        settings = provider.voix_settings
        if settings.stage_on is not None and self.staging_place() is None:
            return (
                f"Recordings cannot be staged on {settings.stage_on!r}: there is no voxdesk "
                "local server connection of that name (File ▸ Connections…)."
            )
        return staging_refusal(settings.base_url, self.staging_place())

    # --- recordings ------------------------------------------------------------------

    def recordings_dropped(self, paths: list[Path]) -> None:
        """Ask for the calls' details, with defaults read from the files."""
        if self.provider is None:
            self.statusMessage.emit(NOT_VOIX)
            return
        refusal = self._staging_refusal()
        if refusal is not None:
            self.errorRaised.emit(refusal)
            return
        self._start("defaults", self._read_defaults(paths))

    async def _read_defaults(self, paths: list[Path]) -> None:
        files = expand_paths(paths)
        if not files:
            self.statusMessage.emit("No recordings among the dropped files.")
            return
        # Decoding a file without a length in its header reads it all: off the loop.
        defaults = await asyncio.to_thread(lambda: [recording_defaults(f) for f in files])
        provider = self.provider
        if provider is None or provider.voix_settings is None:
            return
        self.detailsNeeded.emit(defaults, provider.voix_settings.members)

    def send_recordings(self, calls: list[tuple[Path, dict[str, Any]]]) -> None:
        """The send dialog's calls: one finishing beat per file."""
        if self.provider is None or self.service is None:
            self.statusMessage.emit(NOT_VOIX)
            return
        count = len(calls)
        self.runStarted.emit("recordings", f"Sending {count} recording(s) to VOIX.")
        names = {line: path.name for line, (path, _) in enumerate(calls, start=1)}
        self._start(
            "send",
            self._run(
                lambda on_report: send_recordings(
                    self.outbox,
                    self.provider,  # type: ignore[arg-type]
                    self.service.connection,  # type: ignore[union-attr]
                    calls,
                    self.staging_place(),
                    on_report,
                ),
                lambda report: names.get(report.line, str(report.line)),
            ),
        )

    # --- a phone system's call log ---------------------------------------------------

    def send_call_log(self, path: Path) -> None:
        if self.provider is None or self.service is None:
            self.errorRaised.emit(NOT_VOIX)
            return
        try:
            rows = read_call_log(path)
        except CallLogError as exc:
            self.errorRaised.emit(str(exc))
            return
        service, provider = self.service, self.provider
        place = None
        if any(row.recording_file is not None for row in rows):
            place = self.staging_place()
            if staging_refusal(provider.http.base_url, place) is not None:
                place = None  # rows with files are refused with the reason; others go

        async def send(on_report: Callable[[RowReport], None]) -> list[RowReport]:
            if place is None:
                return await send_call_log(
                    self.outbox, provider, service.connection, rows, None, on_report
                )
            async with staging(place) as stage:
                return await send_call_log(
                    self.outbox, provider, service.connection, rows, stage, on_report
                )

        self.runStarted.emit("call log", f"Sending {path.name} ({len(rows)} row(s)) to VOIX.")
        self._start("send", self._run(send, lambda report: f"line {report.line}"))

    # --- one run ---------------------------------------------------------------------

    def cancel_send(self) -> None:
        self._tasks.cancel("send")

    @property
    def sending(self) -> bool:
        return self._tasks.running("send")

    async def _run(
        self,
        send: Callable[[Callable[[RowReport], None]], Coroutine[Any, Any, list[RowReport]]],
        label: Callable[[RowReport], str],
    ) -> None:
        service = self.service
        assert service is not None
        reports: list[RowReport] = []

        def reported(report: RowReport) -> None:
            reports.append(report)
            self.rowReported.emit(report, label(report))

        try:
            await send(reported)
        except asyncio.CancelledError:
            self.runFinished.emit(summary_text(reports, cancelled=True))
            raise
        finally:
            sent = [r.call for r in reports if r.outcome is Sent.SENT and r.call is not None]
            if sent:
                # Listed even when the run was cancelled: VOIX has them.
                await asyncio.shield(remember_sent(self.catalog, service.connection, sent))
        self.runFinished.emit(summary_text(reports))
        self.statusMessage.emit(summary_text(reports))
        if sent:
            self._start("follow", self._follow_unfinished(service))

    # --- following what was sent -----------------------------------------------------

    async def _follow_unfinished(self, service: CallService) -> None:
        provider = service.provider
        assert isinstance(provider, VoixProvider)
        waiting = await unfinished_ids(self.catalog, service.connection)
        await follow_sent(provider, self.catalog, service.connection, waiting)

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close(self) -> None:
        await self._tasks.close()
