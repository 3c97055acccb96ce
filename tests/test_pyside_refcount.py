"""Regression: PySide6 6.12.0 on CPython 3.11 corrupts None/True/False refcounts.

Measured here: tests/pyside_refcount_probe.py aborts with "bool_dealloc: deallocating
True or False" (rc 134) under 3.11 + 6.12.0 and passes under 3.11 + 6.11.3 and 3.12+.
pyproject.toml caps PySide6 below 6.12 on 3.11; these tests fail if that pin is lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import PySide6

PROBE = Path(__file__).with_name("pyside_refcount_probe.py")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


def test_installed_pyside_is_not_the_known_bad_combination() -> None:
    if sys.version_info < (3, 12):
        assert _version(PySide6.__version__) < (6, 12), (
            f"PySide6 {PySide6.__version__} on Python 3.11 corrupts refcounts; "
            "keep the '<6.12; python_version < \"3.12\"' pin"
        )


def test_signals_and_qasync_keep_singleton_refcounts_intact() -> None:
    done = subprocess.run(
        [sys.executable, str(PROBE)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, f"probe aborted (rc {done.returncode}): {done.stderr[-2000:]}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if sys.version_info < (3, 12):  # 3.12+ singletons are immortal: nothing to drift
        for name, drift in report["drift"].items():
            assert drift > -50, f"{name} lost {-drift} references over {report['rounds']} rounds"
