"""Reproduce docs/screenshots/main-window-{1280x720,1920x1080,1920x1080-dark}.png.

    uv run python packaging/screenshots.py [--out docs/screenshots]

Runs the real app window offscreen against its own local server (started as a child
process with the demo library, in a throw-away VOXDESK_HOME), waits until every demo
call is analysed, selects a call with real section scores, plays it from its first
failed criterion's evidence (so the transcript highlight, the call map's playhead and
the player show a call playing) and grabs the window at 1280×720 and 1920×1080 (the
common screens the layout must fit) in the light theme, and at 1920×1080 in the dark one.

    uv run python packaging/screenshots.py --voice-bot

Reproduces docs/screenshots/voice-bot-{1280x720,1920x1080}.png instead: the same local
server's voice-bot platform (its second connection, "Voice bots (this computer)"), its
call list, a completed call's survey and transcript, playing.

    uv run python packaging/screenshots.py --voix

Reproduces docs/screenshots/voix-{send-dialog,sent-call}-1280x720.png: the same local
server as VOIX (its third connection, "VOIX (this computer)", with the team's members), a
demo recording dropped on a VOIX connection with the send dialog filled in over the
window, then that call once VOIX has completed it, its transcript shown.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A throw-away home unless VOXDESK_SCREENSHOT_HOME names one to keep, so the demo calls
# are analysed once across runs (the analysis takes minutes on a loaded machine).
os.environ["VOXDESK_HOME"] = os.environ.get("VOXDESK_SCREENSHOT_HOME") or tempfile.mkdtemp(
    prefix="voxdesk-screenshots-"
)
# Never write the demo server's token into the developer's real keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import asyncio
import shutil
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication

# isort: split
import qasync

from voxdesk.domain import CallStatus
from voxdesk.domain.timeline import failed_evidence
from voxdesk.services.catalog import CallFilter, CallOrder, SortKey
from voxdesk.services.local_server import (
    LOCAL_VOICE_CONNECTION,
    LOCAL_VOIX_CONNECTION,
    LocalServerProcess,
)
from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.theme import Theme
from voxdesk.ui.voix.report_dialog import SendReportDialog
from voxdesk.ui.voix.send_dialog import SendRecordingsDialog

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(1280, 720), (1920, 1080)]
ANALYSIS_TIMEOUT = 600.0
PREFERRED_CALL = "support"  # a support call shows the outcome and most criteria
TARGET_SCORE = 80.0


async def _wait_for(predicate, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _settle(seconds: float = 0.5) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


async def _show_call(window, call_id: str) -> None:
    """Select ``call_id``, wait until its detail and recording are loaded, light theme."""
    window.call_list.select_call(call_id)
    await _wait_for(
        lambda: window.detail.call is not None and window.detail.call.id == call_id,
        30,
        "the call detail",
    )
    await _wait_for(lambda: bool(window.player.source), 30, "the recording")
    window.set_theme(Theme.LIGHT)


async def _grab_at_sizes(window, out: Path, prefix: str) -> list[Path]:
    """``{prefix}-{W}x{H}.png`` at each of ``SIZES``, each as on a first run on that
    screen: the first layout at the window's size."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for width, height in SIZES:
        window.resize(width, height)
        await _settle(0.5)
        window.default_layout()
        await _settle(2.0)
        saved.append(out / f"{prefix}-{width}x{height}.png")
        window.grab().save(str(saved[-1]))
    return saved


