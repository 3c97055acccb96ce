"""The call map: the whole call at a glance, drawn above the player's seek slider.

A reviewer scanning a call wants to see, before listening, who talked when, where the
call goes quiet and where the AI says criteria failed, and to jump straight there. The
map shows the agent's turns on a top lane and the customer's on a lower one (turns whose
speaker is unknown span both, in a neutral grey), shades silences across both lanes
(the scorecard's own silences: ``voxdesk.domain.timeline.notable_silences``),
marks each failed criterion's evidence with a red triangle and each reviewer's note
with a purple diamond (a click on one plays from the note), and seeks wherever it is
clicked or dragged.

Colour is never the only signal: the lanes are labelled, silences are hatched as well
as shaded, pins are a distinct shape, and the tooltip names whatever is under the mouse.

The player moves the playhead about ten times a second and a call can have thousands of
turns, so the static picture (lanes, silences, pins) is reduced to merged pixel runs and
drawn once into a cached pixmap when the call, the size, the palette or the font change;
a position tick only repaints the few pixels between the old and the new playhead.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from voxdesk.domain import CriterionResult, Speaker, TranscriptTurn, with_estimated_ends
from voxdesk.domain.review import ReviewNote
from voxdesk.domain.timeline import NOTABLE_SILENCE_SECONDS, EvidencePin, notable_silences
from voxdesk.services.formatting import format_duration
from voxdesk.ui.theme import RESULT_BADGES

#: The two lanes, top to bottom, and their labels at the left edge.
LANES = (Speaker.AGENT, Speaker.CUSTOMER)
LANE_LABELS = {Speaker.AGENT: "Agent", Speaker.CUSTOMER: "Customer"}
SPEAKER_NAMES = {**LANE_LABELS, Speaker.UNKNOWN: "Unknown speaker"}

# Blue and orange stay distinguishable with the common colour-vision deficiencies and
# read on light and dark windows alike; the lanes' positions and labels say the same.
AGENT_COLOUR = QColor("#2f6fd0")
CUSTOMER_COLOUR = QColor("#d9822b")
#: Unknown speakers and failed criteria reuse the theme's "N/A" grey and "No" red.
UNKNOWN_COLOUR = QColor(RESULT_BADGES[CriterionResult.NOT_APPLICABLE].background)
FAIL_COLOUR = QColor(RESULT_BADGES[CriterionResult.NO].background)
#: Reviewers' notes: purple, apart from the lanes' blue and orange and the fail red.
NOTE_COLOUR = QColor("#8a4fd0")

#: Silences are the window text colour, faint, so they follow light and dark palettes.
SILENCE_FILL_ALPHA = 22
SILENCE_HATCH_ALPHA = 60
#: The caption is the window text colour, a little faint (it qualifies, not alarms).
CAPTION_ALPHA = 170
#: The pin's line through the lanes is slightly transparent so the turns show through.
PIN_TRACE_ALPHA = 190
#: The pin triangle's size, in text lines.
PIN_MARKER_LINES = 0.6
#: Pixels either side of a pin's line through the lanes that still show its question
#: (the triangle above the lanes is hit across its whole width).
PIN_TRACE_SLOP = 3
PLAYHEAD_WIDTH = 2
#: Said under the lanes (and in the tooltip) when turns had only a start time and each
#: was taken to last until the next began: the lanes then show no pauses at all.
ESTIMATED_CAPTION = "Talk lanes estimated from turn start times"
#: Preferred and minimum plot widths, in average character widths.
PREFERRED_PLOT_CHARS = 60
MINIMUM_PLOT_CHARS = 12

Span = tuple[float, float]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as sorted, non-overlapping spans (touching ones joined)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class _Geometry:
    """Where things go for the current size and font, in widget pixels."""

    pad: int
    label_width: int
    plot_left: float
    plot_width: float
    marker: int
    lanes_top: int
    lanes_bottom: int
    lanes: dict[Speaker, QRect]
    #: Where the "estimated" caption goes (an empty rect when the lanes are not).
    caption: QRect


class CallMap(QWidget):
    """Two speaker lanes, silences and failed-criterion pins over the whole call; click
    or drag anywhere to seek. Hidden when the call has no transcript timing."""

    #: The reviewer clicked or dragged to this moment (seconds, within the call).
    seekRequested = Signal(float)
    #: A note's pin was clicked: play from the note (seconds).
    noteActivated = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration = 0.0
        self._spans: dict[Speaker, list[Span]] = {speaker: [] for speaker in Speaker}
        self._span_starts: dict[Speaker, list[float]] = {speaker: [] for speaker in Speaker}
        self._silences: list[Span] = []
        self._pins: tuple[EvidencePin, ...] = ()
        self._notes: tuple[ReviewNote, ...] = ()
        self._estimated = False
        self._position = 0.0
        self._playhead_x: int | None = None
        self._geometry: _Geometry | None = None
        self._cache: QPixmap | None = None
        self._dragging = False
        self._last_seek: float | None = None
        self._setup_ui()
        self.set_call(None, None, ())

    def _setup_ui(self) -> None:
        self.setObjectName("call-map")
        # Seeking from the keyboard is the window's shortcuts' job; the map is a mouse aid.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # paintEvent covers every pixel it is asked for, so Qt need not clear first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("Call map")  # set_call keeps the description current

    # --- content ---------------------------------------------------------------------

    def set_call(
        self,
        duration: float | None,
        turns: Sequence[TranscriptTurn] | None,
        pins: Sequence[EvidencePin] = (),
    ) -> None:
        """Show a call: its length (``None`` to use the last turn's end), its transcript
        turns and its failed criteria's evidence. Hides the map when there is no timing
        and shows it otherwise (so give it a parent first, or it opens as a window)."""
        if turns and any(turn.end is None for turn in turns):
            turns = with_estimated_ends(turns, duration)
        estimated = bool(turns) and any(turn.end_estimated for turn in turns or ())
        spans: dict[Speaker, list[Span]] = {speaker: [] for speaker in Speaker}
        for turn in turns or ():
            start = max(0.0, turn.start)
            spans[turn.speaker].append((start, max(start, turn.end or start)))
        last_end = max((end for lane in spans.values() for _, end in lane), default=0.0)
        axis = duration if duration is not None and duration > 0 else last_end

        if not turns or axis <= 0:
            self._duration = 0.0
            spans = {speaker: [] for speaker in Speaker}
        else:
            self._duration = float(axis)
        self._spans = {speaker: merge_spans(lane) for speaker, lane in spans.items()}
        self._span_starts = {s: [start for start, _ in lane] for s, lane in self._spans.items()}
        spoken = merge_spans(span for lane in self._spans.values() for span in lane)
        self._silences = notable_silences(spoken) if self.has_content else []
        self._pins = tuple(sorted(pins, key=lambda pin: pin.seconds)) if self.has_content else ()
        self._position = 0.0
        self._dragging = False
        if estimated != self._estimated:
            self._estimated = estimated
            self.updateGeometry()  # the caption takes a line
        self._invalidate()
        self._update_description(len(turns or ()))
        self.setVisible(self.has_content)

    def set_notes(self, notes: Sequence[ReviewNote]) -> None:
        """The reviewer's notes, pinned at their moments."""
        self._notes = tuple(notes)
        self._invalidate()

    @property
    def notes(self) -> tuple[ReviewNote, ...]:
        return self._notes

    def note_at(self, x: float) -> ReviewNote | None:
        """The note whose pin is at widget ``x`` (within half a marker)."""
        if not self.has_content:
            return None
        half = self._layout().marker / 2
        return next((n for n in self._notes if abs(self.x_for(n.start) - x) <= half), None)

    def _update_description(self, turn_count: int) -> None:
        if not self.has_content:
            self.setAccessibleDescription("No transcript timing for this call.")
            return
        silences, pins = len(self._silences), len(self._pins)
        self.setAccessibleDescription(
            f"{format_duration(self._duration)} call, "
            f"{turn_count} {'turn' if turn_count == 1 else 'turns'}, "
            f"{silences} {'silence' if silences == 1 else 'silences'} of "
            f"{NOTABLE_SILENCE_SECONDS:g} s or more, "
            f"{pins} failed {'criterion' if pins == 1 else 'criteria'} marked. Click to seek."
            + (f" {ESTIMATED_CAPTION}." if self.lanes_estimated else "")
        )

    @property
    def has_content(self) -> bool:
        return self._duration > 0

    @property
    def lanes_estimated(self) -> bool:
        """Whether the turns' ends were estimated (the platform gave only starts)."""
        return self._estimated and self.has_content

    @property
    def duration(self) -> float:
        """The length of the time axis in seconds (0 without content)."""
        return self._duration

    @property
    def silences(self) -> list[Span]:
        """``(start, end)`` of every silence of at least ``NOTABLE_SILENCE_SECONDS``."""
        return list(self._silences)

    @property
    def pins(self) -> tuple[EvidencePin, ...]:
        """The failed criteria's evidence pins, in time order."""
        return self._pins

    def speakers_at(self, seconds: float) -> list[Speaker]:
        """Who is speaking at ``seconds``, agent first; a turn owns ``[start, end)``."""
        speaking = []
        for speaker in (*LANES, Speaker.UNKNOWN):
            index = bisect_right(self._span_starts[speaker], seconds) - 1
            if index >= 0 and seconds < self._spans[speaker][index][1]:
                speaking.append(speaker)
        return speaking

    # --- playhead --------------------------------------------------------------------

    def set_position(self, seconds: float) -> None:
        """Move the playhead, repainting only the strip between its old and new place."""
        self._position = seconds
        old = self._playhead_x
        new = self._playhead_pixel()
        if new == old:
            return
        self._playhead_x = new
        if old is None or new is None:
            self.update()
            return
        left = min(old, new) - PLAYHEAD_WIDTH
        right = max(old, new) + PLAYHEAD_WIDTH
        self.update(QRect(left, 0, right - left + 1, self.height()))

    def _playhead_pixel(self) -> int | None:
        if not self.has_content:
            return None
        return round(self.x_for(self._position))

    # --- coordinates -----------------------------------------------------------------

    def x_for(self, seconds: float) -> float:
        """The widget x of ``seconds`` (clamped to the call)."""
        geometry = self._layout()
        if not self.has_content:
            return geometry.plot_left
        fraction = min(max(seconds, 0.0), self._duration) / self._duration
        return geometry.plot_left + fraction * geometry.plot_width

    def seconds_at(self, x: float) -> float:
        """The moment under widget x, clamped to ``[0, duration]``."""
        geometry = self._layout()
        fraction = (x - geometry.plot_left) / geometry.plot_width
        return min(max(fraction, 0.0), 1.0) * self._duration

    def _layout(self) -> _Geometry:
        if self._geometry is None:
            metrics = self.fontMetrics()
            line = metrics.height()
            pad = max(2, line // 6)
            marker = max(6, round(line * PIN_MARKER_LINES))
            label_width = max(metrics.horizontalAdvance(t) for t in LANE_LABELS.values())
            label_width += 2 * pad
            # Half a marker of room either end, so a pin at 0:00 or at the end is whole.
            plot_left = label_width + marker / 2
            plot_width = max(1.0, self.width() - plot_left - marker / 2 - 1)
            lanes_top = marker + pad // 2
            gap = max(1, pad // 2)
            lanes = {}
            top = lanes_top
            for speaker in LANES:
                lanes[speaker] = QRect(round(plot_left), top, math.ceil(plot_width) + 1, line)
                top += line + gap
            lanes_bottom = top - gap
            caption = (
                QRect(round(plot_left), lanes_bottom + pad, math.ceil(plot_width), line)
                if self._estimated
                else QRect()
            )
            self._geometry = _Geometry(
                pad=pad,
                label_width=label_width,
                plot_left=plot_left,
                plot_width=plot_width,
                marker=marker,
                lanes_top=lanes_top,
                lanes_bottom=lanes_bottom,
                lanes=lanes,
                caption=caption,
            )
        return self._geometry

    def _preferred_height(self) -> int:
        geometry = self._layout()
        caption = geometry.caption.height() + geometry.pad if self._estimated else 0
        return geometry.lanes_bottom + geometry.pad + caption

    def sizeHint(self) -> QSize:
        geometry = self._layout()
        plot = PREFERRED_PLOT_CHARS * self.fontMetrics().averageCharWidth()
        return QSize(geometry.label_width + plot, self._preferred_height())

    def minimumSizeHint(self) -> QSize:
        geometry = self._layout()
        plot = MINIMUM_PLOT_CHARS * self.fontMetrics().averageCharWidth()
        return QSize(geometry.label_width + plot, self._preferred_height())

    # --- tooltips --------------------------------------------------------------------

    def tooltip_at(self, x: float, y: float) -> str:
        """What the tooltip says at widget ``(x, y)``: the questions of the failed
        criteria pinned there, else the time and who is speaking; "" off the plot."""
        if not self.has_content:
            return ""
        geometry = self._layout()
        if x < geometry.plot_left - geometry.marker / 2:
            return ""
        slop = geometry.marker / 2 if y < geometry.lanes_top else PIN_TRACE_SLOP
        questions = [
            f"✘ {pin.question} ({format_duration(pin.seconds)})"
            for pin in self._pins
            if abs(self.x_for(pin.seconds) - x) <= slop
        ]
        questions += [
            f"✎ {note.text} ({format_duration(note.start)})"
            for note in self._notes
            if abs(self.x_for(note.start) - x) <= slop
        ]
        if questions:
            return "\n".join(questions)
        if self.lanes_estimated:
            return f"{self._time_tooltip(x)}\n{ESTIMATED_CAPTION}"
        return self._time_tooltip(x)

    def _time_tooltip(self, x: float) -> str:
        seconds = self.seconds_at(x)
        when = format_duration(seconds)
        speaking = self.speakers_at(seconds)
        if speaking:
            names = " and ".join(SPEAKER_NAMES[speaker] for speaker in speaking)
            return f"{when} — {names} speaking"
        if any(start <= seconds <= end for start, end in self._silences):
            return f"{when} — silence"
        return f"{when} — pause"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos().x(), event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # --- mouse -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.has_content:
            note = self.note_at(event.position().x())
            if note is not None and event.position().y() < self._layout().lanes_top:
                self.noteActivated.emit(note.start)
                event.accept()
                return
            self._dragging = True
            self._last_seek = None
            self._request_seek(event.position().x())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.buttons() & Qt.MouseButton.LeftButton:
            self._request_seek(event.position().x())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._dragging:
            self._dragging = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _request_seek(self, x: float) -> None:
        seconds = self.seconds_at(x)
        if seconds != self._last_seek:  # a drag along one pixel asks once
            self._last_seek = seconds
            self.seekRequested.emit(seconds)

    # --- painting --------------------------------------------------------------------

    def _invalidate(self) -> None:
        """Forget the layout and the static picture (size, font, palette or call changed)."""
        self._geometry = None
        self._cache = None
        self._playhead_x = self._playhead_pixel()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._invalidate()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.FontChange:
            self._invalidate()
            self.updateGeometry()
        elif kind in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._invalidate()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = event.rect()
        if not self.has_content:
            painter.fillRect(area, self.palette().color(self.backgroundRole()))
            return
        ratio = self.devicePixelRatioF()
        if self._cache is None or self._cache.devicePixelRatio() != ratio:
            self._cache = self._render_static(ratio)
        source = QRectF(
            area.x() * ratio, area.y() * ratio, area.width() * ratio, area.height() * ratio
        )
        painter.drawPixmap(QRectF(area), self._cache, source)
        if self._playhead_x is not None:
            left = self._playhead_x - PLAYHEAD_WIDTH // 2
            geometry = self._layout()
            playhead = QRect(left, 0, PLAYHEAD_WIDTH, geometry.lanes_bottom + geometry.pad)
            painter.fillRect(playhead, self.palette().color(QPalette.ColorRole.WindowText))

    def _render_static(self, ratio: float) -> QPixmap:
        """Lanes, labels, silences, turns and pins, drawn once per call, size and palette."""
        geometry = self._layout()
        palette = self.palette()
        pixmap = QPixmap(
            max(1, math.ceil(self.width() * ratio)), max(1, math.ceil(self.height() * ratio))
        )
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(palette.color(self.backgroundRole()))
        painter = QPainter(pixmap)
        painter.setPen(Qt.PenStyle.NoPen)
        text_colour = palette.color(QPalette.ColorRole.WindowText)

        for speaker, lane in geometry.lanes.items():
            painter.fillRect(lane, palette.color(QPalette.ColorRole.Base))
            label_width = geometry.label_width - geometry.pad
            label = QRect(geometry.pad, lane.top(), label_width, lane.height())
            painter.setPen(text_colour)
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                LANE_LABELS[speaker],
            )
            painter.setPen(Qt.PenStyle.NoPen)

        both_lanes = (geometry.lanes_top, geometry.lanes_bottom - geometry.lanes_top)
        silences = self._runs_to_rects(self._pixel_runs(self._silences), *both_lanes)
        if silences:
            fill = QColor(text_colour)
            fill.setAlpha(SILENCE_FILL_ALPHA)
            hatch = QColor(text_colour)
            hatch.setAlpha(SILENCE_HATCH_ALPHA)
            painter.setBrush(fill)
            painter.drawRects(silences)
            painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.drawRects(silences)

        unknown = self._pixel_runs(self._spans[Speaker.UNKNOWN])
        if unknown:
            painter.setBrush(UNKNOWN_COLOUR)
            painter.drawRects(self._runs_to_rects(unknown, *both_lanes))
        for speaker, colour in ((Speaker.AGENT, AGENT_COLOUR), (Speaker.CUSTOMER, CUSTOMER_COLOUR)):
            runs = self._pixel_runs(self._spans[speaker])
            if runs:
                lane = geometry.lanes[speaker]
                painter.setBrush(colour)
                painter.drawRects(self._runs_to_rects(runs, lane.top(), lane.height()))

        self._draw_pins(painter, geometry)
        self._draw_notes(painter, geometry)
        if self._estimated:
            caption = QColor(text_colour)
            caption.setAlpha(CAPTION_ALPHA)
            painter.setPen(caption)
            painter.drawText(
                geometry.caption,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.fontMetrics().elidedText(
                    ESTIMATED_CAPTION, Qt.TextElideMode.ElideRight, geometry.caption.width()
                ),
            )
        painter.end()
        return pixmap

    def _draw_pins(self, painter: QPainter, geometry: _Geometry) -> None:
        trace = QColor(FAIL_COLOUR)
        trace.setAlpha(PIN_TRACE_ALPHA)
        half = geometry.marker / 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for pin in self._pins:
            x = round(self.x_for(pin.seconds))
            painter.fillRect(
                QRect(x, geometry.lanes_top, 1, geometry.lanes_bottom - geometry.lanes_top),
                trace,
            )
            painter.setBrush(FAIL_COLOUR)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x + 0.5 - half, 0),
                        QPointF(x + 0.5 + half, 0),
                        QPointF(x + 0.5, geometry.marker),
                    ]
                )
            )

    def _draw_notes(self, painter: QPainter, geometry: _Geometry) -> None:
        half = geometry.marker / 2
        painter.setPen(Qt.PenStyle.NoPen)
        for note in self._notes:
            x = round(self.x_for(note.start)) + 0.5
            painter.fillRect(
                QRect(round(x), geometry.lanes_top, 1, geometry.lanes_bottom - geometry.lanes_top),
                NOTE_COLOUR,
            )
            painter.setBrush(NOTE_COLOUR)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, 0),
                        QPointF(x + half, half),
                        QPointF(x, geometry.marker),
                        QPointF(x - half, half),
                    ]
                )
            )

    def _pixel_runs(self, spans: Sequence[Span]) -> list[tuple[int, int]]:
        """``spans`` as ``[x0, x1)`` pixel columns, each at least one pixel wide, with
        runs that touch merged: a long call has far more turns than the map has pixels."""
        if not spans:
            return []
        geometry = self._layout()
        left, scale, end = geometry.plot_left, geometry.plot_width / self._duration, self._duration
        runs: list[tuple[int, int]] = []
        for start, stop in spans:
            if start >= end:
                break
            x0 = round(left + start * scale)
            x1 = max(x0 + 1, round(left + min(stop, end) * scale))
            if runs and x0 <= runs[-1][1]:
                if x1 > runs[-1][1]:
                    runs[-1] = (runs[-1][0], x1)
            else:
                runs.append((x0, x1))
        return runs

    @staticmethod
    def _runs_to_rects(runs: Sequence[tuple[int, int]], top: int, height: int) -> list[QRect]:
        return [QRect(x0, top, x1 - x0, height) for x0, x1 in runs]
