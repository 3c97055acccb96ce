"""The call list panel: search, filters and the paged table of calls.

It only describes what the reviewer asked for (``filterChanged``, the model's
``orderRequested``/``moreRequested``) and which call is current and which rows are on
screen; the controller turns that into catalog queries and polling.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import CallStatus
from voxdesk.services.call_words import DIRECTION_WORDS, DISPOSITION_WORDS
from voxdesk.services.catalog import CallFilter, CallOrder
from voxdesk.ui.browse.call_list_header import CallListHeader
from voxdesk.ui.browse.call_list_model import CALL_ID_ROLE, SCORE_ROLE, CallListModel
from voxdesk.ui.browse.columns import FINAL_DISPOSITIONS, FilterKind, ListLayout
from voxdesk.ui.browse.review_filter import ReviewFilter
from voxdesk.ui.widgets.date_filter import DateFilterEdit
from voxdesk.ui.widgets.delegates import ScoreBadgeDelegate

SEARCH_DEBOUNCE_MS = 250
VISIBLE_DEBOUNCE_MS = 150
#: The narrowest the first layout makes the category, agent and outcome columns, in
#: characters (their text elides with "…").
NARROWEST_TEXT_COLUMN = 10
ANY = "Any"

STATUS_CHOICES: list[tuple[str, frozenset[CallStatus]]] = [
    ("All statuses", frozenset()),
    ("In progress", frozenset({CallStatus.PENDING, CallStatus.PROCESSING})),
    ("Completed", frozenset({CallStatus.COMPLETED})),
    ("Failed", frozenset({CallStatus.FAILED})),
]


class _ChoiceBox(QComboBox):
    """A drop-down of catalog values whose first entry means "no filter"."""

    def __init__(self, any_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._any_text = any_text
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.addItem(any_text, None)

    def set_any_text(self, text: str) -> None:
        self._any_text = text
        self.setItemText(0, text)

    def set_values(self, values: list[str]) -> None:
        current = self.value()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._any_text, None)
        for value in values:
            self.addItem(value, value)
        if current is not None and current not in values:
            self.addItem(current, current)
        self.set_value(current)
        self.blockSignals(False)

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, value: str | None) -> None:
        if value is not None and self.findData(value) < 0:
            self.addItem(value, value)
        self.setCurrentIndex(max(0, self.findData(value)) if value is not None else 0)


def _enum_box(any_text: str, words: dict, parent: QWidget, name: str, hint: str) -> QComboBox:
    """A drop-down of an enum's values in plain words; its first entry means "any"."""
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setToolTip(hint)
    box.addItem(any_text, None)
    for value, text in words.items():
        box.addItem(text, value)
    return box


class _ArrowKeys(QObject):
    """Sends ↑/↓ pressed in a line edit to ``move`` (-1 / +1) instead of the edit."""

    def __init__(self, move: Callable[[int], None], parent: QObject) -> None:
        super().__init__(parent)
        self._move = move

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
            if event.key() in steps and not event.modifiers():
                self._move(steps[event.key()])
                return True
        return False


def _score_spin(parent: QWidget) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(-1, 100)
    spin.setSpecialValueText(ANY)
    spin.setValue(-1)
    return spin


