"""The call map draws who speaks when, silences and failed-criterion pins, and seeks
where it is clicked. Offscreen and event-loop free: domain objects are built directly."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QMouseEvent, QPalette
from PySide6.QtWidgets import QToolTip, QWidget

from voxdesk.domain import Speaker, TranscriptTurn
from voxdesk.domain.timeline import NOTABLE_SILENCE_SECONDS, EvidencePin, notable_silences
from voxdesk.ui.playback.call_map import (
    AGENT_COLOUR,
    CUSTOMER_COLOUR,
    FAIL_COLOUR,
    UNKNOWN_COLOUR,
    CallMap,
)

A, C, U = Speaker.AGENT, Speaker.CUSTOMER, Speaker.UNKNOWN
WIDTH = 600
GREETING = EvidencePin(25.0, "greet", "Did the agent greet the customer by name?")
CLOSING = EvidencePin(75.0, "close", "Did the agent offer further help?")


def turns(*spec: tuple[Speaker, float, float]) -> list[TranscriptTurn]:
    return [TranscriptTurn(speaker=s, start=a, end=b, text="…") for s, a, b in spec]


#: 0-4 the ring (no silence: nobody sat through it), agent 4-20, customer 20.5-40 (a 0.5 s
#: gap is no silence), 40-50 silence, agent 50-60 with the customer cutting in at 58-70,
#: unknown 70-72, 72-90 the line after the goodbye (no silence either).
CALL = turns((A, 4, 20), (C, 20.5, 40), (A, 50, 60), (C, 58, 70), (U, 70, 72))
DURATION = 90.0


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(WIDTH + 40, 120)
    widget.show()
    return widget


@pytest.fixture
def call_map(host: QWidget) -> CallMap:
    widget = CallMap(host)
    widget.setGeometry(0, 0, WIDTH, widget.sizeHint().height())
    widget.set_call(DURATION, CALL, [GREETING, CLOSING])
    return widget


def lane_y(widget: CallMap, speaker: Speaker) -> int:
    geometry = widget._layout()
    return geometry.lanes[speaker].center().y()


def pixel(image: QImage, x: float, y: int) -> QColor:
    return image.pixelColor(round(x), y)


def seconds_per_pixel(widget: CallMap) -> float:
    return widget.seconds_at(widget.x_for(10.0) + 1) - 10.0


# --- visibility ----------------------------------------------------------------------


def test_hidden_without_transcript_timing_and_shown_with_it(host: QWidget) -> None:
    widget = CallMap(host)
    assert not widget.isVisible()
    assert not widget.has_content

    widget.set_call(DURATION, CALL, [GREETING])
    assert widget.isVisible()
    assert widget.has_content

    widget.set_call(DURATION, [], [GREETING])
    assert not widget.isVisible()
    assert not widget.has_content
    assert widget.pins == ()

    widget.set_call(None, None, [])
    assert not widget.isVisible()
    assert widget.silences == []


def test_a_widget_hidden_before_its_parent_is_shown_stays_hidden(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    widget = CallMap(parent)
    widget.set_call(None, None, [])
    parent.show()
    assert not widget.isVisible()
    widget.set_call(None, CALL, [])
    assert widget.isVisible()
    assert widget.duration == 72.0  # no duration given: the last turn's end


def test_size_is_a_few_text_lines_high_and_expands_sideways(call_map: CallMap) -> None:
    line = call_map.fontMetrics().height()
    hint = call_map.sizeHint()
    assert 2 * line <= hint.height() <= 4 * line
    assert call_map.minimumSizeHint().height() == hint.height()
    assert call_map.minimumSizeHint().width() < hint.width()
    policy = call_map.sizePolicy()
    assert policy.horizontalPolicy().name == "Expanding"
    assert policy.verticalPolicy().name == "Fixed"
    assert call_map.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert call_map.cursor().shape() == Qt.CursorShape.PointingHandCursor
    assert call_map.accessibleName() == "Call map"
    assert "2 failed criteria" in call_map.accessibleDescription()


# --- silences ------------------------------------------------------------------------


def test_silences_are_between_turns_only(call_map: CallMap) -> None:
    assert call_map.silences == [(40.0, 50.0)]


def test_the_map_shades_exactly_the_silences_the_scorecard_counts(host: QWidget) -> None:
    """One definition of silence: the server's metrics (which the ``max_silence_seconds``
    rule judges) list the very gaps the map shades, odd timings included."""
    from voxdesk.server.analysis.metrics import measure
    from voxdesk.server.analysis.result import TranscriptTurn as AnalysedTurn

    call = turns(
        (A, 1.237, 9.5), (C, 12.496, 20.0), (A, 15.0, 30.0), (U, 33.004, 40.0), (C, 52.3, 60.0)
    )
    analysed = [
        AnalysedTurn(speaker=t.speaker.value, start=t.start, end=t.end, text=t.text) for t in call
    ]
    metrics = measure(analysed, 70.0, ["agent", "customer"])
    widget = CallMap(host)
    widget.set_call(70.0, call, [])
    assert widget.silences == [(s.start, s.end) for s in metrics.silences]
    assert widget.silences == [(9.5, 12.5), (30.0, 33.0), (40.0, 52.3)]
    assert metrics.longest_silence is not None
    assert (metrics.longest_silence.start, metrics.longest_silence.end) == (40.0, 52.3)


def test_short_gaps_are_not_silences_but_the_threshold_is(host: QWidget) -> None:
    widget = CallMap(host)
    just_short = NOTABLE_SILENCE_SECONDS - 0.1
    widget.set_call(
        None,
        turns(
            (A, 0, 10),
            (C, 10 + just_short, 20),
            (A, 20 + NOTABLE_SILENCE_SECONDS, 30),
        ),
        [],
    )
    assert widget.silences == [(20.0, 20 + NOTABLE_SILENCE_SECONDS)]


def test_overlapping_speakers_leave_no_silence(host: QWidget) -> None:
    widget = CallMap(host)
    # The customer speaks inside the agent's long turn, and the customer covers the
    # agent's own 10 s pause; given out of order, as a platform may send them.
    widget.set_call(
        30.0, turns((A, 21, 30), (C, 2, 5), (A, 0, 20), (C, 19.5, 21.5), (A, 12, 13)), []
    )
    assert widget.silences == []
    widget.set_call(30.0, turns((A, 0, 10), (C, 8, 20), (A, 20, 30)), [])
    assert widget.silences == []
    # The helper itself copes with spans that are sorted but not merged.
    assert notable_silences([(0.0, 20.0), (2.0, 5.0), (21.0, 30.0)]) == []


def test_unknown_speakers_fill_silence_too(host: QWidget) -> None:
    widget = CallMap(host)
    widget.set_call(20.0, turns((A, 0, 5), (U, 5, 15), (C, 15, 20)), [])
    assert widget.silences == []


# --- coordinates and seeking ---------------------------------------------------------


def test_x_and_seconds_map_onto_each_other_and_clamp(call_map: CallMap) -> None:
    assert call_map.x_for(0) < call_map.x_for(45) < call_map.x_for(DURATION) <= WIDTH
    assert call_map.seconds_at(call_map.x_for(45)) == pytest.approx(45)
    assert call_map.seconds_at(-50) == 0.0
    assert call_map.seconds_at(WIDTH * 2) == DURATION
    assert call_map.x_for(DURATION * 2) == call_map.x_for(DURATION)


def test_clicking_seeks_to_the_time_under_the_mouse(qtbot, call_map: CallMap) -> None:
    asked: list[float] = []
    call_map.seekRequested.connect(asked.append)
    for second in (30.0, 61.0):
        point = QPoint(round(call_map.x_for(second)), lane_y(call_map, A))
        qtbot.mouseClick(call_map, Qt.MouseButton.LeftButton, pos=point)
    assert len(asked) == 2
    tolerance = seconds_per_pixel(call_map)
    assert asked[0] == pytest.approx(30.0, abs=tolerance)
    assert asked[1] == pytest.approx(61.0, abs=tolerance)

    qtbot.mouseClick(call_map, Qt.MouseButton.LeftButton, pos=QPoint(1, 5))
    assert asked[-1] == 0.0  # on the labels: the start
    qtbot.mouseClick(call_map, Qt.MouseButton.RightButton, pos=QPoint(300, 5))
    assert len(asked) == 3


def test_dragging_keeps_seeking_and_clamps_at_the_end(call_map: CallMap) -> None:
    asked: list[float] = []
    call_map.seekRequested.connect(asked.append)
    y = lane_y(call_map, C)

    def send(kind: QEvent.Type, x: float, button: Qt.MouseButton, held: Qt.MouseButton) -> None:
        local = QPointF(x, y)
        event = QMouseEvent(
            kind, local, call_map.mapToGlobal(local), button, held, Qt.KeyboardModifier.NoModifier
        )
        call_map.event(event)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseButtonPress, call_map.x_for(10), left, left)
    send(QEvent.Type.MouseMove, call_map.x_for(10), none, left)  # same place: asked once
    send(QEvent.Type.MouseMove, call_map.x_for(20), none, left)
    send(QEvent.Type.MouseMove, WIDTH + 100, none, left)
    send(QEvent.Type.MouseButtonRelease, WIDTH + 100, left, none)
    send(QEvent.Type.MouseMove, call_map.x_for(40), none, none)  # released: no seek
    tolerance = seconds_per_pixel(call_map)
    assert asked == [
        pytest.approx(10, abs=tolerance),
        pytest.approx(20, abs=tolerance),
        DURATION,
    ]


# --- tooltips ------------------------------------------------------------------------


def test_tooltips_name_the_pin_or_the_time_and_speaker(call_map: CallMap) -> None:
    pin_x = call_map.x_for(GREETING.seconds)
    assert GREETING.question in call_map.tooltip_at(pin_x, 1)
    assert GREETING.question in call_map.tooltip_at(pin_x + 1, lane_y(call_map, A))
    assert CLOSING.question not in call_map.tooltip_at(pin_x, 1)

    agent_tip = call_map.tooltip_at(call_map.x_for(10), lane_y(call_map, A))
    assert agent_tip == "0:10 — Agent speaking"
    both = call_map.tooltip_at(call_map.x_for(59), lane_y(call_map, C))
    assert both == "0:59 — Agent and Customer speaking"
    assert call_map.tooltip_at(call_map.x_for(45), lane_y(call_map, C)) == "0:45 — silence"
    assert call_map.tooltip_at(call_map.x_for(71), lane_y(call_map, C)).endswith(
        "Unknown speaker speaking"
    )
    assert call_map.tooltip_at(1, lane_y(call_map, A)) == ""


def test_pins_close_together_share_a_tooltip(call_map: CallMap) -> None:
    near = EvidencePin(GREETING.seconds + seconds_per_pixel(call_map), "x", "Was the ID checked?")
    call_map.set_call(DURATION, CALL, [near, GREETING])
    assert call_map.pins == (GREETING, near)
    tip = call_map.tooltip_at(call_map.x_for(GREETING.seconds), 1)
    assert GREETING.question in tip
    assert near.question in tip


def test_a_tooltip_event_shows_the_tooltip_text(call_map: CallMap) -> None:
    local = QPoint(round(call_map.x_for(CLOSING.seconds)), 1)
    event = QHelpEvent(QEvent.Type.ToolTip, local, call_map.mapToGlobal(local))
    assert call_map.event(event)
    assert CLOSING.question in QToolTip.text()
    QToolTip.hideText()


# --- drawing -------------------------------------------------------------------------


def test_lanes_silences_and_pins_are_drawn(call_map: CallMap) -> None:
    image = call_map.grab().toImage()
    agent_y, customer_y = lane_y(call_map, A), lane_y(call_map, C)

    assert pixel(image, call_map.x_for(10), agent_y) == AGENT_COLOUR
    assert pixel(image, call_map.x_for(10), customer_y) != CUSTOMER_COLOUR
    assert pixel(image, call_map.x_for(30), customer_y) == CUSTOMER_COLOUR
    assert pixel(image, call_map.x_for(30), agent_y) != AGENT_COLOUR
    assert pixel(image, call_map.x_for(71), agent_y) == UNKNOWN_COLOUR
    assert pixel(image, call_map.x_for(71), customer_y) == UNKNOWN_COLOUR
    # A silence is shaded: neither speaker's colour, nor the plain lane of a short pause.
    plain = pixel(image, call_map.x_for(20.25), agent_y)
    assert plain == call_map.palette().color(QPalette.ColorRole.Base)
    for second in (42.0, 45.0, 48.0):
        silence = pixel(image, call_map.x_for(second), agent_y)
        assert silence not in (AGENT_COLOUR, CUSTOMER_COLOUR, plain)
    # The failed criterion's triangle, above the lanes.
    marker = call_map._layout().marker
    assert pixel(image, call_map.x_for(GREETING.seconds), marker // 4) == FAIL_COLOUR


def test_the_playhead_is_drawn_and_moves_with_a_small_repaint(
    call_map: CallMap, monkeypatch: pytest.MonkeyPatch
) -> None:
    ink = call_map.palette().color(QPalette.ColorRole.WindowText)
    y = lane_y(call_map, A)
    call_map.set_position(45.0)
    image = call_map.grab().toImage()
    assert pixel(image, call_map.x_for(45.0), y) == ink
    assert pixel(image, call_map.x_for(10.0), y) != ink

    regions: list[QRect] = []
    monkeypatch.setattr(call_map, "update", lambda *args: regions.append(QRect(*args)))
    call_map.set_position(46.0)
    call_map.set_position(46.0)  # no move, no repaint
    assert len(regions) == 1
    old_x, new_x = call_map.x_for(45.0), call_map.x_for(46.0)
    assert regions[0].left() <= old_x and regions[0].right() >= new_x
    assert regions[0].width() <= (new_x - old_x) + 8
    monkeypatch.undo()

    image = call_map.grab().toImage()
    assert pixel(image, call_map.x_for(46.0), y) == ink


def test_two_thousand_turns_in_an_hour_paint_in_a_few_milliseconds(
    call_map: CallMap,
) -> None:
    speakers = (A, C)
    many = turns(*((speakers[n % 2], n * 1.8, n * 1.8 + 1.5) for n in range(2000)))
    started = time.perf_counter()
    call_map.set_call(3600.0, many, [GREETING] * 20)
    call_map.grab()  # builds the static picture
    first = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(10):
        call_map.grab()
    cached = (time.perf_counter() - started) / 10
    # Generous bounds for a loaded CI box; measured ~10 ms and well under 1 ms.
    assert first < 0.25
    assert cached < 0.02
    assert call_map.silences == []
    # Thousands of sub-pixel turns still read as one solid agent lane.
    image = call_map.grab().toImage()
    assert pixel(image, call_map.x_for(1000.0), lane_y(call_map, A)) == AGENT_COLOUR


def test_the_description_counts_in_words_that_agree_with_the_number(host: QWidget) -> None:
    widget = CallMap(host)
    widget.set_call(20.0, turns((A, 0, 10)), [GREETING])
    assert "1 turn," in widget.accessibleDescription()
    widget.set_call(20.0, turns((A, 0, 5), (C, 10, 20)), [GREETING])
    description = widget.accessibleDescription()
    assert "1 silence of" in description
    assert "1 failed criterion marked" in description
