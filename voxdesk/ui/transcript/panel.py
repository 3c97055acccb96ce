"""The transcript panel: every turn of a call with its speaker and time, kept in step
with playback, searchable, and clickable to play from a turn or word (the click that
gives it focus, e.g. for Ctrl+F, only does that).

A reviewer keeps this panel open all day while listening, and a one-hour call has about
2,000 turns, so it is built for the playback tick (``set_position``, ten times a second
on the GUI thread):

* The whole transcript is one read-only ``QTextDocument`` with one block per turn, so
  block number == turn index. It is built detached and handed to the view in one go
  (~20 ms for 2,000 turns; filling the view's own document costs several times more).
* Where each turn's text starts in the document is recorded while building, so clicks
  and search matches map between (turn, character) and the document without searching.
* The current-turn highlight and the subtle all-matches highlight are painted under the
  text for the visible turns only, so a turn change repaints two turns' rectangles and
  never touches the document's layout. Only the current search match is an extra
  selection, because it also changes the text colour.
* The document is laid out in small slices after it is shown (see ``SYNC_LAYOUT_TURNS``),
  and following never forces the layout of a turn not laid out yet: it scrolls there
  when the slices reach it, so a turn change stays cheap even right after a load.
* Auto-follow stops on the user's own scrolling only: the scroll bar reports user
  actions (wheel, drag, page keys, arrow clicks) through ``actionTriggered``, which the
  panel's own ``setValue`` scrolling never emits.

The widget does no network or asyncio work: it renders what it is given and emits
``seekRequested`` and ``speakerNamesChanged``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Speaker, TranscriptTurn
from voxdesk.domain.timeline import TranscriptIndex
from voxdesk.services.formatting import format_duration

EMPTY_TEXT = "Select a call to see its transcript."
NO_TRANSCRIPT_TEXT = "This platform gives no transcript for this call."
NO_SPEECH_TEXT = "No speech was recognised in this recording."


def analysis_failed_text(reason: str | None) -> str:
    """What the pane says for a call whose analysis failed: why, in the platform's words."""
    if reason and reason.strip():
        return f"The analysis of this call failed, so there is no transcript.\n\n{reason.strip()}"
    return "The analysis of this call failed, so there is no transcript (no reason was given)."


DEFAULT_SPEAKER_NAMES: dict[Speaker, str] = {
    Speaker.AGENT: "Agent",
    Speaker.CUSTOMER: "Customer",
    Speaker.UNKNOWN: "Speaker",
}
#: What the rename dialog calls each role, whatever it is currently named.
SPEAKER_ROLES: dict[Speaker, str] = {
    Speaker.AGENT: "Agent",
    Speaker.CUSTOMER: "Customer",
    Speaker.UNKNOWN: "Unidentified speaker",
}

#: Between the speaker's name and the turn's time in a turn's first line.
HEADER_GAP = "   "
#: Qt's in-paragraph line break: the text starts on its own line in the same block, so
#: that one turn stays one block.
LINE_SEPARATOR = "\u2028"
#: Paragraph breaks inside call data become line breaks (same length, so character
#: offsets into the turn's text stay valid); a new block would break block == turn.
_BREAKS = str.maketrans({"\n": LINE_SEPARATOR, "\r": " ", "\u2029": LINE_SEPARATOR})
_NAME_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\u2028": " ", "\u2029": " "})

#: Space under each turn and around the text, in lines of the view's font (so it scales
#: with the user's font and DPI).
TURN_SPACING_LINES = 0.6
DOCUMENT_MARGIN_LINES = 0.5
#: The current turn: the palette's highlight colour, translucent so the text keeps its
#: own colour and contrast in light and dark palettes, plus an opaque bar at the left
#: edge so the turn is found at a glance.
TURN_HIGHLIGHT_ALPHA = 56
TURN_ACCENT_WIDTH = 3
#: Search matches other than the current one: a translucent amber wash (the usual
#: "found" colour, distinct from the blue-ish current-turn highlight). The current
#: match is drawn in the palette's selection colours.
MATCH_COLOUR = QColor("#f0b400")
MATCH_ALPHA = 110
#: When following scrolls, this fraction of the view stays above the current turn, so
#: the reviewer sees what led up to it.
FOLLOW_LEAD = 0.25
#: Kept above a search match that the panel scrolls to, in lines.
MATCH_LEAD_LINES = 2
#: Layout. Qt lays a new (or re-wrapped) document out lazily, in steps that double in
#: size on a 10 ms timer, so on a long call its last steps block the event loop for
#: 20-50 ms, just when playback may start. Instead the panel lays the first turns out at
#: once (a short call entirely, ~10 ms) and the rest itself, one slice (~2 ms) per
#: event-loop turn, holding Qt's steps back meanwhile.
SYNC_LAYOUT_TURNS = 250
LAYOUT_SLICE_TURNS = 40


