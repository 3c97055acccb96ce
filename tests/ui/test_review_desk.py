"""Reviewing in the real window against the real local server: an override with a
reason changes the human score, Δ and the list's columns while the AI's answer stays
visible; a note at the playhead becomes a pin on the call map that plays from it;
Submit and next moves to the next unreviewed call; Needs attention lists exactly the
calls it should."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QToolButton

from tests.support.local_server import LocalServer, wait_for_call
from tests.ui.api import create_call
from tests.ui.conftest import Driver, listed_rows
from voxdesk.domain import CriterionResult
from voxdesk.domain.review import OverrideReason, ReviewState
from voxdesk.services.formatting import format_score
from voxdesk.ui.browse.review_filter import NEEDS_ATTENTION
from voxdesk.ui.main_window.window import MainWindow
from voxdesk.ui.review.override_dialog import OverrideDialog

TOLERANCE = 0.35


@pytest.fixture(scope="module")
def calls(server: LocalServer, speech_wav: Path, tone_wav: Path) -> dict[str, dict]:
    """Three analysed speech calls and one tone (nothing said: no score)."""
    ids = [
        create_call(server, speech_wav, category="support-qa", date=f"2026-02-0{day}")
        for day in (1, 2, 3)
    ]
    ids.append(create_call(server, tone_wav, category="support-qa", date="2026-02-04"))
    return {call_id: wait_for_call(server, call_id, timeout=180) for call_id in ids}


def _open(driver: Driver, window: MainWindow, call_id: str) -> None:
    driver.wait_until(lambda: window.call_list.select_call(call_id), timeout=30, what="listed")
    driver.wait_until(
        lambda: window.review.review is not None and window.review.review.call_ref == call_id,
        what=f"the review of {call_id}",
    )


def _visible(parent, kind, name: str):
    found = [w for w in parent.findChildren(kind, name) if w.isVisible()]
    return found[-1] if found else None


def _shown(driver: Driver, parent, kind, name: str):
    """The shown widget of that name: a rebuilt panel's new widgets are shown on the
    next turn of the event loop, its old ones wait there to be deleted."""
    driver.wait_until(lambda: _visible(parent, kind, name) is not None, what=name)
    return _visible(parent, kind, name)


def _scored(calls: dict[str, dict]) -> list[str]:
    return [cid for cid, data in calls.items() if data["analysis"]["score"] is not None]


def test_an_override_changes_the_human_score_and_the_list_but_keeps_the_ai_answer(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    call_id = _scored(calls)[0]
    _open(driver, window, call_id)
    call = window.review.call
    criterion = call.analysis.sections[0].criteria[0]
    flipped = CriterionResult.NO if criterion.result is CriterionResult.YES else CriterionResult.YES
    button = _shown(driver, window.sections, QToolButton, "section-0-criterion-0-override")
    assert button is not None and button.isEnabled()
    button.click()
    dialog = window.findChild(OverrideDialog, "override-dialog")
    assert dialog is not None and dialog.isVisible()
    # "Other" without a comment cannot be saved.
    dialog.set_values(flipped, OverrideReason.OTHER, "")
    assert dialog.problem() is not None
    dialog.set_values(flipped, OverrideReason.WRONG_EVIDENCE, "the quoted turn is the customer")
    dialog.buttons.accepted.emit()

    score = window.review.score
    assert score is not None and score.delta not in (0, None)
    # The AI's answer is still there, struck through, beside the human one.
    ai = _shown(driver, window.sections, QLabel, "section-0-criterion-0-result")
    assert ai is not None and ai.font().strikeOut()
    assert ai.text().startswith("AI") and criterion.result.value in ai.text()
    human = _shown(driver, window.sections, QLabel, "section-0-criterion-0-human")
    assert human is not None and flipped.value in human.text()
    reason = _shown(driver, window.sections, QLabel, "section-0-criterion-0-reason")
    assert "Wrong evidence" in reason.text() and "customer" in reason.text()
    if criterion.rationale:
        assert (
            _shown(driver, window.sections, QLabel, "section-0-criterion-0-rationale") is not None
        )
    assert f"Δ {score.delta:+.0f}" in window.review_pane.scores.text()
    assert f"Human {format_score(score.score)}" in window.review_pane.scores.text()
    # The list's Review, Human score and Δ columns follow.
    driver.wait_until(
        lambda: (
            listed_rows(window)[call_id].review_state == "draft"
            and listed_rows(window)[call_id].delta == score.delta
            and listed_rows(window)[call_id].human_score == score.score
        ),
        what="the list's review columns",
    )
    # The outcome is overridden the same way, the AI's kept beside it.
    window.review_pane.outcome_button.click()
    dialogs = [d for d in window.findChildren(OverrideDialog) if d.isVisible()]
    dialogs[-1].set_values("Escalated", OverrideReason.INCORRECT_RESULT, "")
    dialogs[-1].buttons.accepted.emit()
    assert window.review.review.outcome.label == "Escalated"
    ai_outcome = call.analysis.outcome_label
    assert f"Outcome: Escalated (AI: {ai_outcome}" in window.review_pane.outcome.text()
    # Saved within 2 s, and said so.
    driver.wait_until(
        lambda: window.review_pane.saved.text().startswith("Saved "), timeout=2.5, what="saved"
    )


def test_a_note_at_the_playhead_is_a_pin_that_plays_from_it(
    driver: Driver, window: MainWindow, calls: dict[str, dict], qtbot
) -> None:
    call_id = _scored(calls)[1]
    _open(driver, window, call_id)
    driver.wait_until(lambda: window.call_map.has_content, what="the call map")
    window.playback.seek(2.0)
    driver.wait_until(
        lambda: abs(window.player.position - 2.0) < TOLERANCE, what="the playhead at 2 s"
    )
    window.window_actions.note_action.trigger()
    dialog = window.findChild(QInputDialog, "note-dialog")
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("customer repeats the account number")
    dialog.accept()
    [note] = window.review.review.notes
    assert note.start == pytest.approx(2.0, abs=TOLERANCE)
    assert window.call_map.notes == (note,)
    assert "customer repeats" in window.review_pane.notes.item(0).text()
    # The pin, clicked, plays from the note (even after the playhead moved away).
    window.playback.seek(0.0)
    pin = QPoint(round(window.call_map.x_for(note.start)), 2)
    assert "customer repeats" in window.call_map.tooltip_at(pin.x(), pin.y())
    qtbot.mouseClick(window.call_map, Qt.MouseButton.LeftButton, pos=pin)
    driver.wait_until(lambda: window.player.playing, what="playing from the pin")
    assert window.player.position == pytest.approx(note.start, abs=TOLERANCE + 0.2)
    window.window_actions.play_action.trigger()
    # The notes list plays from it too.
    window.playback.seek(0.0)
    window.review_pane.notes.itemClicked.emit(window.review_pane.notes.item(0))
    driver.wait_until(lambda: window.player.playing, what="playing from the notes list")
    window.window_actions.play_action.trigger()


def test_submit_and_next_moves_to_the_next_unreviewed_call(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(listed_rows(window)), what="calls listed")
    order = list(listed_rows(window))  # newest first
    first, second, third = order[0], order[1], order[2]
    # The second is already reviewed: Submit and next skips it.
    _open(driver, window, second)
    assert window.review.submit()
    _open(driver, window, first)
    window.window_actions.submit_next_action.trigger()
    driver.wait_until(lambda: window.browser.current_id == third, what="the next unreviewed call")
    assert window.review_pane.state.text() != "Reviewed"
    driver.wait_until(
        lambda: listed_rows(window)[first].review_state == "reviewed", what="first marked reviewed"
    )
    reviews = driver.run(window.services.reviews.reviews(window.browser.connection, [first]))
    done = reviews[first]
    assert done.state is ReviewState.REVIEWED and done.reviewer == window.review.reviewer
    assert done.submitted_at is not None and done.seconds_spent > 0
    # Reopen makes it a draft again.
    _open(driver, window, first)
    window.review_pane.reopen_button.click()
    assert window.review.review.state is ReviewState.DRAFT


def _needs_attention(data: dict, threshold: float) -> bool:
    analysis = data["analysis"]
    if data["status"] != "completed":
        return False
    criteria = [c for s in analysis["sections"] or () for c in s["criterias"]]
    return (
        (analysis["score"] is not None and analysis["score"] < threshold)
        or any(c.get("autoFail") and c["result"] == "No" for c in criteria)
        or any(c.get("uncertain") for c in criteria)
    )


def test_needs_attention_lists_exactly_the_calls_it_should(
    driver: Driver, window: MainWindow, calls: dict[str, dict]
) -> None:
    driver.wait_until(lambda: set(calls) <= set(listed_rows(window)), what="calls listed")
    reviewed = _scored(calls)[0]
    _open(driver, window, reviewed)
    assert window.review.submit()
    panel = window.call_list
    box = panel.review_filter.box
    box.setCurrentIndex(box.findData(NEEDS_ATTENTION))
    for threshold in (101, 0):
        panel.review_filter.threshold.setValue(threshold)
        expected = {
            cid
            for cid, data in calls.items()
            if cid != reviewed and _needs_attention(data, threshold)
        }
        driver.wait_until(
            lambda expected=expected: set(listed_rows(window)) == expected,
            what=f"Needs attention below {threshold}: {sorted(expected)}",
        )
        if threshold > 100:
            # Every analysed call scores below 101: all of them but the reviewed one.
            assert expected == set(_scored(calls)) - {reviewed}


def test_file_export_writes_the_filtered_list_with_its_review(
    driver: Driver, window: MainWindow, calls: dict[str, dict], tmp_path: Path
) -> None:
    call_id = _scored(calls)[2]
    _open(driver, window, call_id)
    window.review.add_note(3.0, "agent talks over the customer")
    assert window.review.submit()
    box = window.call_list.review_filter.box
    box.setCurrentIndex(box.findData("reviewed"))
    driver.wait_until(lambda: list(listed_rows(window)) == [call_id], what="only the reviewed call")
    out = tmp_path / "reviewed.csv"
    task = window.export_csv(out)
    driver.wait_until(task.done, timeout=30, what="the export")
    with open(out, newline="", encoding="utf-8") as file:
        [row] = list(csv.DictReader(file))
    assert row["call_id"] == call_id and row["review"] == "reviewed"
    assert row["reviewer"] == window.review.reviewer
    assert "agent talks over the customer" in row["notes"]
    assert "calls exported" in window.statusBar().currentMessage()
    pdf = tmp_path / "call.pdf"
    task = window.export_to(pdf)  # nothing selected: the shown call
    driver.wait_until(task.done, timeout=30, what="the PDF")
    assert pdf.read_bytes().startswith(b"%PDF")
