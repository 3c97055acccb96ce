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

    uv run python packaging/screenshots.py --voxpria

Reproduces docs/screenshots/voxpria-{place-call-dialog,live-status-1280x720,batch-dialog}.png:
the app's own server as Voxpria ("AI voice calls (this computer)"), the Place call…
dialog filled in, the placed call's row and detail while it is in progress (no refresh
pressed), and a batch of three numbers (one the simulator's busy number) under way.
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

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

# isort: split
import qasync

from voxdesk.domain import CallStatus
from voxdesk.domain.timeline import failed_evidence
from voxdesk.services.call_words import disposition_text
from voxdesk.services.catalog import CallFilter, CallOrder, SortKey
from voxdesk.services.local_server import LOCAL_VOICE_CONNECTION, LOCAL_VOXPRIA_CONNECTION
from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.theme import Theme

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


async def capture_voxpria(out: Path) -> None:
    """Place call…, a placed call followed live in the list, and a batch under way."""
    services = default_services()
    await services.open()
    window = build_window(services)
    window.show()
    window.start()
    out.mkdir(parents=True, exist_ok=True)
    try:
        await _wait_for(lambda: window.browser.service is not None, 120, "the local server")
        voxpria = services.connections.find(LOCAL_VOXPRIA_CONNECTION)
        assert voxpria is not None
        window.session.switch_to(voxpria.id)
        await _wait_for(lambda: window.placing.available, 60, "the Voxpria connection")
        await _wait_for(lambda: not window.browser.refreshing, 60, "the first refresh")
        window.set_theme(Theme.LIGHT)
        window.resize(*SIZES[0])
        await _settle(0.5)
        window.default_layout()

        dialog = await _filled_dialog(window)
        dialog.number_edit.setText("+1 415 555 0123")
        await _settle(1.0)
        saved = [out / "voxpria-place-call-dialog.png"]
        dialog.grab().save(str(saved[-1]))
        dialog.place()
        placed = await _placed_call(window)
        await _wait_for(lambda: _state(window, placed) == "In progress", 60, "in progress")
        window.call_list.select_call(placed)
        await _settle(2.0)
        saved.append(out / "voxpria-live-status-1280x720.png")
        window.grab().save(str(saved[-1]))

        dialog = await _filled_dialog(window)
        dialog.tabs.setCurrentIndex(1)
        dialog.batch_text.setPlainText("+14155550124\n+15005550001\n+14155550125")
        dialog.place()
        table = dialog.batch_table
        await _wait_for(
            lambda: table.item(1, 1) is not None and table.item(1, 1).text() == "Busy",
            60,
            "the busy row",
        )
        await _settle(0.5)
        saved.append(out / "voxpria-batch-dialog.png")
        dialog.grab().save(str(saved[-1]))
        print("saved", *saved)
    finally:
        window.close()
        await window.shutdown()
        await services.close()


async def _filled_dialog(window):
    dialog = window.place_call()
    await _wait_for(lambda: dialog.agent_box.count() > 0, 30, "the agents")
    reminder = dialog.agent_box.findText("Payment reminder", Qt.MatchFlag.MatchStartsWith)
    dialog.agent_box.setCurrentIndex(max(0, reminder))
    edits = dialog.variables.edits
    edits["customerName"].setText("Maria Lopez")
    edits["accountNumber"].setText("48213")
    edits["amountDue"].setText("42 dollars")
    await _settle(0.5)
    return dialog


async def _placed_call(window) -> str:
    before = {r.call_id for r in window.state.rows}
    await _wait_for(lambda: {r.call_id for r in window.state.rows} - before, 60, "the call")
    return next(iter({r.call_id for r in window.state.rows} - before))


def _state(window, call_id: str) -> str | None:
    index = window.state.index_of(call_id)
    row = window.state.rows[index] if index is not None else None
    return disposition_text(row.disposition) if row else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--voice-bot", action="store_true", help="take the voice-bot desk's screenshots"
    )
    parser.add_argument("--voxpria", action="store_true", help="take Voxpria's screenshots")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    if args.voxpria:
        qasync.run(capture_voxpria(args.out))
    else:
        qasync.run(capture_voice_bot(args.out) if args.voice_bot else capture(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
