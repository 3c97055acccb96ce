"""Short synthetic calls for the analysis tests, rendered once per session with flite.

Speech recognition is the slow part, so the stereo call and its mono mix are analysed
once per session against ``RULES_CARD`` and shared by the tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.analysis.speech_cases import CALL_SCRIPT, RULES_CARD
from voxdesk.server.analysis.engine import analyze_recording
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.analysis.synth import RATE, flite_available, render, write_wav


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not flite_available():
        pytest.fail("flite is not installed: run packaging/install-prereqs.sh")
    folder = tmp_path_factory.mktemp("speech")
    stereo, _ = render(CALL_SCRIPT)
    write_wav(folder / "call.wav", stereo)
    write_wav(folder / "mono.wav", stereo.sum(axis=1))
    greeting, _ = render(CALL_SCRIPT[:1], tail=0.5)
    narrow = greeting[::2]  # 16 kHz -> 8 kHz (flite's output has nothing above 4 kHz to alias)
    write_wav(folder / "narrowband.wav", narrow, rate=RATE // 2)
    write_wav(folder / "silence.wav", np.zeros((RATE * 3, 2)))
    return folder


@pytest.fixture(scope="session")
def call_output(speech_dir: Path) -> AnalysisOutput:
    return analyze_recording(speech_dir / "call.wav", RULES_CARD)


@pytest.fixture(scope="session")
def mono_output(speech_dir: Path) -> AnalysisOutput:
    return analyze_recording(speech_dir / "mono.wav", RULES_CARD)
