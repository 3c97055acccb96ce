"""The transcript panel, offscreen: messages, speakers, the playback highlight and
auto-follow, click-to-seek and search. Turns are built directly (no server, no loop)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog

from voxdesk.domain import Speaker, TranscriptTurn, TranscriptWord
from voxdesk.services.formatting import format_duration
from voxdesk.ui.transcript.document import NO_SPEECH_TEXT, NO_TRANSCRIPT_TEXT
from voxdesk.ui.transcript.panel import TranscriptPanel
from voxdesk.ui.transcript.speaker_names import SpeakerNamesDialog

TURN_SECONDS = 3.0
SPEAKING_SECONDS = 2.5  # then half a second of silence before the next turn


def make_turn(number: int, text: str | None = None, *, timed: bool = True) -> TranscriptTurn:
    """Turn ``number`` starts at ``3 * number`` s; its words are 0.5 s apart."""
    start = number * TURN_SECONDS
    text = text or f"hello there turn{number} thanks"
    words = tuple(
        TranscriptWord(text=word, start=start + 0.5 * i, end=start + 0.5 * i + 0.4)
        for i, word in enumerate(text.split())
    )
    speaker = (Speaker.CUSTOMER, Speaker.AGENT)[number % 2]
    return TranscriptTurn(
        speaker=speaker,
        start=start,
        end=start + SPEAKING_SECONDS,
        text=text,
        words=words if timed else (),
    )


def block_text(panel: TranscriptPanel, turn: int) -> str:
    return panel.view.document().findBlockByNumber(turn).text()


def fully_visible(panel: TranscriptPanel, turn: int) -> bool:
    return panel.view.viewport().rect().contains(panel.turn_rect(turn))


@pytest.fixture
def panel(qtbot) -> Iterator[TranscriptPanel]:
    widget = TranscriptPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 260)
    widget.show()
    QApplication.processEvents()
    yield widget


@pytest.fixture
def long_panel(panel: TranscriptPanel) -> TranscriptPanel:
    panel.set_transcript([make_turn(n) for n in range(200)])
    QApplication.processEvents()
    return panel


def wheel(panel: TranscriptPanel, steps: int) -> None:
    """A mouse wheel turned ``steps`` notches (negative: towards the user, i.e. down)."""
    viewport = panel.view.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


# --- messages and rendering ---------------------------------------------------------------


def test_a_missing_or_empty_transcript_shows_a_plain_message(panel: TranscriptPanel) -> None:
    panel.set_transcript(None)
    assert panel.message.objectName() == "transcript-message"
    assert panel.message.isVisible() and not panel.view.isVisible()
    assert panel.message.text() == NO_TRANSCRIPT_TEXT

    panel.set_transcript([])
    assert panel.message.isVisible() and panel.message.text() == NO_SPEECH_TEXT
    panel.set_position(10.0)  # nothing to highlight, nothing breaks
    assert panel.current_turn is None

    panel.set_transcript([make_turn(0)])
    assert panel.view.isVisible() and not panel.message.isVisible()
    panel.set_transcript(None)
    assert panel.message.isVisible() and panel.message.text() == NO_TRANSCRIPT_TEXT
    assert panel.view.document().isEmpty()


def test_turns_show_speaker_time_and_text_in_time_order(panel: TranscriptPanel) -> None:
    unknown = TranscriptTurn(speaker=Speaker.UNKNOWN, start=75.0, end=76.0, text="who is this")
    panel.set_transcript([make_turn(1), unknown, make_turn(0)])  # out of order on purpose
    assert panel.view.document().blockCount() == 3
    assert block_text(panel, 0).startswith("Customer")
    assert block_text(panel, 1).startswith("Agent")
    assert format_duration(3.0) in block_text(panel, 1)
    assert block_text(panel, 1).endswith("hello there turn1 thanks")
    assert block_text(panel, 2).startswith("Speaker")
    assert "1:15" in block_text(panel, 2)


def test_renamed_speakers_are_shown(panel: TranscriptPanel) -> None:
    panel.set_transcript([make_turn(0), make_turn(1)])
    panel.set_speaker_names({Speaker.AGENT: "Sam", Speaker.CUSTOMER: "  "})
    assert block_text(panel, 1).startswith("Sam")
    assert block_text(panel, 0).startswith("Customer")  # blank keeps the default
    assert panel.speaker_names[Speaker.AGENT] == "Sam"
    # Names survive a new transcript.
    panel.set_transcript([make_turn(3)])
    assert block_text(panel, 0).startswith("Sam")


def test_the_rename_dialog_opens_without_blocking_and_reports_new_names(
    panel: TranscriptPanel, qtbot
) -> None:
    panel.set_transcript([make_turn(0), make_turn(1)])
    changes: list[dict] = []
    panel.speakerNamesChanged.connect(changes.append)

    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)  # returns: no exec()
    dialog = panel.findChild(SpeakerNamesDialog)
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.fields) == {Speaker.AGENT, Speaker.CUSTOMER}  # only who speaks
    dialog.fields[Speaker.CUSTOMER].setText("Mrs Jones")
    dialog.done(QDialog.DialogCode.Accepted)

    assert changes == [
        {Speaker.AGENT: "Agent", Speaker.CUSTOMER: "Mrs Jones", Speaker.UNKNOWN: "Speaker"}
    ]
    assert block_text(panel, 0).startswith("Mrs Jones")

    dialog = panel.rename_speakers()
    dialog.fields[Speaker.AGENT].setText("Sam")
    dialog.done(QDialog.DialogCode.Rejected)
    dialog = panel.rename_speakers()
    dialog.done(QDialog.DialogCode.Accepted)  # nothing changed
    assert len(changes) == 1
    assert block_text(panel, 1).startswith("Agent")


# --- playback highlight and auto-follow ---------------------------------------------------


def test_set_position_highlights_the_turn_at_its_boundaries(panel: TranscriptPanel) -> None:
    panel.set_transcript([make_turn(n) for n in range(3)])
    expected = [
        (-1.0, None),
        (0.0, 0),
        (2.99, 0),  # silence after turn 0 keeps it highlighted
        (3.0, 1),
        (5.999, 1),
        (6.0, 2),
        (500.0, 2),
        (2.0, 0),
    ]
    for seconds, turn in expected:
        panel.set_position(seconds)
        assert panel.current_turn == turn, seconds
    assert panel.highlight_changes == 4  # None, 0, 1, 2, 0: the first is no change


def test_set_position_only_acts_when_the_turn_changes(panel: TranscriptPanel) -> None:
    panel.set_transcript([make_turn(n) for n in range(3)])
    panel.set_position(0.1)
    assert panel.highlight_changes == 1
    for tick in range(20):  # two seconds of ten ticks a second inside turn 0
        panel.set_position(0.1 + tick / 10)
    assert panel.highlight_changes == 1
    panel.set_position(3.1)
    assert panel.highlight_changes == 2


def test_the_current_turn_is_painted_with_the_highlight_colour(panel: TranscriptPanel) -> None:
    panel.set_transcript([make_turn(n) for n in range(3)])
    panel.set_position(3.5)
    image = panel.view.viewport().grab().toImage()
    accent = panel.view.palette().color(QPalette.ColorRole.Highlight)
    current, other = panel.turn_rect(1).center().y(), panel.turn_rect(2).center().y()
    assert image.pixelColor(1, current).rgb() == accent.rgb()
    assert image.pixelColor(1, other).rgb() != accent.rgb()


def test_following_keeps_the_current_turn_in_view(long_panel: TranscriptPanel) -> None:
    panel = long_panel
    bar = panel.view.verticalScrollBar()
    assert bar.maximum() > 0 and panel.following
    assert not fully_visible(panel, 150)

    panel.set_position(150 * TURN_SECONDS)
    assert panel.current_turn == 150 and fully_visible(panel, 150)
    assert panel.following  # the panel's own scrolling is not the user's

    scrolled = bar.value()
    panel.set_position(151 * TURN_SECONDS)  # already in view: no jump
    assert fully_visible(panel, 151) and bar.value() == scrolled

    panel.set_position(2 * TURN_SECONDS)
    assert fully_visible(panel, 2)


def test_following_a_far_turn_of_a_fresh_long_transcript_waits_for_its_layout(
    panel: TranscriptPanel,
) -> None:
    panel.set_transcript([make_turn(n) for n in range(600)])  # more than is laid out at once
    bar = panel.view.verticalScrollBar()
    panel.set_position(550 * TURN_SECONDS)
    assert panel.current_turn == 550 and panel.following
    assert bar.value() == 0  # nothing forced the layout of 550 turns on this tick

    deadline = time.monotonic() + 5
    while bar.value() == 0 and time.monotonic() < deadline:
        QApplication.processEvents()
    assert fully_visible(panel, 550)


def test_a_user_scroll_stops_following_and_follow_restores_it(
    long_panel: TranscriptPanel, qtbot
) -> None:
    panel = long_panel
    bar = panel.view.verticalScrollBar()
    panel.set_position(100 * TURN_SECONDS)
    assert panel.following and not panel.follow_button.isVisible()

    wheel(panel, -3)
    assert not panel.following
    assert panel.follow_button.isVisible()
    assert panel.follow_button.objectName() == "transcript-follow"

    where = bar.value()
    panel.set_position(140 * TURN_SECONDS)
    assert panel.current_turn == 140
    assert bar.value() == where and not fully_visible(panel, 140)  # the reader stays put

    qtbot.mouseClick(panel.follow_button, Qt.MouseButton.LeftButton)
    assert panel.following and not panel.follow_button.isVisible()
    assert fully_visible(panel, 140)


def test_page_keys_and_the_scroll_bar_count_as_user_scrolling(
    long_panel: TranscriptPanel, qtbot
) -> None:
    panel = long_panel
    panel.set_position(100 * TURN_SECONDS)
    qtbot.keyClick(panel.view, Qt.Key.Key_PageUp)
    assert not panel.following

    panel.follow()
    assert panel.following
    bar = panel.view.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderPageStepAdd)  # a click in the scroll bar
    assert not panel.following

    panel.follow()
    bar.setValue(0)
    wheel(panel, 3)  # at the top already: nothing moves, so following stays on
    assert panel.following


# --- click to seek ------------------------------------------------------------------------


def click(qtbot, panel: TranscriptPanel, pos: QPoint) -> None:
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_clicking_a_word_or_a_turn_requests_a_seek(panel: TranscriptPanel, qtbot) -> None:
    untimed = make_turn(2, "no word timings here", timed=False)
    panel.set_transcript([make_turn(0), make_turn(1, "can you help with a refund"), untimed])
    seeks: list[float] = []
    panel.seekRequested.connect(seeks.append)

    refund = panel.word_rect(1, 5)
    assert not refund.isEmpty()
    click(qtbot, panel, refund.center())
    assert panel.view.hasFocus()
    assert seeks == []  # the click that gave focus (e.g. for Ctrl+F) does not seek
    click(qtbot, panel, refund.center())
    assert seeks == [pytest.approx(3.0 + 0.5 * 5)]

    click(qtbot, panel, panel.word_rect(1, 0).center())  # the first word
    assert seeks[-1] == pytest.approx(3.0)
    click(qtbot, panel, panel.word_rect(0, 2).center())
    assert seeks[-1] == pytest.approx(1.0)

    header = panel.turn_rect(1).topLeft() + QPoint(3, 3)  # on the speaker's name
    click(qtbot, panel, header)
    assert seeks[-1] == pytest.approx(3.0)

    click(qtbot, panel, panel.turn_rect(2).bottomLeft() + QPoint(10, -3))  # untimed text
    assert seeks[-1] == pytest.approx(6.0)
    assert panel.word_rect(2, 0).isEmpty()

    count = len(seeks)
    below_everything = QPoint(10, panel.turn_rect(2).bottom() + 40)
    click(qtbot, panel, below_everything)
    assert len(seeks) == count


def test_words_and_turns_show_a_pointing_hand(panel: TranscriptPanel, qtbot) -> None:
    panel.set_transcript([make_turn(0)])
    viewport = panel.view.viewport()
    qtbot.mouseMove(viewport, panel.word_rect(0, 0).center())
    # Until the view has focus a click only gives it focus: no promise of playing.
    assert viewport.cursor().shape() != Qt.CursorShape.PointingHandCursor
    click(qtbot, panel, QPoint(10, panel.turn_rect(0).bottom() + 40))
    assert panel.view.hasFocus()
    qtbot.mouseMove(viewport, panel.word_rect(0, 1).center())
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(viewport, QPoint(10, panel.turn_rect(0).bottom() + 40))
    assert viewport.cursor().shape() != Qt.CursorShape.PointingHandCursor


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def searchable(panel: TranscriptPanel) -> TranscriptPanel:
    texts = [
        "I want a Refund please",  # 0: one match
        "nothing to see",
        "refund? REFUND! yes a refund",  # 2: three matches
        "thanks",
        "the refund is done",  # 4: one match
    ]
    panel.set_transcript([make_turn(n, text) for n, text in enumerate(texts)])
    return panel


def current_match_text(panel: TranscriptPanel) -> str:
    selections = panel.view.extraSelections()
    assert len(selections) == 1
    return selections[0].cursor.selectedText()


def test_search_counts_matches_case_insensitively(searchable: TranscriptPanel) -> None:
    panel = searchable
    panel.start_search()
    assert panel.search_bar.isVisible()
    panel.search("refund")
    count = panel.findChild(type(panel.search_count), "transcript-search-count")
    assert panel.match_count == 5
    assert panel.current_match == 0
    assert count.text() == "1 of 5"
    assert current_match_text(panel) == "Refund"

    panel.search("zebra")
    assert panel.match_count == 0 and panel.current_match is None
    assert count.text() == "No matches"
    assert panel.view.extraSelections() == []

    panel.search("")
    assert panel.match_count == 0 and count.text() == ""


def test_next_and_previous_wrap_around(searchable: TranscriptPanel) -> None:
    panel = searchable
    panel.search("refund")
    seen = []
    for _ in range(5):
        panel.find_next()
        seen.append(panel.current_match)
    assert seen == [1, 2, 3, 4, 0]
    assert current_match_text(panel) == "Refund"
    panel.find_previous()
    assert panel.current_match == 4
    assert panel.search_count.text() == "5 of 5"
    assert current_match_text(panel) == "refund"


def test_search_keys(searchable: TranscriptPanel, qtbot) -> None:
    panel = searchable
    panel.activateWindow()
    QApplication.processEvents()
    panel.rename_button.setFocus()  # where the reviewer was before searching
    panel.start_search()
    field = panel.findChild(type(panel.search_field), "transcript-search")
    assert QApplication.focusWidget() is field

    qtbot.keyClicks(field, "REFUND")  # typing searches as you go
    assert panel.match_count == 5 and panel.current_match == 0
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert panel.current_match == 1
    qtbot.keyClick(field, Qt.Key.Key_F3)
    assert panel.current_match == 2
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_match == 0
    qtbot.keyClick(field, Qt.Key.Key_Enter, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_match == 4  # wrapped backwards
    qtbot.keyClick(panel.view, Qt.Key.Key_F3)  # F3 also works from the text
    assert panel.current_match == 0

    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not panel.search_bar.isVisible()
    assert panel.match_count == 0 and panel.view.extraSelections() == []
    assert QApplication.focusWidget() is panel.rename_button  # focus goes back

    panel.start_search()  # reopening finds the last text again
    assert panel.match_count == 5 and field.selectedText() == "REFUND"


def test_a_match_in_a_turn_not_laid_out_yet_is_shown(panel: TranscriptPanel) -> None:
    panel.set_transcript([make_turn(n) for n in range(600)])
    panel.search("turn590 ")
    assert panel.match_count == 1 and panel.current_match == 0
    assert current_match_text(panel) == "turn590 "
    assert fully_visible(panel, 590)


def test_showing_a_match_out_of_view_stops_following(long_panel: TranscriptPanel) -> None:
    panel = long_panel
    panel.set_position(TURN_SECONDS)
    panel.search("turn180 ")
    assert panel.match_count == 1
    assert fully_visible(panel, 180)
    assert not panel.following  # or the next tick would scroll the match away


def test_a_new_transcript_resets_highlight_search_and_following(
    long_panel: TranscriptPanel,
) -> None:
    panel = long_panel
    panel.set_position(50 * TURN_SECONDS)
    panel.search("turn1")
    wheel(panel, -2)
    assert panel.current_turn == 50 and panel.match_count > 0 and not panel.following

    panel.set_transcript([make_turn(n) for n in range(5)])
    assert panel.current_turn is None
    assert panel.match_count == 0 and panel.current_match is None
    assert not panel.search_bar.isVisible() and panel.search_field.text() == ""
    assert panel.following and not panel.follow_button.isVisible()
    assert panel.view.verticalScrollBar().value() == 0


def test_the_rename_dialog_is_wide_enough_for_its_title(panel: TranscriptPanel) -> None:
    """A centred title in a title-bar font (bold, 1.2×) with an icon and three buttons
    of 1.5 lines each, plus a line of gaps, on each side of it."""
    panel.set_transcript([make_turn(0)])
    dialog = panel.rename_speakers()
    font = QFont(dialog.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    title = QFontMetrics(font).horizontalAdvance(dialog.windowTitle())
    line = dialog.fontMetrics().height()
    side = 3 * 1.5 * line + line
    assert dialog.width() >= title + 2 * side
    dialog.reject()
