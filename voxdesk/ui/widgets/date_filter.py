"""A date filter field: empty means "any date", a typed date or one picked from a calendar.

``QDateEdit`` cannot say "no date": the list used its minimum date shown as "Any", so a
typed date was appended to that text ("Any20250310"), Enter put "Any" back and the
calendar opened on January 2000. This field is a line edit instead: type a date in ISO
form (2025-03-10) or in the locale's short or long form, or pick it from a calendar that
opens on the chosen date, the other end of the range, or today; the clear button (or
emptying the text) removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

ISO_FORMAT = "yyyy-MM-dd"
#: Two-digit years typed in a locale's short form are read as 2000–2099.
BASE_YEAR = 2000
INVALID_PROPERTY = "invalidDate"


def parse_date(text: str, locale: QLocale) -> date | None:
    """``text`` as a date (ISO first, then the locale's short and long forms), or None."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for kind in (QLocale.FormatType.ShortFormat, QLocale.FormatType.LongFormat):
        parsed = locale.toDate(text, locale.dateFormat(kind), BASE_YEAR)
        if parsed.isValid():
            return date(parsed.year(), parsed.month(), parsed.day())
    return None


class DateFilterEdit(QWidget):
    """One end of a date range; ``date()`` is None when any date will do."""

    #: The date changed (a ``datetime.date``, or None once cleared).
    dateChanged = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "",
        fallback: Callable[[], date | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        #: Where the calendar opens when this end is empty (the other end of the range).
        self._fallback = fallback
        self._date: date | None = None
        self._setup_ui(name)

    def _setup_ui(self, name: str) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.line_edit = QLineEdit(self)
        if name:
            self.setObjectName(name)
            self.line_edit.setObjectName(f"{name}-text")
        self.line_edit.setPlaceholderText("Any")
        self.line_edit.setClearButtonEnabled(True)
        width = self.fontMetrics().horizontalAdvance("2026-12-31") + 3 * self.fontMetrics().height()
        self.line_edit.setMinimumWidth(width)
        self.line_edit.editingFinished.connect(self._text_entered)
        self.line_edit.textChanged.connect(self._text_changed)
        self.setFocusProxy(self.line_edit)
        layout.addWidget(self.line_edit, 1)

        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self._menu = QMenu(self)
        picker = QWidgetAction(self._menu)
        picker.setDefaultWidget(self.calendar)
        self._menu.addAction(picker)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("▾")
        self.calendar_button.setToolTip("Pick a date from a calendar")
        self.calendar_button.setAccessibleName("Pick a date")
        self.calendar_button.clicked.connect(self.open_calendar)
        layout.addWidget(self.calendar_button)
        self._show_valid(True)

    # --- value -----------------------------------------------------------------------

    def date(self) -> date | None:
        return self._date

    def set_date(self, value: date | None) -> None:
        """Show ``value`` (None: any date); emits ``dateChanged`` when it changes."""
        self.line_edit.blockSignals(True)
        self.line_edit.setText(value.isoformat() if value else "")
        self.line_edit.blockSignals(False)
        self._show_valid(True)
        if value != self._date:
            self._date = value
            self.dateChanged.emit(value)

    def clear(self) -> None:
        self.set_date(None)

    # --- typing ----------------------------------------------------------------------

    def _text_changed(self, text: str) -> None:
        # The clear button, or deleting the text, means "any date" at once.
        if not text.strip():
            self.set_date(None)

    def _text_entered(self) -> None:
        text = self.line_edit.text()
        if not text.strip():
            self.set_date(None)
            return
        parsed = parse_date(text, self.locale())
        if parsed is None:
            # Kept as typed, so it can be corrected; the filter keeps its last date.
            self._show_valid(False)
            return
        self.set_date(parsed)

    def _show_valid(self, valid: bool) -> None:
        example = QDate(2025, 3, 10)
        short = self.locale().toString(example, QLocale.FormatType.ShortFormat)
        self.line_edit.setProperty(INVALID_PROPERTY, not valid)
        self.line_edit.setStyleSheet("" if valid else "QLineEdit { border: 2px solid #c62828; }")
        self.line_edit.setToolTip(
            f"Type a date such as 2025-03-10 or {short}, or pick one; empty means any date."
            if valid
            else f"Not a date. Type it as 2025-03-10 or {short}."
        )

    # --- calendar --------------------------------------------------------------------

    def open_calendar(self) -> None:
        """Pop the calendar up on the chosen date, else the other end of the range, else
        today. ``popup``, not ``exec``: no nested event loop under qasync."""
        shown = self._date or self._fallback() or date.today()
        day = QDate(shown.year, shown.month, shown.day)
        self.calendar.setSelectedDate(day)
        self.calendar.setCurrentPage(day.year(), day.month())
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self._menu.close()
        self.set_date(date(day.year(), day.month(), day.day()))
