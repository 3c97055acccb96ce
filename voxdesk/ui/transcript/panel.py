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

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QKeyEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Speaker, TranscriptTurn
from voxdesk.domain.timeline import TranscriptIndex
from voxdesk.services.formatting import format_duration
from voxdesk.ui.transcript.document import (
    DEFAULT_SPEAKER_NAMES,
    EMPTY_TEXT,
    HEADER_GAP,
    LINE_SEPARATOR,
    NAME_BREAKS,
    NO_SPEECH_TEXT,
    NO_TRANSCRIPT_TEXT,
    TurnText,
)
from voxdesk.ui.transcript.find_bar import TranscriptSearchMixin
from voxdesk.ui.transcript.geometry import TurnGeometryMixin
from voxdesk.ui.transcript.speaker_names import SpeakerNamesDialog, SpeakerNamesMixin
from voxdesk.ui.transcript.theme_constants import (
    DOCUMENT_MARGIN_LINES,
    FOLLOW_LEAD,
    LAYOUT_SLICE_TURNS,
    SYNC_LAYOUT_TURNS,
    TURN_SPACING_LINES,
)
from voxdesk.ui.transcript.view import TranscriptView


class TranscriptPanel(TurnGeometryMixin, TranscriptSearchMixin, SpeakerNamesMixin, QWidget):
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
        self._turns: list[TurnText] = []
        self._document: QTextDocument | None = None  # None while a message shows
        self._shown_document: QTextDocument | None = None
        self._current_turn: int | None = None
        self._following = True
        #: How many times the current-turn highlight moved (for tests and profiling).
        self.highlight_changes = 0
        self._query = ""
        self._matches: list[tuple[int, int, int]] = []  # (turn, start, end) in TurnText.text
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

        self.view = TranscriptView(self)
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
        self._turns = [TurnText(turn) for turn in self._index.turns]
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
        names = {speaker: name.translate(NAME_BREAKS) for speaker, name in self._names.items()}

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

    def selected_span(self) -> tuple[float, float] | None:
        """(start, end) of the turns the selected text covers, for a note on them."""
        cursor = self.view.textCursor()
        if self._index is None or not cursor.hasSelection():
            return None
        document = self.view.document()
        first = document.findBlock(cursor.selectionStart()).blockNumber()
        last = document.findBlock(cursor.selectionEnd()).blockNumber()
        turns = self._index.turns
        if not 0 <= first <= last < len(turns):
            return None
        return turns[first].start, turns[last].end

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

    # --- keys -------------------------------------------------------------------------

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
