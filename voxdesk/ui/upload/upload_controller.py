"""The presenter between the window's upload widgets and the upload queue.

The window turns a drop or File ▸ Upload recordings… into ``prepare(paths)``; this
object checks the files first (a batch with nothing uploadable never opens the dialog,
and refused files are named at once), reads the agents and categories the dialog offers
and asks for the metadata
(``metadataNeeded``); the accepted batch goes to ``add``. It owns the active
connection's ``UploadQueue``: a new one for each connection (``set_service``, wired to
``Session.serviceChanged``), whose unfinished jobs resume at once. Switching or quitting
stops the old queue's jobs where they are; they are on disk and resume with it.

Task names: ``queue`` (closing the old queue, resuming the new one), ``choices:<n>``
(agents and categories for one batch's dialog), ``add:<n>`` (checking and queuing one
batch). Batches are numbered so that a second drop never cancels the first.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from voxdesk.domain import Category, Member
from voxdesk.providers.base import Capability
from voxdesk.providers.errors import ProviderError
from voxdesk.services.calls import CallService
from voxdesk.services.tasks import NamedTasks
from voxdesk.services.uploads.checks import (
    MAX_UPLOAD_BYTES,
    FileCheck,
    check_file,
    expand_paths,
)
from voxdesk.services.uploads.flow import FlowTimings
from voxdesk.services.uploads.jobs import UploadMetadata, UploadState
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.store import UploadStore

log = logging.getLogger("voxdesk.ui.uploads")

NOT_CONNECTED = "Connect to a platform before uploading recordings (File ▸ Connections…)."


def refused_text(refused: list[FileCheck], total: int) -> str:
    """Files that will not be uploaded, and why, said before anything is asked."""
    if len(refused) == 1:
        text = f"{refused[0].path.name} cannot be uploaded: {refused[0].reason}"
    else:
        text = f"{len(refused)} of {total} files cannot be uploaded: {refused[0].reason}"
    if len(refused) < total:
        text += " The Uploads panel will list why."
    return text


class UploadController(QObject):
    """``UploadController(store)``; ``set_service`` per connection; ``close`` at exit."""

    #: The active connection's queue (``None`` when nothing is connected), for the panel.
    queueChanged = Signal(object)
    #: (paths, agents: list[Member], categories: list[Category] | None) for the dialog;
    #: ``None`` categories means the platform cannot list them, so one is typed.
    metadataNeeded = Signal(list, list, object)
    #: Files were queued or resumed: the panel should be shown.
    uploadsStarted = Signal()
    statusMessage = Signal(str)
    errorRaised = Signal(str)

    def __init__(
        self,
        store: UploadStore,
        *,
        timings: FlowTimings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.timings = timings
        self.service: CallService | None = None
        self.queue: UploadQueue | None = None
        #: Stopped queues of earlier connections, until their last writes are on disk.
        self._retired: list[UploadQueue] = []
        self._tasks = NamedTasks()
        self._batches = itertools.count(1)

    # --- connection ------------------------------------------------------------------

    def set_service(self, service: CallService | None) -> None:
        """Upload to another connection. The old queue's jobs stop now, before its
        provider is closed, and resume when that connection is active again."""
        if self.queue is not None:
            self.queue.stop()
            self._retired.append(self.queue)
        for name in self._tasks.names():
            if name.startswith("choices:"):
                self._tasks.cancel(name)
        self.service = service
        self.queue = (
            UploadQueue(service, self.store, timings=self.timings) if service is not None else None
        )
        self.queueChanged.emit(self.queue)
        self._tasks.start("queue", self._switch(self.queue))

    async def _switch(self, new: UploadQueue | None) -> None:
        # Closing is idempotent, so a switch cancelled half-way is finished by the next;
        # the same connection's jobs must not run in two queues at once.
        await self._close_retired()
        if new is None:
            return
        resumed = await new.resume()
        if resumed:
            noun = "upload" if len(resumed) == 1 else "uploads"
            self.statusMessage.emit(f"Resuming {len(resumed)} unfinished {noun}.")
            self.uploadsStarted.emit()

    # --- a batch ---------------------------------------------------------------------

    def prepare(self, paths: list[Path]) -> None:
        """Files were dropped or chosen: gather what the metadata dialog offers."""
        if not paths:
            return
        if self.service is None:
            self.errorRaised.emit(NOT_CONNECTED)
            return
        batch = next(self._batches)
        self._tasks.start(f"choices:{batch}", self._ask_metadata(self.service, paths))

    async def _ask_metadata(self, service: CallService, paths: list[Path]) -> None:
        # Checked before the dialog: filling it in for files that cannot go is wasted.
        files = await asyncio.to_thread(expand_paths, paths)
        max_bytes = self.queue.max_bytes if self.queue is not None else MAX_UPLOAD_BYTES
        checks = await asyncio.to_thread(lambda: [check_file(p, max_bytes) for p in files])
        refused = [check for check in checks if not check.ok]
        if not files:
            self.statusMessage.emit("No files were found in what was dropped.")
            return
        if refused:
            self.statusMessage.emit(refused_text(refused, len(checks)))
            if len(refused) == len(checks):
                return
        provider = service.provider
        members: list[Member] = []
        categories: list[Category] | None = None
        try:
            if provider.supports(Capability.LIST_MEMBERS):
                members = await provider.list_members()
            if provider.supports(Capability.LIST_CATEGORIES):
                categories = await provider.list_categories()
        except ProviderError as exc:
            # The dialog still works: agent and category are typed instead of chosen.
            self.statusMessage.emit(f"Could not read agents and categories: {exc}")
            members, categories = [], None
        self.metadataNeeded.emit(paths, members, categories)

    def add(self, paths: list[Path], metadata: UploadMetadata) -> None:
        """Queue an accepted batch on the active connection."""
        if self.queue is None:
            self.errorRaised.emit(NOT_CONNECTED)
            return
        batch = next(self._batches)
        self._tasks.start(f"add:{batch}", self._add(self.queue, paths, metadata))

    async def _add(self, queue: UploadQueue, paths: list[Path], metadata: UploadMetadata) -> None:
        self.uploadsStarted.emit()
        try:
            ids = await queue.add(paths, metadata)
        except OSError as exc:
            self.errorRaised.emit(f"Could not queue the files: {exc.strerror or exc}")
            return
        jobs = [job for job in map(queue.job, ids) if job is not None]
        refused = sum(1 for job in jobs if job.state is UploadState.REFUSED)
        if not jobs:
            self.statusMessage.emit("No audio files were found in what was dropped.")
            return
        noun = "file" if len(jobs) == 1 else "files"
        message = f"Queued {len(jobs) - refused} of {len(jobs)} {noun} for upload."
        if refused:
            message += f" {refused} refused: see the Uploads panel for why."
        self.statusMessage.emit(message)

    # --- lifetime --------------------------------------------------------------------

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close(self) -> None:
        """Stop the queue's jobs where they are (they resume on the next start)."""
        if self.queue is not None:
            self.queue.stop()
            self._retired.append(self.queue)
            self.queue = None
        await self._tasks.close()
        await self._close_retired()

    async def _close_retired(self) -> None:
        for queue in list(self._retired):
            await queue.close()
            if queue in self._retired:
                self._retired.remove(queue)
