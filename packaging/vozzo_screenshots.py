"""Reproduce docs/screenshots/vozzo-{usecase-manager,usecase-editor,recording-answers,
dashboard}.png, or with ``--review`` docs/screenshots/vozzo-answer-override.png.

    uv run python packaging/vozzo_screenshots.py [--out docs/screenshots] [--review]

Starts a local server (a child process on a throw-away data dir), makes two use cases
through the Vozzo provider, uploads three spoken calls (flite) into the first through
the desk's upload queue, waits until they are analysed, and grabs the Vozzo desk
offscreen: the use-case manager and its editor, a recording's answers with its bucket
and transcript, and the use case's dashboard. With ``--review``: the main window on a
Vozzo connection instead, the interested call under review — an answer the engine could
not tell overridden with a reason (the AI's "Not clear" struck beside the reviewer's
Yes) and a note on the call map.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VOXDESK_HOME"] = tempfile.mkdtemp(prefix="voxdesk-vozzo-screenshots-")

import asyncio

from PySide6.QtWidgets import QApplication

# isort: split
import qasync

from voxdesk.domain import CriterionResult
from voxdesk.domain.review import OverrideReason
from voxdesk.providers.queries import UsecaseDraft
from voxdesk.providers.registry import make_provider
from voxdesk.providers.vozzo import VozzoProvider
from voxdesk.server.analysis.synth import render, write_wav
from voxdesk.services import paths
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import Connection, ConnectionStore
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.store import UploadStore
from voxdesk.ui.composition import CONNECTIONS_FILE, build_window, default_services
from voxdesk.ui.theme import Theme
from voxdesk.ui.vozzo.recordings_desk import VozzoDesk

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "screenshot-token-0123456789"
LISTENING = re.compile(r"^voxdesk local server listening on (http://\S+)$")
LEADS = UsecaseDraft(
    name="Loan leads",
    description="Outbound calls offering the personal loan",
    tags=("sales", "quality"),
    questions=(
        "Is the customer interested in the loan offer? (Yes/No)",
        "Did the agent introduce themselves? (Yes/No)",
    ),
    buckets=(
        ("Hot Lead", "The customer is interested in the loan offer."),
        ("Warm Lead", "The customer may be interested later."),
        ("Cold Lead", "The customer is not interested in the offer."),
    ),
)
SUPPORT = UsecaseDraft(
    name="Billing support",
    description="Inbound billing questions",
    tags=("support",),
    questions=("Was the customer's problem solved? (Yes/No)",),
    buckets=(("Resolved", "The problem was solved."), ("Escalated", "Passed on.")),
)
CALLS = {
    "lead-interested.wav": [
        {"agent": "Hello, this is Dana from Acme Loans. Are you interested in our loan offer?"},
        {"customer": "Yes, I am very interested in the loan offer. Please tell me more."},
        {"agent": "Great. I will send you the details by email today."},
        {"customer": "Thank you, that sounds good."},
    ],
    "lead-not-interested.wav": [
        {"agent": "Good morning, this is Sam from Acme Loans, calling about our loan offer."},
        {"customer": "No thanks, I am not interested in a loan right now."},
        {"agent": "I understand. Thank you for your time."},
    ],
    "lead-maybe-later.wav": [
        {"agent": "Hi, Dana from Acme Loans here. Would a personal loan help you?"},
        {"customer": "Maybe later in the year. Call me again in the autumn."},
        {"agent": "Of course, I will call you then."},
    ],
}


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    argv = [
        sys.executable, "-m", "voxdesk.server", "--port", "0", "--data-dir", str(data_dir),
        "--token", TOKEN, "--no-demo", "--workers", "1",
    ]  # fmt: skip
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = LISTENING.match(line.strip())
        if found:
            return process, found.group(1)
    raise RuntimeError("the local server did not start")


async def _wait_for(predicate, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _settle(seconds: float = 1.0) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


async def capture_review(out: Path, base_url: str, call_id: str) -> Path:
    """The main window on a Vozzo connection, ``call_id`` under review."""
    store = ConnectionStore(paths.config_dir() / CONNECTIONS_FILE)
    connection = Connection("Vozzo", "vozzo", base_url)
    store.save(connection)
    store.set_active(connection.id)
    services = default_services()
    services.credentials.keep_for_session(connection.id, TOKEN)
    await services.open()
    window = build_window(services)
    window.show()
    window.start()
    try:
        await _wait_for(lambda: window.call_list.select_call(call_id), 60, "the recording")
        await _wait_for(
            lambda: window.review.call is not None and window.review.call.analysis is not None,
            30,
            "its answers",
        )
        await _wait_for(lambda: window.review.review is not None, 30, "its review")
        window.set_theme(Theme.LIGHT)
        criteria = window.review.call.analysis.sections[0].criteria
        unclear = next(c for c in criteria if c.result is CriterionResult.NOT_CLEAR)
        window.review.override(
            unclear.id,
            CriterionResult.YES,
            OverrideReason.MISSING_EVIDENCE,
            "Dana introduces herself in the first turn",
        )
        window.review.add_note(0.5, "Introduction: 'this is Dana from Acme Loans'")
        window.resize(1920, 1080)
        await _settle(0.5)
        window.default_layout()
        await _settle(2.5)  # "Saved hh:mm:ss" shows
        saved = out / "vozzo-answer-override.png"
        window.grab().save(str(saved))
        return saved
    finally:
        window.close()
        await window.shutdown()
        await services.close()


async def capture(out: Path, base_url: str, work: Path, *, review: bool = False) -> list[Path]:
    provider = make_provider("vozzo", {"base_url": base_url, "token": TOKEN})
    assert isinstance(provider, VozzoProvider)
    catalog = CallCatalog(work / "catalog.sqlite3")
    uploads = UploadStore(work / "uploads.sqlite3")
    await catalog.open()
    await uploads.open()
    service = CallService("vozzo", provider, catalog)
    queue = UploadQueue(service, uploads)
    desk = VozzoDesk(service, queue)
    saved: list[Path] = []
    try:
        leads = await provider.create_usecase(LEADS)
        await provider.create_usecase(SUPPORT)
        files = []
        for name, script in CALLS.items():
            audio, _ = render(script)
            write_wav(work / name, audio)
            files.append(work / name)
        desk.resize(1600, 900)
        desk.show()
        desk.start()
        await _wait_for(lambda: desk.picker.count() == 2, 30, "the use cases")
        desk.pick_usecase(leads.usecase_uuid)
        desk.upload(files)
        print("waiting for the recordings to be analysed…", flush=True)
        await _wait_for(
            lambda: (
                desk.table.rowCount() == len(files)
                and all(
                    desk.table.item(r, 1).text() == "ANALYSIS_COMPLETED"
                    for r in range(desk.table.rowCount())
                )
            ),
            600,
            "the analyses",
        )
        out.mkdir(parents=True, exist_ok=True)
        if review:
            interested = next(c for c in desk.calls if c.udfs["file"] == "lead-interested.wav")
            return [await capture_review(out, base_url, interested.id)]

        desk.open_manager()
        manager = desk.manager
        assert manager is not None
        await _wait_for(lambda: not manager.running_tasks(), 30, "the manager's list")
        manager.table.selectRow(0)
        await _settle()
        saved.append(out / "vozzo-usecase-manager.png")
        manager.grab().save(str(saved[-1]))
        manager.edit_selected()
        assert manager.editor is not None
        await _settle()
        saved.append(out / "vozzo-usecase-editor.png")
        manager.editor.grab().save(str(saved[-1]))
        manager.editor.reject()
        manager.close()

        shown: list[object] = []
        desk.recordingShown.connect(shown.append)
        rows = {desk.table.item(r, 0).text(): r for r in range(desk.table.rowCount())}
        desk.select_row(rows["lead-interested.wav"])
        await _wait_for(lambda: bool(shown), 30, "the recording")
        await _settle(1.5)
        saved.append(out / "vozzo-recording-answers.png")
        desk.grab().save(str(saved[-1]))

        desk.open_dashboard()
        dashboard = desk.dashboard
        assert dashboard is not None and desk.dashboard_dialog is not None
        await _wait_for(lambda: dashboard.counts is not None, 30, "the dashboard")
        await _settle(1.5)
        saved.append(out / "vozzo-dashboard.png")
        desk.dashboard_dialog.grab().save(str(saved[-1]))
        desk.dashboard_dialog.close()
    finally:
        desk.close()
        await desk.shutdown()
        await queue.close()
        await uploads.close()
        await catalog.close()
        await provider.aclose()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--review", action="store_true", help="a recording under review")
    options = parser.parse_args()
    work = Path(os.environ["VOXDESK_HOME"])
    process, base_url = start_server(work / "server")
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    try:
        saved = qasync.run(capture(options.out, base_url, work, review=options.review))
    finally:
        process.terminate()
        process.wait(30)
    print("saved", *saved)
    return 0


if __name__ == "__main__":
    sys.exit(main())
