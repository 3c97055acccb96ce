"""``VOXDESK_SMOKE=1``: a scripted run for the built bundle's smoke test.

It says when the window is shown and how many of the first calls listed are still to
be analysed (none, on a first run: the demo library ships with its results); then it
selects the first completed one, plays it until the player's position moves, prints
``voxdesk smoke: played <call id>`` and closes the window (which stops the local server
as any close does).
``SmokeRun.failed`` is set and the window closed if that has not happened within
``timeout`` seconds.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QObject, QTimer

from voxdesk.domain.calls import CallStatus
from voxdesk.ui.main_window.window import MainWindow

SMOKE_ENV = "VOXDESK_SMOKE"
POLL_MS = 200
TIMEOUT_SECONDS = 120.0


def smoke_requested() -> bool:
    return os.environ.get(SMOKE_ENV) == "1"


class SmokeRun(QObject):
    """Drives ``window`` through select → play → quit, polled on a timer."""

    def __init__(self, window: MainWindow, timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__(window)
        self.window = window
        self.deadline = time.monotonic() + timeout
        self.call_id: str | None = None
        self.failed = False
        self._listed = False
        #: Where playing began (a remembered position may not be 0).
        self._started_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        """Called once the window is shown: says so (build.sh times the start by it)."""
        print("voxdesk smoke: window shown", flush=True)
        self._timer.start()

    def _step(self) -> None:
        window, player = self.window, self.window.player
        if time.monotonic() > self.deadline:
            self.failed = True
            self._finish(f"voxdesk smoke: FAILED (call {self.call_id}, nothing played)")
        elif self.call_id is None:
            rows = window.model.state.rows
            if rows and not self._listed:
                self._listed = True
                waiting = sum(r.status in (CallStatus.PENDING, CallStatus.PROCESSING) for r in rows)
                print(
                    f"voxdesk smoke: first listing: {len(rows)} calls, {waiting} waiting",
                    flush=True,
                )
            completed = next((r for r in rows if r.status is CallStatus.COMPLETED), None)
            if completed is not None and window.call_list.select_call(completed.call_id):
                self.call_id = completed.call_id
        elif window.playback.call is None or window.playback.call.id != self.call_id:
            return  # its detail and recording are still loading
        elif self._started_at is None:
            self._started_at = player.position
            window.playback.play()
        elif player.playing and player.position > self._started_at:
            self._finish(f"voxdesk smoke: played {self.call_id} to {player.position:.2f} s")

    def _finish(self, line: str) -> None:
        self._timer.stop()
        print(line, file=sys.stderr if self.failed else sys.stdout, flush=True)
        self.window.close()
