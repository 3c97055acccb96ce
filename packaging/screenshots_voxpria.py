"""Reproduce docs/screenshots/voxpria-{place-call-dialog,live-status-1280x720,batch-dialog}.png.

    uv run python packaging/screenshots_voxpria.py [--out docs/screenshots]

The app's own local server as Voxpria ("AI voice calls (this computer)"), offscreen at
1280×720 in a throw-away VOXDESK_HOME (``screenshots.py``'s setup): the Place call…
dialog filled in, the placed call's row and detail while it is in progress (no refresh
pressed), and a batch of three numbers (one the simulator's busy test number) under way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Sets VOXDESK_HOME, the keyring and the offscreen platform before Qt is imported.
from screenshots import ROOT, SIZES, _settle, _wait_for

# isort: split
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

# isort: split
import qasync

from voxdesk.services.call_words import disposition_text
from voxdesk.services.local_server import LOCAL_VOXPRIA_CONNECTION
from voxdesk.ui.composition import build_window, default_services
from voxdesk.ui.theme import Theme


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
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    qasync.run(capture_voxpria(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