def _utf16_length(text: str) -> int:
    """Qt counts positions in UTF-16 units: characters beyond the BMP count twice."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class _TurnText:
    """One turn as displayed: its text, where the text starts in the document, and (on
    first use) where each timed word is in the text."""

    __slots__ = ("_spans", "bmp", "doc_start", "text", "turn")

    def __init__(self, turn: TranscriptTurn) -> None:
        self.turn = turn
        # Platforms that give only word timings still get readable text.
        text = turn.text or " ".join(word.text for word in turn.words)
        self.text = text.translate(_BREAKS)
        self.bmp = self.text.isascii() or all(ord(char) <= 0xFFFF for char in self.text)
        self.doc_start = 0
        self._spans: list[tuple[int, int] | None] | None = None

    def to_qt(self, index: int) -> int:
        """A Python index into ``text`` as a Qt offset from the text's start."""
        return index if self.bmp else _utf16_length(self.text[:index])

    def from_qt(self, offset: int) -> int:
        """A Qt offset from the text's start as a Python index into ``text``."""
        if self.bmp:
            return offset
        units = 0
        for index, char in enumerate(self.text):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > offset:
                return index
        return len(self.text)

    @property
    def word_spans(self) -> list[tuple[int, int] | None]:
        """Each word's ``[start, end)`` in ``text``, found in order; ``None`` for a word
        the text does not contain (platforms sometimes normalise one but not the other).
        Aligned lazily: only clicked or measured turns pay for it."""
        if self._spans is None:
            self._spans = []
            position = 0
            for word in self.turn.words:
                needle = word.text.strip()
                found = _find_word(self.text, needle, position) if needle else None
                self._spans.append(found)
                if found is not None:
                    position = found[1]
        return self._spans

    def word_at(self, index: int) -> int | None:
        for number, span in enumerate(self.word_spans):
            if span is not None and span[0] <= index < span[1]:
                return number
        return None


def _find_word(text: str, needle: str, start: int) -> tuple[int, int] | None:
    """The first whole-word, case-insensitive occurrence of ``needle`` from ``start``
    (so "a" does not land inside "can")."""
    pattern = re.escape(needle)
    if needle[0].isalnum() or needle[0] == "_":
        pattern = r"(?<!\w)" + pattern
    if needle[-1].isalnum() or needle[-1] == "_":
        pattern += r"(?!\w)"
    match = re.compile(pattern, re.IGNORECASE).search(text, start)
    return (match.start(), match.end()) if match else None


#: The rename dialog is at least this many times as wide as its title (see _setup_ui).
TITLE_ROOM = 4


