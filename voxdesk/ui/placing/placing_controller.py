"""The presenter behind Place call…: the Qt-free ``CallPlacer`` and ``CallBatch``
(``voxdesk.services``) run as named tasks it owns, and their results come back as
signals. Switching connections cancels every task (a batch stops placing; its calls are
followed by the list from then on); ``close`` cancels them on shutdown.

Task names: ``agents`` (the platform's agents), ``place`` (one call), ``batch`` (a batch
run, which owns the follow tasks of its calls).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from voxdesk.domain import OutboundCallRequest
from voxdesk.providers.errors import ProviderError
from voxdesk.services.call_batch import DEFAULT_LINES, BatchRow, CallBatch
from voxdesk.services.calls import CallService
from voxdesk.services.outbound import Attempt, AttemptState, AttemptStore
from voxdesk.services.placing import CallPlacer, can_place_calls
from voxdesk.services.tasks import NamedTasks

log = logging.getLogger("voxdesk.ui.placing")


def attempt_text(attempt: Attempt) -> str:
    """What became of one call request, in plain words."""
    number = attempt.request.to_number
    if attempt.state is AttemptState.PLACED:
        return f"Call to {number} placed ({attempt.call_id}); follow it in the list."
    if attempt.state is AttemptState.REFUSED:
        return f"The platform refused the call to {number}: {attempt.reason}"
    if attempt.state is AttemptState.NOT_PLACED:
        return f"The call to {number} was not placed: {attempt.reason}"
    return (
        f"It is not known yet whether the call to {number} was placed ({attempt.reason}). "
        "Placing it again checks the platform first, so it is never dialled twice."
    )


class CallPlacing(QObject):
    """Places calls on the active connection when its platform can (``available``)."""

    #: True when the connected platform places calls (the action is offered then).
    availableChanged = Signal(bool)
    #: The agents to choose from (``[AgentChoice]``), or why they could not be read.
    agentsLoaded = Signal(list)
    agentsFailed = Signal(str)
    #: One request's ``Attempt``; and, when it placed a call, its id (the list opens it).
    placeFinished = Signal(object)
    callPlaced = Signal(str)
    #: A batch row changed: (index, ``BatchRow``); the batch ended: ``BatchSummary``.
    rowChanged = Signal(int, object)
    batchFinished = Signal(object)
    batchFailed = Signal(str)

    def __init__(
        self, store: AttemptStore, *, lines: int = DEFAULT_LINES, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.lines = lines
        self._placer: CallPlacer | None = None
        self._batch: CallBatch | None = None
        self._tasks = NamedTasks()

    @property
    def available(self) -> bool:
        return self._placer is not None

    def set_service(self, service: CallService | None) -> None:
        """Another connection: whatever ran for the old one stops."""
        self._tasks.cancel_all()
        self._batch = None
        self._placer = CallPlacer(service, self._store) if can_place_calls(service) else None
        self.availableChanged.emit(self.available)

    def load_agents(self) -> None:
        if self._placer is not None:
            self._tasks.start("agents", self._load_agents(self._placer))

    async def _load_agents(self, placer: CallPlacer) -> None:
        try:
            agents = await placer.agents()
        except ProviderError as exc:
            self.agentsFailed.emit(f"The platform's agents could not be read: {exc}")
            return
        if not agents:
            self.agentsFailed.emit("The platform has no agents to place calls with.")
            return
        self.agentsLoaded.emit(agents)

    # --- one call --------------------------------------------------------------------

    def place(self, request: OutboundCallRequest) -> None:
        if self._placer is not None and not self.placing:
            self._tasks.start("place", self._place(self._placer, request))

    @property
    def placing(self) -> bool:
        return self._tasks.running("place") or self._tasks.running("batch")

    async def _place(self, placer: CallPlacer, request: OutboundCallRequest) -> None:
        attempt = await placer.place(request)
        self.placeFinished.emit(attempt)
        if attempt.state is AttemptState.PLACED and attempt.call_id:
            self.callPlaced.emit(attempt.call_id)

    # --- a batch ---------------------------------------------------------------------

    def start_batch(self, agent_id: str, rows: list[BatchRow]) -> None:
        if self._placer is None or self.placing:
            return
        self._batch = CallBatch(
            self._placer,
            agent_id,
            rows,
            lines=self.lines,
            on_change=self.rowChanged.emit,
        )
        self._tasks.start("batch", self._run_batch(self._batch))

    async def _run_batch(self, batch: CallBatch) -> None:
        try:
            summary = await batch.run()
        except ProviderError as exc:  # the journal or the platform failed outright
            self.batchFailed.emit(f"The batch stopped: {exc}")
            return
        self.batchFinished.emit(summary)

    def cancel_batch(self) -> None:
        """Place no more rows; the placed calls are followed to their end."""
        if self._batch is not None:
            self._batch.cancel()

    def stop_batch(self) -> None:
        """The dialog closed: place nothing more and stop following (the list follows
        the calls it shows)."""
        self.cancel_batch()
        self._tasks.cancel("batch")

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close(self) -> None:
        await self._tasks.close()
