"""Help ▸ Keyboard shortcuts: every shortcut of the window, read from its actions, so
the list cannot drift from what the keys really do."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Space above and below a row's text, in pixels.
ROW_PADDING = 8
#: The dialog grows with its rows up to this share of the screen, then scrolls.
MAX_SCREEN_SHARE = 0.8


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what it does, its keys) for each offered action that has a shortcut, in menu order."""
    rows = []
    for action in actions:
        if not action.isVisible():
            continue  # not offered on this platform (no uploads on the voice-bot one)
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            rows.append((action.text().replace("&", "").rstrip("…"), " or ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    """Non-modal (``open()``): it can stay up beside the window while one learns."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setModal(False)
        rows = shortcut_rows(actions)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcuts-table")
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        for row, (text, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(text))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows a line of text high, and the dialog tall enough for all of them (up to
        most of the screen): a list of a dozen keys is read at a glance, not scrolled."""
        table = self.table
        metrics = self.fontMetrics()
        table.verticalHeader().setDefaultSectionSize(metrics.height() + ROW_PADDING)
        table.resizeColumnsToContents()
        needed = (
            table.horizontalHeader().sizeHint().height()
            + table.verticalHeader().length()
            + 2 * table.frameWidth()
        )
        screen = self.screen().availableGeometry().height() if self.screen() else needed * 2
        table.setMinimumHeight(min(needed, round(screen * MAX_SCREEN_SHARE)))
        width = table.verticalHeader().width() + table.horizontalHeader().length()
        width += 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        self.resize(max(60 * metrics.averageCharWidth(), width), self.sizeHint().height())
