"""The code that runs inside the analysis process pool.

It only measures and analyses a file already on disk and returns a plain dict
(``{"duration", "analysis"}`` or ``{"error"}``), because results and exceptions must
cross a process boundary by pickling and an engine's exception class might not.
The engine is imported lazily, here in the worker, so the server still ingests and
measures calls while ``voxdesk.server.analysis.engine`` is absent.
"""

from __future__ import annotations

import signal
from pathlib import Path
from types import ModuleType
from typing import Any

from voxdesk.server.probe import ProbeError, probe_duration
from voxdesk.server.scorecard import Scorecard

ENGINE_MODULE = "voxdesk.server.analysis.engine"


def init_worker() -> None:
    """Ctrl+C in a terminal reaches the whole process group; the server itself decides
    when workers stop, so they ignore it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
