"""How the call list draws: status icons that every font can show, and a sort arrow
that points the way the values run (read off grabbed images)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionHeader

from voxdesk.domain import CallStatus
from voxdesk.services.catalog import CallOrder, CallRow, SortKey
from voxdesk.ui.browse.call_list import CallListPanel
from voxdesk.ui.browse.call_list_model import CallListModel, Column
from voxdesk.ui.browse.call_list_state import CallListState
from voxdesk.ui.browse.columns import ANALYSIS, VOICE_BOT, VOIX, VOXPRIA, VOZZO
from voxdesk.ui.theme import STATUS_BADGES


def _row(n: int, status: CallStatus) -> CallRow:
    return CallRow(f"call_{n:04d}", status, f"Agent {n}", "Support", None, 60.0, None, None)


@pytest.fixture
def panel(qtbot) -> CallListPanel:
    model = CallListModel(CallListState())
    model.reset_rows([_row(n, status) for n, status in enumerate(CallStatus)], len(CallStatus))
    panel = CallListPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    return panel


def test_every_status_shows_an_icon_and_no_missing_glyph(panel: CallListPanel) -> None:
    model = panel.model
    metrics = QFontMetrics(panel.table.font())
    colours = set()
    for row, status in enumerate(CallStatus):
        index = model.index(row, Column.STATUS)
        text = index.data()
        missing = [c for c in text if not metrics.inFontUcs4(ord(c))]
        assert not missing, f"{status}: {text!r} has glyphs the font lacks: {missing}"
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None and not icon.isNull(), status
        image = icon.pixmap(16, 16).toImage()
        opaque = [
            image.pixelColor(x, y)
            for x in range(image.width())
            for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 200
        ]
        assert len(opaque) > 16 * 16 // 3, f"{status}: the icon is drawn"
        colours.add(max(opaque, key=opaque.count).name())
    assert len(colours) >= 3, "waiting, completed and failed look different"


def _arrow_rows(panel: CallListPanel, order: CallOrder) -> list[int]:
    """How many pixels of the sort arrow each pixel row holds, top to bottom, as the
    style draws it from the option the header paints the section with."""
    header = panel.table.horizontalHeader()
    panel.set_order_indicator(order)
    option = QStyleOptionHeader()
    header.initStyleOptionForIndex(option, Column.for_key(order.key))
    image = QImage(24, 24, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    option.rect = image.rect()
    painter = QPainter(image)
    header.style().drawPrimitive(
        QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, option, painter, header
    )
    painter.end()
    rows = [
        sum(1 for x in range(image.width()) if image.pixelColor(x, y).alpha() > 128)
        for y in range(image.height())
    ]
    rows = [count for count in rows if count]
    assert len(rows) >= 3, "an arrow is drawn"
    return rows


@pytest.mark.parametrize("key", [SortKey.AGENT, SortKey.DATE])
def test_the_sort_arrow_points_up_for_ascending_and_down_for_descending(
    panel: CallListPanel, key: SortKey
) -> None:
    up = _arrow_rows(panel, CallOrder(key, descending=False))
    assert up[0] < up[-1], f"ascending: ▲ (narrow top) expected, rows {up}"
    down = _arrow_rows(panel, CallOrder(key, descending=True))
    assert down[0] > down[-1], f"descending: ▼ (narrow bottom) expected, rows {down}"
    header = panel.table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # Qt's meaning kept


def test_the_detail_status_badges_use_glyphs_the_font_has(qtbot) -> None:
    metrics = QFontMetrics(QApplication.font())
    for status, badge in STATUS_BADGES.items():
        missing = [c for c in badge.symbol if not metrics.inFontUcs4(ord(c))]
        assert not missing, f"{status}: {badge.symbol!r} would show as an empty box"


def _shown(panel: CallListPanel) -> dict[str, int]:
    header = panel.table.horizontalHeader()
    return {
        column.title: header.sectionSize(section)
        for section, column in enumerate(panel.model.list_layout.columns)
        if not header.isSectionHidden(section)
    }


def test_a_narrow_list_keeps_the_reviewers_columns_on_screen(panel: CallListPanel) -> None:
    """About the width the list gets at 1280×720: the optional columns (category,
    duration) give way and the status column shrinks to its icon, so Review, Human and
    Δ are on screen with no sideways scrolling; the status word stays in each cell's
    tooltip. (The real window at 1280×720: ``test_layout_fit``.)"""
    width = 580
    panel.resize(width, 400)
    panel.fit_columns(width)
    shown = _shown(panel)
    assert "Category" not in shown and "Duration" not in shown
    assert {"Date", "Agent", "Score", "Outcome", "Status", "Review", "Human", "Δ"} <= set(shown)
    frame = panel.table.frameWidth() * 2 + panel.table.verticalScrollBar().sizeHint().width()
    assert sum(shown.values()) + frame <= width
    status = panel.model.index(0, Column.STATUS)
    assert status.data() in status.data(Qt.ItemDataRole.ToolTipRole)

    panel.fit_columns(1400)  # a wide screen: every column, none squeezed
    assert len(_shown(panel)) == len(panel.model.list_layout.columns)


def test_the_header_menu_shows_a_hidden_column_again(panel: CallListPanel, qtbot) -> None:
    panel.fit_columns(560)
    header = panel.table.horizontalHeader()
    panel._offer_column_menu(header.rect().center())
    menu = next(w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMenu"))
    category = next(a for a in menu.actions() if a.text() == "Category")
    assert not category.isChecked()
    category.trigger()
    assert "Category" in _shown(panel) and _shown(panel)["Category"] > 0
    menu.close()


@pytest.mark.parametrize(
    "layout", [ANALYSIS, VOICE_BOT, VOXPRIA, VOIX, VOZZO], ids=lambda x: x.name
)
def test_every_platforms_list_fits_a_small_screen_with_readable_titles(
    panel: CallListPanel, layout
) -> None:
    """At about the width the list gets at 1280×720 each platform's list fits without
    sideways scrolling, no shortened column is narrower than its title (the header said
    "Campaigr"), and a column hidden for room gives its width back to the shortened
    ones (campaigns read "camp_…" while there was room)."""
    width = 580
    panel.set_layout(layout, force=True)
    panel.fit_columns(width)
    header = panel.table.horizontalHeader()
    shown = _shown(panel)
    frame = panel.table.frameWidth() * 2 + panel.table.verticalScrollBar().sizeHint().width()
    assert sum(shown.values()) + frame <= width, shown
    metrics = panel.fontMetrics()
    for section, column in enumerate(layout.columns):
        if column.elides and not header.isSectionHidden(section):
            assert header.sectionSize(section) >= metrics.horizontalAdvance(column.title), column
    if sum(shown.values()) + frame < width - 10:
        elided = [
            s for s, c in enumerate(layout.columns) if c.elides and not header.isSectionHidden(s)
        ]
        assert all(header.sectionSize(s) == panel._preferred_columns[s] for s in elided), shown
