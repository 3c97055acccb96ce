"""Child process for tests: play a URL with the app's own ``Player`` until it has played
a little (or failed), seek, then print where it got to. Run as
``python -m tests.support.play_url URL``; whatever Qt and FFmpeg write to fd 2 is the
parent's to inspect."""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication

from voxdesk.ui.playback.player import Player

#: Played this far (or failed) before the seek; the run gives up after ``TIMEOUT``.
PLAY_SECONDS = 0.5
TIMEOUT = 30.0


def _run_until(app: QApplication, done, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def main(url: str) -> int:
    app = QApplication([])
    player = Player()
    player.load(url)
    player.play()
    _run_until(app, lambda: player.position >= PLAY_SECONDS or bool(player.error), TIMEOUT)
    # A seek makes FFmpeg open the URL again: a second chance to log it.
    player.seek(0.2)
    _run_until(app, lambda: False, 1.0)
    print(f"position={player.position:.2f} error={player.error!r}", flush=True)
    player.unload()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
