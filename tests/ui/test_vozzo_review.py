"""Reviewing Vozzo recordings in the main window against the real local server: a use
case's answer overridden (Yes / No / Not clear) with a reason, the AI's answer kept
beside the human one struck through, no score made up from answers, the override saved
and in the CSV; and a PDF of three selected recordings written from the desk."""

from __future__ import annotations

import csv
import subprocess
import unicodedata
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton

from tests.support.vozzo_server import (
    BUCKETS,
    QUESTIONS,
    auth,
    organization,
    recordings,
    sales_call_wav,
    vozzo_server,
)
from tests.ui.conftest import Driver, WindowFactory, listed_rows, make_services
from voxdesk.contracts import vozzo as wire
from voxdesk.domain import CriterionResult
from voxdesk.domain.review import OverrideReason, ReviewState
from voxdesk.services.connections import Connection
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.review.override_dialog import OverrideDialog

RECORDINGS = 3
NOT_CLEAR = CriterionResult.NOT_CLEAR


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Vozzo server with one use case and three analysed recordings."""
    with vozzo_server(tmp_path_factory.mktemp("vozzo-review") / "data") as srv:
        headers = auth(srv)
        body = {
            "org_uuid": organization(srv)["org_uuid"],
            "usecase_name": "Loan leads",
            "analysis_config": {
                "analysis_questions": list(QUESTIONS),
                "analysis_buckets": [
                    {"objective_bucket_name": n, "description": d} for n, d in BUCKETS
                ],
            },
        }
        made = httpx.post(srv.base_url + wire.USECASE_PATH, json=body, headers=headers)
        made.raise_for_status()
        usecase = made.json()["usecase_uuid"]
        client = organization(srv)["client_name"]
        audio = tmp_path_factory.mktemp("vozzo-review-audio")
        for n in range(RECORDINGS):
            path = sales_call_wav(audio / f"lead{n}.wav")
            httpx.post(
                f"{srv.base_url}{wire.API_PREFIX}/{client}/{wire.DEFAULT_PROFILE}/direct-upload",
                files={"file": (path.name, path.read_bytes(), "audio/wav")},
                data={"usecase_uuid": usecase, "metadata": "{}"},
                headers=headers,
            ).raise_for_status()
        _wait_analysed(srv, usecase)
        yield srv


def _wait_analysed(srv, usecase: str, timeout: float = 300) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [r["state"] for r in recordings(srv, usecase)]
        if len(states) == RECORDINGS and set(states) == {"ANALYSIS_COMPLETED"}:
            return
        assert "FAILED" not in states, states
        time.sleep(1)
    raise AssertionError(f"the recordings were not analysed in {timeout} s")


@pytest.fixture
def window(windows: WindowFactory, server, home: Path, driver: Driver) -> MainWindow:
    connection = Connection("Vozzo", "vozzo", server.base_url)
    opened = windows.open(make_services(home, [(connection, server.token)]))
    driver.wait_until(lambda: len(listed_rows(opened)) == RECORDINGS, timeout=60, what="listed")
    return opened


def _open(driver: Driver, window: MainWindow, call_id: str) -> None:
    assert window.call_list.select_call(call_id)
    driver.wait_until(
        lambda: window.review.review is not None and window.review.review.call_ref == call_id,
        what=f"the review of {call_id}",
    )
    driver.wait_until(
        lambda: window.review.call.analysis is not None, timeout=30, what="the answers read"
    )


def _shown(driver: Driver, parent, kind, name: str):
    """The shown widget of that name (a rebuilt panel's old widgets wait to be deleted)."""

    def visible():
        found = [w for w in parent.findChildren(kind, name) if w.isVisible()]
        return found[-1] if found else None

    driver.wait_until(lambda: visible() is not None, what=name)
    return visible()


def _answer_to_override(window: MainWindow) -> tuple[int, CriterionResult, CriterionResult]:
    """(row, AI answer, human answer): an answer the AI did not give as Not clear,
    overridden to Not clear (what a scorecard criterion could never be given)."""
    criteria = window.review.call.analysis.sections[0].criteria
    row = next(i for i, c in enumerate(criteria) if c.result is not NOT_CLEAR)
    return row, criteria[row].result, NOT_CLEAR


def test_a_vozzo_answer_is_overridden_beside_the_struck_ai_answer_saved_and_exported(
    driver: Driver, window: MainWindow, tmp_path: Path
) -> None:
    call_id = next(iter(listed_rows(window)))
    _open(driver, window, call_id)
    call = window.review.call
    assert call.analysis is not None and call.analysis.score is None and call.analysis.answers
    row, ai, human = _answer_to_override(window)
    name = f"section-0-criterion-{row}"
    _shown(driver, window.sections, QToolButton, f"{name}-override").click()
    dialog = next(d for d in window.findChildren(OverrideDialog) if d.isVisible())
    # A use case's question is answered as the platform answers it.
    choices = [dialog.answer.itemText(i) for i in range(dialog.answer.count())]
    assert choices == ["Yes", "No", "Not clear"]
    dialog.set_values(human, OverrideReason.OTHER, "")
    assert dialog.problem() is not None  # "Other" needs a comment
    dialog.set_values(human, OverrideReason.OTHER, "the agent's name was cut off")
    dialog.buttons.accepted.emit()

    override = window.review.review.override_for(call.analysis.sections[0].criteria[row].id)
    assert override is not None and override.result is human
    # The AI's answer stays, struck through, beside the human one and the reason.
    ai_label = _shown(driver, window.sections, QLabel, f"{name}-result")
    assert ai_label.font().strikeOut() and ai_label.text().startswith("AI")
    assert ai.value in ai_label.text()
    assert human.value in _shown(driver, window.sections, QLabel, f"{name}-human").text()
    reason = _shown(driver, window.sections, QLabel, f"{name}-reason").text()
    assert "Other" in reason and "cut off" in reason
    # Answers are not points: no human score is made up from them.
    assert window.review_pane.scores.text() == "No score to review · 1 overridden"
    driver.wait_until(
        lambda: listed_rows(window)[call_id].review_state == "draft",
        what="the list's Review column",
    )
    assert listed_rows(window)[call_id].human_score is None
    # Saved as a draft like any other override.
    driver.wait_until(
        lambda: window.review_pane.saved.text().startswith("Saved "), timeout=2.5, what="saved"
    )
    connection = window.browser.connection
    stored = driver.run(window.services.reviews.store.load(connection, call_id))
    assert stored is not None and stored.state is ReviewState.DRAFT
    assert stored.overrides == (override,)

    # In the CSV: the answer's AI and human columns, and the reason.
    out = tmp_path / "answers.csv"
    task = window.export_csv(out)
    driver.wait_until(task.done, timeout=30, what="the export")
    with open(out, newline="", encoding="utf-8") as file:
        exported = {r["call_id"]: r for r in csv.DictReader(file)}
    assert set(exported) == set(listed_rows(window))
    cells = exported[call_id]
    assert (cells[f"{override.criterion_id} AI"], cells[f"{override.criterion_id} human"]) == (
        ai.value,
        human.value,
    )
    assert cells[f"{override.criterion_id} reason"] == "Other: the agent's name was cut off"
    assert cells["human_score"] == ""


def _squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")


def _select(window: MainWindow, call_ids: list[str]) -> None:
    model, selection = window.model, QItemSelection()
    for call_id in call_ids:
        at = window.state.index_of(call_id)
        selection.select(model.index(at, 0), model.index(at, model.columnCount() - 1))
    window.call_list.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def test_a_pdf_of_the_selected_recordings_is_written_from_the_desk(
    driver: Driver, window: MainWindow, tmp_path: Path
) -> None:
    call_ids = list(listed_rows(window))
    _open(driver, window, call_ids[1])
    row, _ai, human = _answer_to_override(window)
    criterion = window.review.call.analysis.sections[0].criteria[row]
    window.review.override(criterion.id, human, OverrideReason.WRONG_EVIDENCE, "quote is cut")
    _select(window, call_ids)
    assert window.call_list.selected_call_ids() == call_ids
    out = tmp_path / "selected.pdf"
    task = window.export_to(out)
    assert task is not None
    driver.wait_until(task.done, timeout=60, what="the PDF export")
    task.result()
    assert f"{RECORDINGS} calls written to" in window.statusBar().currentMessage()
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    # A long id wraps in the PDF (pdftotext drops a hyphen at a line's end and reads
    # "ff" as a ligature): compared without white space and hyphens.
    squeezed = _squeezed(text)
    for call_id in call_ids:
        assert _squeezed(f"Call {call_id}") in squeezed
    assert "Wrongevidence:quoteiscut" in squeezed
    # Every recording's answers, read from the platform where the list had none.
    assert text.count("Use-case questions") == RECORDINGS

    # The list as filtered; and a cancelled export leaves no file behind.
    whole = tmp_path / "list.pdf"
    task = window.export_to(whole, whole_list=True)
    driver.wait_until(task.done, timeout=60, what="the list's PDF")
    listed = subprocess.run(["pdftotext", str(whole), "-"], capture_output=True, text=True)
    for call_id in call_ids:
        assert _squeezed(f"Call {call_id}") in _squeezed(listed.stdout)
    assert f"{RECORDINGS} calls written to" in window.statusBar().currentMessage()
    cancelled = tmp_path / "cancelled.pdf"
    task = window.export_to(cancelled)
    window.export_progress.findChild(QPushButton).click()  # its Cancel
    driver.wait_until(task.done, what="the cancel")
    assert task.cancelled() and not cancelled.exists()
    assert list(tmp_path.glob(".*.partial")) == []
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written."


def test_a_vozzo_recording_plays_in_the_main_window(driver: Driver, window: MainWindow) -> None:
    """Vozzo's recordings carry no URL and no disposition: the player asks the platform
    for one (its audio URL) instead of saying there is nothing to play."""
    call_id = next(iter(listed_rows(window)))
    _open(driver, window, call_id)
    driver.wait_until(lambda: bool(window.player.source), timeout=30, what="audio loaded")
    assert "no recording" not in window.player_bar.message.text().lower()
    window.player.play()
    driver.wait_until(lambda: window.player.position > 0.3, timeout=15, what="playing")


def test_a_vozzo_connection_lists_its_own_columns(driver: Driver, window: MainWindow) -> None:
    """Use case and bucket, no agent or score columns (Vozzo has neither); an opened
    recording is titled by its file, not "Unknown agent"."""
    model = window.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Use case" in titles and "Bucket" in titles
    assert "Agent" not in titles and "Score" not in titles
    use_case = titles.index("Use case")
    assert {model.index(r, use_case).data() for r in range(model.rowCount())} == {"Loan leads"}
    call_id = next(iter(listed_rows(window)))
    _open(driver, window, call_id)
    title = _shown(driver, window.detail, QLabel, "detail-agent")
    assert title.toolTip().endswith(".wav") or title.text().endswith(".wav"), title.text()
