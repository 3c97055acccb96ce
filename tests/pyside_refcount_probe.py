"""Exercises the PySide6 paths that corrupted None/True/False reference counts with
PySide6 6.12.0 on CPython 3.11: signals carrying None and bools into Python slots and
qasync callbacks. Prints the refcount drift of each singleton as JSON.

Run as a script in a child process (tests/test_pyside_refcount.py), so that a
corrupted interpreter aborting cannot take the test run down with it.
"""

from __future__ import annotations

import asyncio
import json
import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

# isort: split
# qasync binds to the first Qt binding already imported: PySide6 must come first.
import qasync

ROUNDS = 20_000


class Emitter(QObject):
    value = Signal(object)
    flag = Signal(bool)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    before = {name: sys.getrefcount(obj) for name, obj in _singletons().items()}
    emitter = Emitter()
    received: list[object] = []
    emitter.value.connect(lambda v: received.append(v) if v is not None else None)
    emitter.flag.connect(lambda b: None)

    async def pump() -> None:
        for i in range(ROUNDS):
            emitter.value.emit(None)
            emitter.flag.emit(i % 2 == 0)
            if i % 1000 == 0:
                await asyncio.sleep(0)
        done = asyncio.Event()
        QTimer.singleShot(0, done.set)
        await done.wait()

    qasync.run(pump())
    after = {name: sys.getrefcount(obj) for name, obj in _singletons().items()}
    drift = {name: after[name] - before[name] for name in before}
    print(json.dumps({"rounds": ROUNDS, "drift": drift}))
    del app


def _singletons() -> dict[str, object]:
    return {"None": None, "True": True, "False": False}


if __name__ == "__main__":
    main()