class SpeakerNamesDialog(QDialog):
    """Names for the call's speakers; an empty field means the default name."""

    def __init__(
        self,
        names: Mapping[Speaker, str],
        speakers: Sequence[Speaker],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields: dict[Speaker, QLineEdit] = {}
        self._setup_ui(names, speakers)

    def _setup_ui(self, names: Mapping[Speaker, str], speakers: Sequence[Speaker]) -> None:
        self.setWindowTitle("Rename speakers")
        self.setObjectName("transcript-rename-dialog")
        layout = QVBoxLayout(self)
        note = QLabel("Names shown in this call's transcript. Leave a field empty for the default.")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        for speaker in speakers:
            field = QLineEdit(names.get(speaker, DEFAULT_SPEAKER_NAMES[speaker]), self)
            field.setObjectName(f"speaker-name-{speaker.value}")
            field.setPlaceholderText(DEFAULT_SPEAKER_NAMES[speaker])
            form.addRow(f"{SPEAKER_ROLES[speaker]}:", field)
            self.fields[speaker] = field
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # A window manager centres the title (often bolder and larger) between an icon
        # and three buttons, so it needs their room on both sides: the form-sized
        # dialog showed "Rename spe…".
        title = self.fontMetrics().horizontalAdvance(self.windowTitle())
        self.setMinimumWidth(TITLE_ROOM * title)

    def names(self) -> dict[Speaker, str]:
        return {
            speaker: field.text().strip() or DEFAULT_SPEAKER_NAMES[speaker]
            for speaker, field in self.fields.items()
        }


class _TranscriptView(QTextEdit):
    """The read-only document view. It owns no transcript logic: it reports clicks,
    hovers, resizes and the user's own scrolling, and lets the panel paint under the
    text."""

    clicked = Signal(QPoint)
    hovered = Signal(QPoint)
    resized = Signal()
    userScrolled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript-view")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Transcript")
        self.viewport().setMouseTracking(True)
        self.paint_underlay: Callable[[QPainter, QRect], None] | None = None
        self._press_pos: QPoint | None = None
        #: The click under way gave the view focus (e.g. to press Ctrl+F): it does
        #: not play.
        self._focusing_click = False
        self.verticalScrollBar().actionTriggered.connect(self._scroll_action)

    def _scroll_action(self, _action: int) -> None:
        # Emitted before the move, with the target in sliderPosition: a wheel at the end
        # of the range moves nothing and is not a reason to stop following.
        bar = self.verticalScrollBar()
        if bar.sliderPosition() != bar.value():
            self.userScrolled.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.paint_underlay is not None:
            painter = QPainter(self.viewport())
            self.paint_underlay(painter, event.rect())
            painter.end()
        super().paintEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Qt gives focus before it delivers the press that asked for it.
        self._focusing_click = event.reason() == Qt.FocusReason.MouseFocusReason
        super().focusInEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        press, self._press_pos = self._press_pos, None
        focusing, self._focusing_click = self._focusing_click, False
        # A click plays from there; the click that only brought focus here does not,
        # and a drag (or a double-click's word selection) is left to select text.
        if (
            event.button() == Qt.MouseButton.LeftButton
            and not focusing
            and press is not None
            and (pos - press).manhattanLength() < QApplication.startDragDistance()
            and not self.textCursor().hasSelection()
        ):
            self.clicked.emit(pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if not event.buttons():
            self.hovered.emit(event.position().toPoint())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class TranscriptPanel(QWidget):
    """A call's transcript, following playback."""

    #: The user clicked a turn or word (in the focused view): play from this second.
    seekRequested = Signal(float)
    #: The user renamed the speakers (``dict[Speaker, str]``), for the window to save.
    speakerNamesChanged = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript-panel")
        self._names: dict[Speaker, str] = dict(DEFAULT_SPEAKER_NAMES)
        self._index: TranscriptIndex | None = None
        self._turns: list[_TurnText] = []
        self._document: QTextDocument | None = None  # None while a message shows
        self._shown_document: QTextDocument | None = None
        self._current_turn: int | None = None
        self._following = True
        #: How many times the current-turn highlight moved (for tests and profiling).
        self.highlight_changes = 0
        self._query = ""
        self._matches: list[tuple[int, int, int]] = []  # (turn, start, end) in _TurnText.text
        self._match_turns: list[int] = []
        self._current_match: int | None = None
        self._rename_dialog: SpeakerNamesDialog | None = None
        self._focus_before_search: QWidget | None = None
        self._laid_out = -1  # every turn up to this one is laid out
        self._pending_reveal: int | None = None
        self._document_layout: QObject | None = None
        self._layout_timer = QTimer(self)
        self._layout_timer.setInterval(0)
        self._layout_timer.timeout.connect(self._layout_slice)
        self._setup_ui()
        self._show_message(EMPTY_TEXT)

    # --- construction -----------------------------------------------------------------

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)

        bar = QHBoxLayout()
        self.rename_button = QToolButton(self)
        self.rename_button.setObjectName("transcript-rename")
        self.rename_button.setText("Rename speakers…")
        self.rename_button.setToolTip("Give the speakers of this call their real names")
        self.rename_button.clicked.connect(self.rename_speakers)
        bar.addWidget(self.rename_button)
        bar.addStretch(1)
        self.follow_button = QToolButton(self)
        self.follow_button.setObjectName("transcript-follow")
        self.follow_button.setText("Follow")
        self.follow_button.setToolTip("Scroll with playback again")
        self.follow_button.clicked.connect(self.follow)
        self.follow_button.hide()
        bar.addWidget(self.follow_button)
        layout.addLayout(bar)

        self.search_bar = QWidget(self)
        self.search_bar.setObjectName("transcript-search-bar")
        search_row = QHBoxLayout(self.search_bar)
        search_row.setContentsMargins(0, 0, 0, 0)
        self.search_field = QLineEdit(self.search_bar)
        self.search_field.setObjectName("transcript-search")
        self.search_field.setPlaceholderText("Find in transcript")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self.search)
        self.search_field.installEventFilter(self)
        search_row.addWidget(self.search_field, 1)
        self.search_count = QLabel(self.search_bar)
        self.search_count.setObjectName("transcript-search-count")
        search_row.addWidget(self.search_count)
        for name, text, tip, slot in (
            ("previous", "Previous", "Previous match (Shift+Enter, Shift+F3)", self.find_previous),
            ("next", "Next", "Next match (Enter, F3)", self.find_next),
            ("close", "✕", "Close (Escape)", self.close_search),
        ):
            button = QToolButton(self.search_bar)
            button.setObjectName(f"transcript-search-{name}")
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.clicked.connect(slot)
            search_row.addWidget(button)
        self.search_bar.hide()
        layout.addWidget(self.search_bar)

        self.message = QLabel(self)
        self.message.setObjectName("transcript-message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        layout.addWidget(self.message, 1)

        self.view = _TranscriptView(self)
        self.view.paint_underlay = self._paint_underlay
        self.view.clicked.connect(self._clicked)
        self.view.hovered.connect(self._hovered)
        self.view.resized.connect(self._resized)
        self.view.userScrolled.connect(self._user_scrolled)
        layout.addWidget(self.view, 1)

    # --- showing a transcript ---------------------------------------------------------

    def set_transcript(
        self, turns: Sequence[TranscriptTurn] | None, *, message: str | None = None
    ) -> None:
        """Show ``turns`` (``None``: no transcript, said by ``message``, by default that
        the platform gives none). Replaces the previous transcript, its highlight and
        any search."""
        self._reset_search()
        self._current_turn = None
        self._pending_reveal = None
        self._set_following(True)
        if turns is None:
            self._index, self._turns = None, []
            self._show_message(message or NO_TRANSCRIPT_TEXT)
            return
        self._index = TranscriptIndex(turns)
        self._turns = [_TurnText(turn) for turn in self._index.turns]
        if not self._turns:
            self._show_message(NO_SPEECH_TEXT)
            return
        # Shown before rendering, so the document is laid out once, at the view's width.
        self.message.hide()
        self.view.show()
        self.rename_button.setEnabled(True)
        self._render()
        self.view.verticalScrollBar().setValue(0)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.view.hide()
        self.rename_button.setEnabled(False)
        self._replace_document(None)

    def _render(self) -> None:
        """(Re)build the document from ``_turns`` and the speaker names, keeping the
        scroll position, the current turn and the search."""
        metrics = self.view.fontMetrics()
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.view.font())
        document.setDocumentMargin(metrics.height() * DOCUMENT_MARGIN_LINES)
        block_format = QTextBlockFormat()
        block_format.setBottomMargin(metrics.height() * TURN_SPACING_LINES)
        name_format = QTextCharFormat()
        name_format.setFontWeight(QFont.Weight.Bold)
        time_format = QTextCharFormat()
        time_format.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        text_format = QTextCharFormat()
        names = {speaker: name.translate(_NAME_BREAKS) for speaker, name in self._names.items()}

        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for number, turn in enumerate(self._turns):
            if number:
                cursor.insertBlock(block_format, text_format)
            else:
                cursor.setBlockFormat(block_format)
            cursor.insertText(names[turn.turn.speaker], name_format)
            cursor.insertText(HEADER_GAP + format_duration(turn.turn.start), time_format)
            cursor.insertText(LINE_SEPARATOR, text_format)
            turn.doc_start = cursor.position()
            cursor.insertText(turn.text, text_format)
        cursor.endEditBlock()

        scroll = self.view.verticalScrollBar().value()
        self._replace_document(document)
        self._start_layout()
        self.view.verticalScrollBar().setValue(scroll)
        self._apply_current_match()

    def _replace_document(self, document: QTextDocument | None) -> None:
        """Show ``document`` (``None``: an empty one). Documents are the panel's children,
        not the view's (the view would delete its own children when replaced)."""
        old = self._shown_document
        self._document = document
        if document is None:
            document = QTextDocument(self)
        self._shown_document = document
        self.view.setDocument(document)
        self._document_layout = document.documentLayout()
        self._document_layout.installEventFilter(self)
        if old is not None:
            # Freed now (~2 ms), not at the event loop's next turn: until then, Qt would
            # go on laying the old document out on its timer, for nothing.
            old.setParent(None)

    def _start_layout(self) -> None:
        """Lay out the first turns now and the rest in slices (after a new document or
        a change of width, which makes Qt start over)."""
        self._laid_out = -1
        if self._document is None:
            self._layout_timer.stop()
            return
        self._lay_out_to(min(SYNC_LAYOUT_TURNS, len(self._turns)) - 1)
        if self._laid_out < len(self._turns) - 1:
            self._layout_timer.start()

    def _layout_slice(self) -> None:
        if self._document is None or self._laid_out >= len(self._turns) - 1:
            self._layout_timer.stop()
            return
        self._lay_out_to(min(self._laid_out + LAYOUT_SLICE_TURNS, len(self._turns) - 1))
        pending = self._pending_reveal
        if pending is not None and pending <= self._laid_out:
            self._pending_reveal = None
            if self._following and pending == self._current_turn:
                self._reveal_turn(pending)
        if self._laid_out >= len(self._turns) - 1:
            self._layout_timer.stop()

    def _lay_out_to(self, turn: int) -> None:
        if turn >= 0 and self._document is not None:
            self._document.documentLayout().blockBoundingRect(self._block(turn))
        self._laid_out = max(self._laid_out, turn)

    def _is_laid_out(self, turn: int) -> bool:
        """Whether a turn's place is known. Asking for it otherwise lays out every turn
        before it first: tens of milliseconds for a far turn of a fresh document. (Qt
        may have laid out further than the panel's slices, e.g. to paint.)"""
        return turn <= self._laid_out or self._block(turn).layout().lineCount() > 0

    # --- speakers ---------------------------------------------------------------------

    @property
    def speaker_names(self) -> dict[Speaker, str]:
        return dict(self._names)

    def set_speaker_names(self, names: Mapping[Speaker, str]) -> None:
        """Rename speakers (those not given, or given blank, get their default name)."""
        merged = dict(DEFAULT_SPEAKER_NAMES)
        for key, name in names.items():
            try:
                speaker = Speaker(key)
            except ValueError:
                continue  # a stale or hand-edited setting
            if name and name.strip():
                merged[speaker] = name.strip()
        if merged == self._names:
            return
        self._names = merged
        if self._turns:
            self._render()

    def rename_speakers(self) -> SpeakerNamesDialog:
        """Open the rename dialog (non-modal: ``open``, never ``exec``)."""
        if self._rename_dialog is not None:
            self._rename_dialog.raise_()
            self._rename_dialog.activateWindow()
            return self._rename_dialog
        present = {turn.turn.speaker for turn in self._turns}
        speakers = [speaker for speaker in Speaker if speaker in present] or list(Speaker)
        dialog = SpeakerNamesDialog(self._names, speakers, self)
        dialog.accepted.connect(lambda: self._renamed(dialog.names()))
        dialog.finished.connect(self._rename_closed)
        self._rename_dialog = dialog
        dialog.open()
        return dialog

    def _rename_closed(self) -> None:
        if self._rename_dialog is not None:
            self._rename_dialog.deleteLater()
            self._rename_dialog = None

    def _renamed(self, names: dict[Speaker, str]) -> None:
        before = self.speaker_names
        self.set_speaker_names({**self._names, **names})
        if self._names != before:
            self.speakerNamesChanged.emit(self.speaker_names)

    # --- playback ---------------------------------------------------------------------

    @property
    def current_turn(self) -> int | None:
        """The highlighted turn (an index into the transcript sorted by start time)."""
        return self._current_turn

    @property
    def following(self) -> bool:
        return self._following

    def set_position(self, seconds: float) -> None:
        """Highlight the turn playing at ``seconds``. Called on every playback tick, so
        it does nothing at all until the turn changes, and then repaints two turns."""
        if self._index is None or not self._turns:
            return
        turn = self._index.turn_near(seconds)
        if turn == self._current_turn:
            return
        previous, self._current_turn = self._current_turn, turn
        self.highlight_changes += 1
        for number in (previous, turn):
            # A turn not laid out yet has never been on screen: nothing to repaint.
            if number is not None and self._is_laid_out(number):
                self.view.viewport().update(self._highlight_rect(number).toAlignedRect())
        if self._following and turn is not None:
            if self._is_laid_out(turn):
                self._reveal_turn(turn)
            else:
                self._pending_reveal = turn  # the layout slices scroll there

    @property
    def index(self) -> TranscriptIndex | None:
        """The shown transcript's index (turns sorted by start time), if any."""
        return self._index

    def turn_span(self, turn: int) -> tuple[float, float]:
        """(start, end) of a turn, in seconds."""
        assert self._index is not None
        shown = self._index.turns[turn]
        return shown.start, shown.end

    def scroll_to_turn(self, turn: int) -> None:
        """Bring a turn into view (laying out the document up to it first)."""
        self._lay_out_to(turn)
        self._reveal_turn(turn)

    def _reveal_turn(self, turn: int) -> None:
        self._reveal(self._block_rect(turn), lead=FOLLOW_LEAD * self.view.viewport().height())

    def follow(self) -> None:
        """Follow playback again and bring the current turn into view."""
        self._set_following(True)
        if self._current_turn is not None and self._turns:
            self._reveal_turn(self._current_turn)

    def _set_following(self, following: bool) -> None:
        self._following = following
        self.follow_button.setVisible(not following)

    def _user_scrolled(self) -> None:
        if self._following:
            self._set_following(False)

    def _resized(self) -> None:
        if not self._turns or self._document is None:
            return
        self._start_layout()
        turn = self._current_turn
        if self._following and turn is not None:
            if self._is_laid_out(turn):
                self._reveal(self._block_rect(turn), lead=0.0)
            else:
                self._pending_reveal = turn

    def _reveal(self, rect: QRectF, *, lead: float) -> bool:
        """Scroll so ``rect`` (document coordinates) is in view, ``lead`` pixels below
        the top; no scrolling when it is already fully visible. True when scrolled."""
        bar = self.view.verticalScrollBar()
        top, height = bar.value(), self.view.viewport().height()
        if rect.top() >= top and rect.bottom() <= top + height:
            return False
        if rect.height() > height - lead:
            lead = 0.0
        bar.setValue(round(rect.top() - lead))
        return True

    # --- geometry ---------------------------------------------------------------------

    def _offset(self) -> QPointF:
        return QPointF(
            self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value()
        )

    def _block(self, turn: int) -> QTextBlock:
        assert self._document is not None
        return self._document.findBlockByNumber(turn)

    def _block_rect(self, turn: int) -> QRectF:
        assert self._document is not None
        return self._document.documentLayout().blockBoundingRect(self._block(turn))

    def _highlight_rect(self, turn: int) -> QRectF:
        """The current-turn band in viewport coordinates: the full width, and half the
        spacing above and below the turn."""
        rect = self._block_rect(turn).translated(-self._offset())
        pad = self.view.fontMetrics().height() * TURN_SPACING_LINES / 2
        return QRectF(0, rect.top() - pad, self.view.viewport().width(), rect.height() + 2 * pad)

    def turn_rect(self, turn: int) -> QRect:
        """Where turn ``turn`` is drawn, in viewport coordinates."""
        if not 0 <= turn < len(self._turns):
            return QRect()
        return self._block_rect(turn).translated(-self._offset()).toAlignedRect()

    def word_rect(self, turn: int, word: int) -> QRect:
        """Where word ``word`` of turn ``turn`` is drawn (its first line, if it wraps), in
        viewport coordinates; empty when the turn's text does not contain the word."""
        if not 0 <= turn < len(self._turns):
            return QRect()
        spans = self._turns[turn].word_spans
        if not 0 <= word < len(spans) or spans[word] is None:
            return QRect()
        start, end = spans[word]
        rects = self._span_rects(turn, start, end)
        return rects[0].toAlignedRect() if rects else QRect()

    def _span_rects(self, turn: int, start: int, end: int) -> list[QRectF]:
        """Rectangles (one per line) of ``text[start:end]`` of a turn, in viewport
        coordinates."""
        entry = self._turns[turn]
        block = self._block(turn)
        self._block_rect(turn)  # lays the turn out if it is not yet (a far search match)
        layout = block.layout()
        origin = layout.position() - self._offset()
        first = entry.doc_start - block.position() + entry.to_qt(start)
        last = entry.doc_start - block.position() + entry.to_qt(end)
        rects = []
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            line_start, line_end = line.textStart(), line.textStart() + line.textLength()
            if line_end <= first or line_start >= last:
                continue
            left = line.cursorToX(max(first, line_start))[0]
            right = line.cursorToX(min(last, line_end))[0]
            rects.append(QRectF(left, line.y(), right - left, line.height()).translated(origin))
        return rects

    def _turn_at_y(self, y: float) -> int:
        """The turn at (or nearest to) viewport height ``y``."""
        assert self._document is not None
        point = QPointF(0, y) + self._offset()
        position = self._document.documentLayout().hitTest(point, Qt.HitTestAccuracy.FuzzyHit)
        block = self._document.findBlock(max(0, position))
        return max(0, block.blockNumber())

    def _hit(self, pos: QPoint) -> tuple[int, int | None] | None:
        """(turn, word) under a viewport point; word is ``None`` off the turn's words."""
        if not self._turns or self._document is None:
            return None
        turn = self._turn_at_y(pos.y())
        rect = self._block_rect(turn)
        point = QPointF(pos) + self._offset()
        if not rect.contains(point):
            return None
        block = self._block(turn)
        layout = block.layout()
        local = point - layout.position()
        entry = self._turns[turn]
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if not line.y() <= local.y() < line.y() + line.height():
                continue
            if not line.naturalTextRect().contains(local):
                return (turn, None)
            offset = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
            offset -= entry.doc_start - block.position()
            if offset < 0:
                return (turn, None)  # the speaker and time
            return (turn, entry.word_at(entry.from_qt(offset)))
        return (turn, None)

    # --- mouse ------------------------------------------------------------------------

    def _clicked(self, pos: QPoint) -> None:
        hit = self._hit(pos)
        if hit is None:
            return
        turn, word = hit
        entry = self._turns[turn]
        seconds = entry.turn.words[word].start if word is not None else entry.turn.start
        self.seekRequested.emit(float(seconds))

    def _hovered(self, pos: QPoint) -> None:
        # Everything in a turn plays when clicked, once the view has focus; the gaps
        # between turns do not.
        shape = (
            Qt.CursorShape.PointingHandCursor
            if self.view.hasFocus() and self._hit(pos) is not None
            else Qt.CursorShape.ArrowCursor
        )
        if self.view.viewport().cursor().shape() != shape:
            self.view.viewport().setCursor(shape)

    # --- painting ---------------------------------------------------------------------

    def _paint_underlay(self, painter: QPainter, area: QRect) -> None:
        """The current-turn band and the other matches' wash, for visible turns only."""
        if not self._turns or self._document is None:
            return
        palette = self.view.palette()
        if self._current_turn is not None and self._is_laid_out(self._current_turn):
            band = self._highlight_rect(self._current_turn)
            if band.intersects(QRectF(area)):
                accent = palette.color(QPalette.ColorRole.Highlight)
                wash = QColor(accent)
                wash.setAlpha(TURN_HIGHLIGHT_ALPHA)
                painter.fillRect(band, wash)
                painter.fillRect(QRectF(0, band.top(), TURN_ACCENT_WIDTH, band.height()), accent)
        if not self._matches:
            return
        colour = QColor(MATCH_COLOUR)
        colour.setAlpha(MATCH_ALPHA)
        last_turn = self._turn_at_y(area.bottom())
        for turn in range(self._turn_at_y(area.top()), last_turn + 1):
            lo = bisect_left(self._match_turns, turn)
            hi = bisect_right(self._match_turns, turn)
            for number in range(lo, hi):
                if number == self._current_match:
                    continue
                _, start, end = self._matches[number]
                for rect in self._span_rects(turn, start, end):
                    painter.fillRect(rect, colour)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Colours and spacing are baked into the document: rebuild it for a new theme
        # or font (rare, and still only milliseconds).
        if (
            event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange)
            and self._turns
            and self._document is not None
        ):
            self._render()

    # --- search -----------------------------------------------------------------------

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int | None:
        """The index of the current match among all matches, in transcript order."""
        return self._current_match

    def start_search(self) -> None:
        """Show the find bar and focus its field (the window routes Ctrl+F here)."""
        self._focus_before_search = QApplication.focusWidget()
        self.search_bar.show()
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()
        if self.search_field.text() and not self._matches:
            self.search(self.search_field.text())

    def search(self, text: str) -> None:
        """Find ``text`` (case-insensitive) in every turn; the current match becomes the
        first one at or after the previous current match, else after the top of the
        view."""
        if self.search_field.text() != text:
            self.search_field.blockSignals(True)
            self.search_field.setText(text)
            self.search_field.blockSignals(False)
        if self.search_bar.isHidden():
            self.search_bar.show()
        if self._current_match is not None:
            anchor = self._matches[self._current_match][:2]
        elif self._turns and self._document is not None:
            anchor = (self._turn_at_y(0), 0)
        else:
            anchor = (0, 0)
        self._query = text
        self._matches = []
        if text:
            pattern = re.compile(re.escape(text), re.IGNORECASE)
            for number, turn in enumerate(self._turns):
                self._matches.extend(
                    (number, match.start(), match.end()) for match in pattern.finditer(turn.text)
                )
        self._match_turns = [turn for turn, _, _ in self._matches]
        if self._matches:
            first = bisect_left(self._matches, anchor, key=lambda match: match[:2])
            self._select_match(first % len(self._matches))
        else:
            self._select_match(None)
        self.view.viewport().update()

    def find_next(self) -> None:
        if self._matches:
            current = -1 if self._current_match is None else self._current_match
            self._select_match((current + 1) % len(self._matches))

    def find_previous(self) -> None:
        if self._matches:
            current = len(self._matches) if self._current_match is None else self._current_match
            self._select_match((current - 1) % len(self._matches))

    def close_search(self) -> None:
        """Hide the find bar, drop its highlights and give focus back."""
        had_focus = self.search_bar.isAncestorOf(QApplication.focusWidget())
        self._reset_search(keep_text=True)
        if had_focus:
            before = self._focus_before_search
            if before is not None and before is not self.search_field and self.isAncestorOf(before):
                before.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reset_search(self, *, keep_text: bool = False) -> None:
        self.search_bar.hide()
        self._query = ""
        self._matches, self._match_turns = [], []
        self._current_match = None
        if not keep_text:
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
        self.search_count.clear()
        self._apply_current_match()
        self.view.viewport().update()

    def _select_match(self, number: int | None) -> None:
        previous, self._current_match = self._current_match, number
        if not self._query:
            self.search_count.clear()
        elif number is None:
            self.search_count.setText("No matches")
        else:
            self.search_count.setText(f"{number + 1} of {len(self._matches)}")
        self._apply_current_match()
        for changed in (previous, number):
            if changed is not None and changed < len(self._matches):
                self._update_match(changed)
        if number is not None:
            turn, start, end = self._matches[number]
            rect = self._span_rects(turn, start, end)[0].translated(self._offset())
            lead = self.view.fontMetrics().height() * MATCH_LEAD_LINES
            # Showing a match is the user's choice of where to look: stop following,
            # or the next turn change would scroll it away.
            if self._reveal(rect, lead=lead):
                self._set_following(False)

    def _update_match(self, number: int) -> None:
        turn, start, end = self._matches[number]
        for rect in self._span_rects(turn, start, end):
            self.view.viewport().update(rect.toAlignedRect())

    def _apply_current_match(self) -> None:
        """The current match as the view's only extra selection, in the palette's
        selection colours."""
        selections = []
        if self._current_match is not None and self._document is not None:
            turn, start, end = self._matches[self._current_match]
            entry = self._turns[turn]
            cursor = QTextCursor(self._document)
            cursor.setPosition(entry.doc_start + entry.to_qt(start))
            cursor.setPosition(entry.doc_start + entry.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            palette = self.view.palette()
            selection.format.setBackground(palette.color(QPalette.ColorRole.Highlight))
            selection.format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            selections.append(selection)
        self.view.setExtraSelections(selections)

    # --- keys -------------------------------------------------------------------------

    _SEARCH_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F3, Qt.Key.Key_Escape)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._document_layout and event.type() == QEvent.Type.Timer:
            # While the panel lays the document out in slices, Qt's own lazy-layout
            # steps (which double in size) would only take over with long stalls. The
            # layout's size-changed timer starts when the layout finishes, which is
            # when the slices stop, so it is never swallowed.
            return self._layout_timer.isActive()
        if watched is self.search_field and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.ShortcutOverride,
        ):
            assert isinstance(event, QKeyEvent)
            if event.key() in self._SEARCH_KEYS:
                # Claim the keys before any window shortcut does.
                if event.type() == QEvent.Type.KeyPress:
                    self._search_key(event)
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the view ignores land here: F3 and Escape work with focus in the text.
        if self.search_bar.isVisible() and event.key() in (Qt.Key.Key_F3, Qt.Key.Key_Escape):
            self._search_key(event)
            event.accept()
            return
        super().keyPressEvent(event)

    def _search_key(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_search()
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_previous()
        else:
            self.find_next()