async def capture(out: Path) -> None:
    services = default_services()
    await services.open()
    window = build_window(services)
    window.show()
    window.start()
    try:
        await _wait_for(lambda: window.browser.service is not None, 120, "the local server")
        service = window.browser.service
        assert service is not None
        print("waiting for the demo calls to be analysed…", flush=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANALYSIS_TIMEOUT
        while True:
            await service.refresh()
            pending = await services.catalog.pending_ids(service.connection)
            known = await services.catalog.count(service.connection, CallFilter())
            if known and not pending:
                break
            if loop.time() > deadline:
                raise TimeoutError("the demo calls were not analysed in time")
            await asyncio.sleep(2)
        window.browser.set_order(CallOrder(SortKey.DATE, descending=True))
        window.browser.reload()
        await _wait_for(lambda: window.model.rowCount() > 0, 30, "the list")
        rows = window.state.rows
        completed = [r for r in rows if r.status is CallStatus.COMPLETED and r.score is not None]
        # A support call that missed a criterion or two shows the most of the window.
        support = [r for r in completed if PREFERRED_CALL in (r.category or "").lower()]
        candidates = support or completed or rows
        # …and one whose failed criteria quote a moment, so the map shows its pins.
        with_pins = [
            r
            for r in candidates
            if failed_evidence(getattr(await service.cached_call(r.call_id), "analysis", None))
        ]
        chosen = min(with_pins or candidates, key=lambda r: abs((r.score or 0) - TARGET_SCORE))
        await _show_call(window, chosen.call_id)
        window.jump_to_failed_evidence()
        window.playback.play()
        saved = await _grab_at_sizes(window, out, "main-window")
        width, height = SIZES[-1]
        # Switching re-shows the call, so rich text (the evidence links) takes the dark
        # palette's colours; the same call again leaves the player and transcript as is.
        window.set_theme(Theme.DARK)
        await _settle(1.5)
        saved.append(out / f"main-window-{width}x{height}-dark.png")
        window.grab().save(str(saved[-1]))
        print("saved", *saved)
    finally:
        window.close()
        await window.shutdown()
        await services.close()


async def capture_voice_bot(out: Path) -> None:
    """The voice-bot desk: its list, a surveyed call's survey and transcript, playing."""
    services = default_services()
    await services.open()
    window = build_window(services)
    window.show()
    window.start()
    try:
        await _wait_for(lambda: window.session.server is not None, 120, "the local server")
        await _wait_for(lambda: window.browser.service is not None, 120, "the local server")
        # The app's own server speaks the voice-bot API too: its second connection.
        voice = services.connections.find(LOCAL_VOICE_CONNECTION)
        assert voice is not None
        window.session.switch_to(voice.id)
        await _wait_for(lambda: window.model.rowCount() >= 30, 60, "the voice-bot calls")
        await _wait_for(lambda: not window.browser.refreshing, 60, "the sync")
        await _settle(1.0)
        rows = window.state.rows
        surveyed = [r for r in rows if r.survey_score is not None and r.outcome]
        chosen = max(surveyed, key=lambda r: (r.survey_score or 0, r.duration or 0))
        await _show_call(window, chosen.call_id)
        window.playback.play_from(6.0)
        saved = await _grab_at_sizes(window, out, "voice-bot")
        print("saved", *saved)
    finally:
        window.close()
        await window.shutdown()
        await services.close()


VOIX_MEMBERS = [
    {"user_id": "0a6a3a44-1111-4a57-9d6e-3c1f6b8e2a11", "name": "Priya Shah"},
    {"user_id": "0a6a3a44-2222-4a57-9d6e-3c1f6b8e2a11", "name": "Marco Rossi"},
    {"user_id": "0a6a3a44-3333-4a57-9d6e-3c1f6b8e2a11", "name": "Lena Berg"},
]
VOIX_RECORDING = "support-01-modem-reset.ogg"


#: The frame drawn round a dialog grabbed offscreen (no window manager draws one there).
TITLE_BAR, FRAME = 30, QColor("#8a8a8a")


def _over_window(window, dialog) -> object:
    """The window with the dialog drawn over its centre in a plain frame with its title,
    as the reviewer sees them (offscreen, nothing decorates a window)."""
    picture = window.grab()
    shot = dialog.grab()
    left = (picture.width() - shot.width()) // 2
    top = (picture.height() - shot.height() + TITLE_BAR) // 2
    painter = QPainter(picture)
    painter.fillRect(left, top - TITLE_BAR, shot.width(), TITLE_BAR, QColor("#d8d8d8"))
    font = painter.font()
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#202020"))
    painter.drawText(
        left, top - TITLE_BAR, shot.width(), TITLE_BAR, Qt.AlignmentFlag.AlignCenter,
        dialog.windowTitle(),
    )  # fmt: skip
    painter.drawPixmap(QPoint(left, top), shot)
    painter.setPen(FRAME)
    painter.drawRect(left - 1, top - TITLE_BAR - 1, shot.width() + 1, shot.height() + TITLE_BAR + 1)
    painter.end()
    return picture


async def capture_voix(out: Path) -> None:
    """Send a recording to VOIX from the desk: the dialog, then the completed call."""
    services = default_services()
    # No demo library to analyse first: the one VOIX call is the only work.
    services.server_factory = lambda data, token: LocalServerProcess(data, token, demo=False)
    await services.open()
    window = build_window(services)
    window.show()
    window.resize(*SIZES[0])
    window.start()
    try:
        await _wait_for(lambda: window.session.server is not None, 120, "the local server")
        await _wait_for(lambda: window.browser.service is not None, 120, "the local server")
        # The app's own server as VOIX; the team's members kept with the connection
        # (the desk hands them to the server, which attributes agents from them).
        voix = services.connections.find(LOCAL_VOIX_CONNECTION)
        assert voix is not None
        voix = replace(voix, settings={**voix.settings, "members": VOIX_MEMBERS})
        services.connections.save(voix)
        window.session.switch_to(voix.id)
        await _wait_for(lambda: window.voix.active, 60, "the VOIX connection")
        window.set_theme(Theme.LIGHT)
        window.default_layout()
        recording = Path(tempfile.mkdtemp()) / "support 2026-06-16 09.05.35.ogg"
        shutil.copy(ROOT / "resources" / "demo" / "calls" / VOIX_RECORDING, recording)
        window.voix.recordings_dropped([recording])
        await _wait_for(lambda: bool(window.findChildren(SendRecordingsDialog)), 60, "dialog")
        dialog = window.findChildren(SendRecordingsDialog)[0]
        dialog.from_edit.setText("+31612345678")
        dialog.to_edit.setText("+31201234567")
        dialog.direction_box.setCurrentIndex(1)
        dialog.agent_box.setCurrentIndex(dialog.agent_box.findText("Priya Shah"))
        await _settle(1.0)
        out.mkdir(parents=True, exist_ok=True)
        saved = [out / "voix-send-dialog-1280x720.png"]
        _over_window(window, dialog).save(str(saved[-1]))
        dialog.accept()
        await _wait_for(lambda: not window.voix.sending, 120, "the send")
        await _settle(1.0)
        for report in window.findChildren(SendReportDialog):
            details = [report.table.item(r, 2).text() for r in range(report.table.rowCount())]
            print("VOIX:", report.summary.text(), *report.outcomes(), *details, flush=True)
            report.close()
        await _wait_for(lambda: window.model.rowCount() == 1, 60, "the sent call listed")
        call_id = window.state.rows[0].call_id
        await _wait_for(
            lambda: window.state.rows and window.state.rows[0].status.is_final,
            ANALYSIS_TIMEOUT,
            "VOIX to finish the call",
        )
        # VOIX gives no recording back to play: the call's detail and transcript.
        window.call_list.select_call(call_id)
        await _wait_for(
            lambda: window.detail.call is not None and window.detail.call.transcript,
            30,
            "the call's transcript",
        )
        await _settle(2.0)
        saved.append(out / "voix-sent-call-1280x720.png")
        window.grab().save(str(saved[-1]))
        print("saved", *saved)
    finally:
        window.close()
        await window.shutdown()
        await services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--voice-bot", action="store_true", help="take the voice-bot desk's screenshots"
    )
    parser.add_argument("--voix", action="store_true", help="take the VOIX desk's screenshots")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    if args.voix:
        qasync.run(capture_voix(args.out))
    else:
        qasync.run(capture_voice_bot(args.out) if args.voice_bot else capture(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
