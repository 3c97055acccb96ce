"""Search in the transcript panel: the find bar's matches, the current one, and its
keys. A mixin of ``TranscriptPanel``, which owns the state it reads; the matching itself
is in ``search`` (no Qt)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QKeyEvent,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QTextEdit,
)

from voxdesk.ui.transcript.search import find_matches, first_match_from
from voxdesk.ui.transcript.theme_constants import MATCH_LEAD_LINES


class TranscriptSearchMixin:
    """Search of ``TranscriptPanel``."""

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
        self._matches = find_matches([turn.text for turn in self._turns], text)
        self._match_turns = [turn for turn, _, _ in self._matches]
        if self._matches:
            self._select_match(first_match_from(self._matches, anchor))
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

    _SEARCH_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F3, Qt.Key.Key_Escape)

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
