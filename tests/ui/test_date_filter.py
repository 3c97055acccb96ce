"""The list's date filter: typed dates (ISO and the locale's form), a calendar that opens
on today or the current range, and one action that clears it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QToolButton

from tests.ui.conftest import Driver
from voxdesk.services.catalog import CallFilter
from voxdesk.ui.main_window.window import MainWindow


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _filters(window: MainWindow) -> list[CallFilter]:
    emitted: list[CallFilter] = []
    window.call_list.filterChanged.connect(emitted.append)
    return emitted


def _type(qtbot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_typing_an_iso_date_filters_from_that_day(
    driver: Driver, window: MainWindow, qtbot
) -> None:
    panel = window.call_list
    panel.more_button.setChecked(True)
    emitted = _filters(window)
    field = panel.date_from.findChild(QLineEdit)
    _type(qtbot, field, "2025-03-10")
    assert field.text() == "2025-03-10"
    assert panel.current_filter().date_from == _local_start(date(2025, 3, 10))
    assert emitted and emitted[-1].date_from == _local_start(date(2025, 3, 10))


def test_typing_the_locales_short_form_works(driver: Driver, window: MainWindow, qtbot) -> None:
    panel = window.call_list
    panel.more_button.setChecked(True)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    panel.date_to.setLocale(german)
    typed = german.toString(QDate(2025, 3, 12), QLocale.FormatType.ShortFormat)  # 12.03.25
    _type(qtbot, panel.date_to.findChild(QLineEdit), typed)
    assert panel.current_filter().date_to is not None
    assert panel.current_filter().date_to.astimezone().date() == date(2025, 3, 12)


def test_a_mistyped_date_is_flagged_and_keeps_the_filter(
    driver: Driver, window: MainWindow, qtbot
) -> None:
    panel = window.call_list
    panel.more_button.setChecked(True)
    field = panel.date_from.findChild(QLineEdit)
    _type(qtbot, field, "2025-03-10")
    field.selectAll()
    _type(qtbot, field, "next tuesday")
    assert field.text() == "next tuesday"  # left as typed, to be corrected
    assert "Not a date" in field.toolTip()
    assert panel.current_filter().date_from == _local_start(date(2025, 3, 10))


def test_the_calendar_opens_on_today_then_on_the_range(driver: Driver, window: MainWindow) -> None:
    panel = window.call_list
    panel.more_button.setChecked(True)
    calendar = panel.date_from.findChild(QCalendarWidget)
    panel.date_from.open_calendar()
    today = QDate.currentDate()
    assert calendar.selectedDate() == today
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    calendar.clicked.emit(QDate(2025, 3, 10))  # picking a day sets it
    assert panel.current_filter().date_from == _local_start(date(2025, 3, 10))

    # The other end, still empty, opens on the range's start rather than today.
    other = panel.date_to.findChild(QCalendarWidget)
    panel.date_to.open_calendar()
    assert other.selectedDate() == QDate(2025, 3, 10)
    assert (other.yearShown(), other.monthShown()) == (2025, 3)
    panel.date_to.findChild(QCalendarWidget).parentWidget().close()


def test_one_action_clears_the_date(driver: Driver, window: MainWindow, qtbot) -> None:
    panel = window.call_list
    panel.more_button.setChecked(True)
    field = panel.date_from.findChild(QLineEdit)
    _type(qtbot, field, "2025-03-10")
    emitted = _filters(window)
    # The line edit's own clear button (the ⊗ at its end), clicked.
    clear = field.findChild(QAction, "_q_qlineeditclearaction")
    button = next(b for b in field.findChildren(QToolButton) if b.defaultAction() is clear)
    driver.wait_until(button.isVisible, what="the clear button")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert field.text() == ""
    assert panel.current_filter().date_from is None
    assert emitted and emitted[-1].date_from is None
