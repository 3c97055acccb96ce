"""Child process for tests: play a URL with the app's own ``Player`` for a few seconds,
then print where it got to. Run as ``python -m tests.support.play_url URL``; whatever
Qt and FFmpeg write to fd 2 is the parent's to inspect."""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication

from voxdesk.ui.player import Player

PLAY_SECONDS = 2.5


def main(url: str) -> int:
    app = QApplication([])
    player = Player()
    player.load(url)
    player.play()
    deadline = time.monotonic() + PLAY_SECONDS
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    # A seek makes FFmpeg open the URL again: a second chance to log it.
    player.seek(0.2)
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print(f"position={player.position:.2f} error={player.error!r}", flush=True)
    player.unload()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
