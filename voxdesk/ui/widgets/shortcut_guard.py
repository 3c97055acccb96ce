"""Window-wide shortcuts that keep working whatever widget has focus.

A text field claims many Ctrl keys for itself before the window's shortcuts see them
(``ShortcutOverride``): on Linux a line edit takes Ctrl+U (delete the line), Ctrl+← /
Ctrl+→ (move by word) and more. The search box has focus at launch, so Ctrl+U and the
player keys did nothing until the reviewer clicked elsewhere. This guard sits on the
focused widget and refuses that claim for the keys the window binds — except keys that
type text (Space still types a space in a field, as the README says).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

#: Modifiers under which a key no longer types text.
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def types_text(event: QKeyEvent) -> bool:
    """A printable key without Ctrl/Alt/Meta: it belongs to the field it is typed in."""
    text = event.text()
    return bool(text) and text.isprintable() and not event.modifiers() & _COMMAND_MODIFIERS


class ShortcutGuard(QObject):
    """Keeps ``window``'s action shortcuts ahead of the focused widget's own key use."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Installing a filter again only moves it to the front: no bookkeeping needed.
        if new is not None and new.window() is self._window:
            new.installEventFilter(self)

    def window_binds(self, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return any(
            pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch
            for action in self._window.actions()
            if action.isEnabled()
            for key in action.shortcuts()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Refused (not delivered, so not accepted), the key goes on to the window's action.
        return (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not types_text(event)
            and self.window_binds(event)
        )