class CallListPanel(QWidget):
    """Search box, filter bar and the call table."""

    filterChanged = Signal(object)  # CallFilter
    currentCallChanged = Signal(object)  # str | None
    visibleRowsChanged = Signal()

    def __init__(self, model: CallListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._restoring = False
        self._setup_ui()
        self._connect()

    # --- construction ----------------------------------------------------------------

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("call-search")
        self.search.setPlaceholderText("Search agent, outcome, call ID, summary  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_box = QComboBox(self)
        self.status_box.setObjectName("status-filter")
        for text, statuses in STATUS_CHOICES:
            self.status_box.addItem(text, statuses)
        self.more_button = QToolButton(self)
        self.more_button.setText("Filters")
        self.more_button.setCheckable(True)
        self.more_button.setToolTip("Show agent, category, outcome, score and date filters")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Clear the search and every filter")
        top.addWidget(self.search, 1)
        top.addWidget(self.status_box)
        top.addWidget(self.more_button)
        top.addWidget(self.clear_button)
        layout.addLayout(top)

        self.filter_bar = QWidget(self)
        grid = QGridLayout(self.filter_bar)
        grid.setContentsMargins(0, 0, 0, 0)
        self.agent_box = _ChoiceBox("All agents", self.filter_bar)
        self.agent_box.setObjectName("agent-filter")
        self.category_box = _ChoiceBox("All categories", self.filter_bar)
        self.category_box.setObjectName("category-filter")
        self.outcome_box = _ChoiceBox("All outcomes", self.filter_bar)
        self.outcome_box.setObjectName("outcome-filter")
        self.score_min = _score_spin(self.filter_bar)
        self.score_max = _score_spin(self.filter_bar)
        # Each end's calendar opens on the other end when it has no date of its own.
        self.date_from = DateFilterEdit(
            self.filter_bar, name="date-from", fallback=lambda: self.date_to.date()
        )
        self.date_to = DateFilterEdit(
            self.filter_bar, name="date-to", fallback=lambda: self.date_from.date()
        )
        self.campaign_box = _ChoiceBox("All campaigns", self.filter_bar)
        self.campaign_box.setObjectName("campaign-filter")
        self.disposition_box = _enum_box(
            "All states",
            {d: DISPOSITION_WORDS[d] for d in FINAL_DISPOSITIONS},
            self.filter_bar,
            "disposition-filter",
            "How the call went",
        )
        self.direction_box = _enum_box(
            "Both directions",
            DIRECTION_WORDS,
            self.filter_bar,
            "direction-filter",
            "Calls the bot placed (outbound) or answered (inbound)",
        )
        grid.addWidget(self.campaign_box, 0, 0, 1, 2)
        grid.addWidget(self.disposition_box, 0, 2, 1, 2)
        grid.addWidget(self.direction_box, 0, 4, 1, 2)
        grid.addWidget(self.agent_box, 0, 0, 1, 2)
        grid.addWidget(self.category_box, 0, 2, 1, 2)
        grid.addWidget(self.outcome_box, 0, 4, 1, 2)
        self.score_label = QLabel("Score", self.filter_bar)
        grid.addWidget(self.score_label, 1, 0)
        score = QHBoxLayout()
        score.addWidget(self.score_min)
        self.score_to = QLabel("to", self.filter_bar)
        score.addWidget(self.score_to)
        score.addWidget(self.score_max)
        grid.addLayout(score, 1, 1, 1, 2)
        grid.addWidget(QLabel("Date", self.filter_bar), 1, 3)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to", self.filter_bar))
        dates.addWidget(self.date_to)
        grid.addLayout(dates, 1, 4, 1, 2)
        # Under Filters: the list's top row must fit a 853-pixel-wide window.
        self.review_label = QLabel("Review", self.filter_bar)
        grid.addWidget(self.review_label, 2, 0)
        self.review_filter = ReviewFilter(self.filter_bar)
        grid.addWidget(self.review_filter, 2, 1, 1, 3)
        self.filter_bar.setVisible(False)
        layout.addWidget(self.filter_bar)

        self.table = QTableView(self)
        self.table.setObjectName("call-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows (Shift/Ctrl+click) for a PDF of the selection; the current row
        # is the call shown.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        # Rows are selected whole: Tab moves on to the next pane, not cell by cell.
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeader(CallListHeader(self.table))
        self._score_delegate = ScoreBadgeDelegate(SCORE_ROLE, self.table)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # Right-click on the header: which columns are shown.
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.set_layout(self.model.list_layout, force=True)
        # The indicator must show the state's order before sorting is enabled: enabling
        # it makes the view "sort" by the indicator, i.e. request that order.
        self.set_order_indicator(self.model.state.order)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_arrows = _ArrowKeys(self.move_current, self)
        self._visible_timer = QTimer(self, singleShot=True, interval=VISIBLE_DEBOUNCE_MS)

    def _connect(self) -> None:
        self.table.horizontalHeader().customContextMenuRequested.connect(self._offer_column_menu)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._emit_filter)
        self.search.installEventFilter(self._search_arrows)
        self._search_timer.timeout.connect(self._emit_filter)
        self.status_box.currentIndexChanged.connect(self._emit_filter)
        self.review_filter.changed.connect(self._emit_filter)
        for box in (
            self.agent_box,
            self.category_box,
            self.outcome_box,
            self.campaign_box,
            self.disposition_box,
            self.direction_box,
        ):
            box.currentIndexChanged.connect(self._emit_filter)
        for spin in (self.score_min, self.score_max):
            spin.valueChanged.connect(self._emit_filter)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._emit_filter)
        self.more_button.toggled.connect(self.filter_bar.setVisible)
        self.clear_button.clicked.connect(self.clear_filter)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.verticalScrollBar().valueChanged.connect(self._schedule_visible)
        self.model.modelReset.connect(self._schedule_visible)
        self.model.rowsInserted.connect(self._schedule_visible)
        self.model.dataChanged.connect(self._schedule_visible)
        self._visible_timer.timeout.connect(self.visibleRowsChanged)

    # --- filter ----------------------------------------------------------------------

    def current_filter(self) -> CallFilter:
        """What the widgets say, for the filters the list's layout offers."""
        offers = self.model.list_layout.offers
        where = CallFilter(
            text=self.search.text().strip(),
            statuses=(self.status_box.currentData() or frozenset())
            if offers(FilterKind.STATUS)
            else frozenset(),
            agent=self.agent_box.value() if offers(FilterKind.AGENT) else None,
            category=self.category_box.value() if offers(FilterKind.CATEGORY) else None,
            outcome=self.outcome_box.value() if offers(FilterKind.OUTCOME) else None,
            score_min=None
            if self.score_min.value() < 0 or not offers(FilterKind.SCORE)
            else float(self.score_min.value()),
            score_max=None
            if self.score_max.value() < 0 or not offers(FilterKind.SCORE)
            else float(self.score_max.value()),
            date_from=_start_of(self.date_from.date()) if offers(FilterKind.DATE) else None,
            date_to=_end_of(self.date_to.date()) if offers(FilterKind.DATE) else None,
            grouping=self.campaign_box.value() if offers(FilterKind.CAMPAIGN) else None,
            disposition=self.disposition_box.currentData()
            if offers(FilterKind.DISPOSITION)
            else None,
            direction=self.direction_box.currentData() if offers(FilterKind.DIRECTION) else None,
        )
        return self.review_filter.applied_to(where) if offers(FilterKind.REVIEW) else where

    def set_filter(self, where: CallFilter) -> None:
        """Show ``where`` in the widgets without emitting ``filterChanged``."""
        self._restoring = True
        try:
            self.search.setText(where.text)
            self._search_timer.stop()
            index = next((i for i, (_, s) in enumerate(STATUS_CHOICES) if s == where.statuses), 0)
            self.status_box.setCurrentIndex(index)
            self.agent_box.set_value(where.agent)
            self.category_box.set_value(where.category)
            self.outcome_box.set_value(where.outcome)
            self.campaign_box.set_value(where.grouping)
            self.disposition_box.setCurrentIndex(
                max(0, self.disposition_box.findData(where.disposition))
            )
            self.direction_box.setCurrentIndex(max(0, self.direction_box.findData(where.direction)))
            self.score_min.setValue(-1 if where.score_min is None else int(where.score_min))
            self.score_max.setValue(-1 if where.score_max is None else int(where.score_max))
            self.date_from.set_date(_local_day(where.date_from))
            self.date_to.set_date(_local_day(where.date_to))
            self.review_filter.show_filter(where)
            advanced = any(
                v is not None
                for v in (
                    where.agent,
                    where.category,
                    where.outcome,
                    where.score_min,
                    where.score_max,
                    where.date_from,
                    where.date_to,
                    where.grouping,
                    where.disposition,
                    where.direction,
                    where.attention_below,
                )
            ) or bool(where.review_states or where.differs)
            self.more_button.setChecked(advanced or self.more_button.isChecked())
        finally:
            self._restoring = False

    def clear_filter(self) -> None:
        self.set_filter(CallFilter())
        self._emit_filter()

    def set_choices(self, choices: dict[FilterKind, list[str]]) -> None:
        """Values for the drop-downs of catalog values (agents, categories, outcomes,
        campaigns), each by the filter it serves; filters not named keep theirs."""
        boxes = {
            FilterKind.AGENT: self.agent_box,
            FilterKind.CATEGORY: self.category_box,
            FilterKind.OUTCOME: self.outcome_box,
            FilterKind.CAMPAIGN: self.campaign_box,
        }
        for kind, values in choices.items():
            if kind in boxes:
                boxes[kind].set_values(values)

    def _emit_filter(self) -> None:
        if not self._restoring:
            self._search_timer.stop()
            self.filterChanged.emit(self.current_filter())

    def move_current(self, step: int) -> None:
        """↑/↓ typed in the search box move through the list (the detail follows) while
        the focus stays in the box, so the reviewer can go on typing."""
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.table.currentIndex()
        row = 0 if not current.isValid() else max(0, min(rows - 1, current.row() + step))
        self._make_current(row)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- order -----------------------------------------------------------------------

    def set_order_indicator(self, order: CallOrder) -> None:
        """Show ``order`` on the header without the view asking the model to sort."""
        header = self.table.horizontalHeader()
        section = self.model.list_layout.index_of(order.key)
        header.blockSignals(True)
        header.setSortIndicator(
            -1 if section is None else section,
            Qt.SortOrder.DescendingOrder if order.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        header.viewport().update()

    # --- selection and visibility ----------------------------------------------------

    def current_call_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(CALL_ID_ROLE) if index.isValid() else None

    def selected_call_ids(self) -> list[str]:
        """The selected calls, in the list's order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.index(row, 0).data(CALL_ID_ROLE) for row in rows]

    def select_call(self, call_id: str) -> bool:
        """Make ``call_id`` current if it is loaded; False otherwise."""
        row = self.model.state.index_of(call_id)
        if row is None:
            return False
        self._make_current(row)
        return True

    def _make_current(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentCallChanged.emit(current.data(CALL_ID_ROLE) if current.isValid() else None)

    def _schedule_visible(self, *_args: object) -> None:
        self._visible_timer.start()

    def visible_call_ids(self) -> list[str]:
        """The calls whose rows are on screen now (the only ones worth polling)."""
        rows = self.model.rowCount()
        if rows == 0 or not self.isVisible():
            return []
        first = self.table.rowAt(0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        first = 0 if first < 0 else first
        last = rows - 1 if last < 0 else last
        ids = (self.model.call_id_at(row) for row in range(first, last + 1))
        return [call_id for call_id in ids if call_id is not None]

    # --- column widths ---------------------------------------------------------------

    def fit_columns(self, width: int) -> None:
        """Every column shown at its preferred width, then, while they do not all fit
        ``width``, in this order: the text columns that elide well (category, agent,
        outcome, campaign) narrowed down to ``NARROWEST_TEXT_COLUMN`` characters (never
        below their title), the optional columns (category, duration, direction) hidden,
        the status column shrunk to its icon; room a hidden column leaves goes back to
        the narrowed text. What still does not fit scrolls sideways. The header's menu
        shows a hidden column again."""
        header = self.table.horizontalHeader()
        for column, size in self._preferred_columns.items():
            header.setSectionHidden(column, False)
            header.resizeSection(column, size)
        metrics = self.fontMetrics()
        frame = self.table.frameWidth() * 2 + self.table.verticalScrollBar().sizeHint().width()
        excess = sum(self._preferred_columns.values()) + frame - width
        columns = self.model.list_layout.columns
        # The widest eliding columns give way first (Voxxi: category, agent, outcome).
        eliding = sorted(
            (i for i, c in enumerate(columns) if c.elides),
            key=lambda i: -self._preferred_columns[i],
        )
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        for column in eliding:
            floor = max(
                NARROWEST_TEXT_COLUMN * metrics.averageCharWidth(),
                metrics.horizontalAdvance(columns[column].title) + 3 * margin,
            )
            excess = self._narrow(column, floor, excess)
        for column in (i for i, c in enumerate(columns) if c.optional):
            if excess <= 0:
                break
            excess -= header.sectionSize(column)
            header.setSectionHidden(column, True)
        icon_only = self._icon_width() + metrics.height()
        for column in (i for i, c in enumerate(columns) if c.status_icon):
            excess = self._narrow(column, icon_only, excess)
        for column in reversed(eliding):  # the narrowest get room back first
            if excess >= 0:
                break
            size = header.sectionSize(column)
            wider = min(self._preferred_columns[column], size - excess)
            header.resizeSection(column, wider)
            excess += wider - size

    def _narrow(self, column: int, floor: int, excess: int) -> int:
        """``column`` narrowed by up to ``excess`` px, not below ``floor``; what is left
        of ``excess``."""
        if excess <= 0:
            return excess
        header = self.table.horizontalHeader()
        size = header.sectionSize(column)
        narrower = min(size, max(floor, size - excess))
        header.resizeSection(column, narrower)
        return excess - (size - narrower)

    def _icon_width(self) -> int:
        return self.table.iconSize().width() or self.fontMetrics().height()

    def _offer_column_menu(self, position: QPoint) -> None:
        """The header's menu: every column of the layout, ticked where shown."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        for section, column in enumerate(self.model.list_layout.columns):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(section in shown)
            # The last shown column stays: a list with no columns cannot be got back.
            action.setEnabled(shown != [section])
            action.toggled.connect(lambda checked, s=section: self._show_column(s, shown=checked))
        menu.popup(header.mapToGlobal(position))

    def _show_column(self, section: int, *, shown: bool) -> None:
        header = self.table.horizontalHeader()
        header.setSectionHidden(section, not shown)
        if shown and header.sectionSize(section) == 0:
            header.resizeSection(section, self._preferred_columns.get(section, 80))

    # --- the platform's layout -------------------------------------------------------

    def set_layout(self, layout: ListLayout, *, force: bool = False) -> None:
        """Show ``layout``'s columns and filters (a connection to another platform)."""
        if layout == self.model.list_layout and not force:
            return
        self.model.set_layout(layout)
        offers = layout.offers
        self.search.setPlaceholderText(layout.search_hint)
        self.status_box.setVisible(offers(FilterKind.STATUS))
        self.review_filter.setVisible(offers(FilterKind.REVIEW))
        self.review_label.setVisible(offers(FilterKind.REVIEW))
        self._offer_dispositions(layout)
        self.campaign_box.set_any_text(layout.any_grouping)
        for kind, widgets in (
            (FilterKind.AGENT, (self.agent_box,)),
            (FilterKind.CATEGORY, (self.category_box,)),
            (FilterKind.OUTCOME, (self.outcome_box,)),
            (FilterKind.SCORE, (self.score_label, self.score_min, self.score_to, self.score_max)),
            (FilterKind.CAMPAIGN, (self.campaign_box,)),
            (FilterKind.DISPOSITION, (self.disposition_box,)),
            (FilterKind.DIRECTION, (self.direction_box,)),
        ):
            for widget in widgets:
                widget.setVisible(offers(kind))
        self.more_button.setToolTip(
            "Show the "
            + ", ".join(
                label
                for kind, label in (
                    (FilterKind.AGENT, "agent"),
                    (FilterKind.CATEGORY, "category"),
                    (FilterKind.OUTCOME, "outcome"),
                    (FilterKind.SCORE, "score"),
                    (FilterKind.CAMPAIGN, "campaign"),
                    (FilterKind.DISPOSITION, "state"),
                    (FilterKind.DIRECTION, "direction"),
                    (FilterKind.REVIEW, "review"),
                )
                if offers(kind)
            )
            + " and date filters"
        )
        self._size_columns(layout)

    def _offer_dispositions(self, layout: ListLayout) -> None:
        """The layout's states in the state filter (the choice is reset with the filter)."""
        box = self.disposition_box
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for disposition in layout.dispositions:
            box.addItem(DISPOSITION_WORDS[disposition], disposition)
        box.setCurrentIndex(0)
        box.blockSignals(False)

    def _size_columns(self, layout: ListLayout) -> None:
        """Widths from sample text in the user's font, so they scale with DPI and fonts;
        the score pill where a column is a score."""
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        padding = metrics.height()
        icon = self._icon_width()
        for section in range(header.count()):
            self.table.setItemDelegateForColumn(section, None)
        for section, column in enumerate(layout.columns):
            width = metrics.horizontalAdvance(column.sample) + padding
            header.setSectionHidden(section, False)
            # An icon takes its width and a margin on each side (as the style draws it).
            header.resizeSection(
                section, width + (icon + padding // 2 if column.status_icon else 0)
            )
            if column.score is not None:
                self.table.setItemDelegateForColumn(section, self._score_delegate)
        self._preferred_columns = {i: header.sectionSize(i) for i in range(len(layout.columns))}
        self.preferred_width = sum(self._preferred_columns.values()) + padding

    # --- persistence -----------------------------------------------------------------

    def header_state(self) -> bytes:
        return bytes(self.table.horizontalHeader().saveState().data())

    def restore_header_state(self, state: bytes) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        try:
            header.restoreState(state)
            header.setStretchLastSection(False)  # states saved before it stopped stretching
        finally:
            header.blockSignals(False)


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone().date() if moment is not None else None


def _start_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _end_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.max).astimezone().astimezone(UTC)
