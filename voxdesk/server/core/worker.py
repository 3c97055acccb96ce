"""The code that runs inside the analysis process pool.

It only measures and analyses a file already on disk and returns a plain dict
(``{"duration", "analysis"}`` or ``{"error"}``), because results and exceptions must
cross a process boundary by pickling and an engine's exception class might not.
The engine is imported lazily, here in the worker, so the server still ingests and
measures calls while ``voxdesk.server.analysis.engine`` is absent.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from voxdesk.server.core.probe import ProbeError, probe_duration
from voxdesk.server.scorecard import Scorecard

ENGINE_MODULE = "voxdesk.server.analysis.engine"
PARENT_POLL_SECONDS = 1.0


def init_worker(server_pid: int) -> None:
    """Ctrl+C in a terminal reaches the whole process group; the server itself decides
    when workers stop, so they ignore it. A worker must not outlive its server, even one
    that was SIGKILLed and so could not stop it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(server_pid)


def _exit_with(server_pid: int) -> None:
    if sys.platform == "linux":
        # The kernel kills us when the thread that spawned us exits: the server's event
        # loop thread, which lives as long as the server.
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != server_pid:  # the server died before the line above
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(server_pid,), daemon=True).start()


def _watch_parent(server_pid: int) -> None:
    """Elsewhere, poll: an orphan is re-parented, so its parent pid changes."""
    while os.getppid() == server_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _engine() -> ModuleType | None:
    try:
        from voxdesk.server.analysis import engine
    except ModuleNotFoundError as exc:
        if exc.name == ENGINE_MODULE:
            return None
        raise
    return engine


def analyze_call(path: str, scorecard: Scorecard) -> dict[str, Any]:
    """Duration always; the full analysis when the engine is installed."""
    recording = Path(path)
    try:
        duration = probe_duration(recording)
    except ProbeError as exc:
        return {"error": str(exc)}
    engine = _engine()
    if engine is None:
        return {"duration": duration, "analysis": None}
    try:
        output = engine.analyze_recording(recording, scorecard)
    except engine.AnalysisError as exc:
        # The engine phrases its own reasons for people ("...could not be decoded: ...").
        return {"error": str(exc) or "The recording could not be analysed."}
    return {"duration": duration, "analysis": output.model_dump(mode="json")}
