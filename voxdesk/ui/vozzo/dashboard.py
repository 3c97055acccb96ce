"""A use case's dashboard: its summary counts, the recordings per bucket as a bar chart
and each question's Yes / No / Not clear as a stacked bar chart (QtCharts).

The numbers are the platform's own summaries (summary-counts and summary-details),
never recounted here. While recordings are still in progress the dashboard asks again
every ``REFRESH_MS``, so it follows them as they finish; it stops asking once none is.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from voxdesk.contracts import vozzo as wire
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.protocols import SupportsUseCases
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.widgets.banner import ErrorBanner
from voxdesk.ui.widgets.widgets import heading_label

REFRESH_MS = 3000
#: The counts shown, in order: (field of SummaryCounts, label).
COUNT_FIELDS = (
    ("total_calls", "Recordings"),
    ("completed", "Analysed"),
    ("in_progress", "In progress"),
    ("failed", "Failed"),
    ("completion_percentage", "Complete"),
)
ANSWER_SERIES = (("yes", "Yes"), ("no", "No"), ("not_clear", "Not clear"))


def count_axis(values: list[int]) -> QValueAxis:
    """An axis of whole counts: one tick per count up to five, nice numbers beyond."""
    top = max([1, *values])
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setLabelFormat("%d")
    if top <= 5:
        axis.setTickCount(top + 1)
    else:
        axis.applyNiceNumbers()
    return axis


def bucket_chart(details: wire.SummaryDetails, analysed: int) -> QChart:
    """Recordings per bucket; the title says how many analysed ones fit none."""
    chart = QChart()
    unsorted = max(0, analysed - sum(b.count for b in details.buckets))
    chart.setTitle(
        f"Recordings per bucket ({unsorted} fit no bucket)" if unsorted else "Recordings per bucket"
    )
    counts = QBarSet("Recordings")
    counts.append([float(b.count) for b in details.buckets])
    series = QHorizontalBarSeries()
    series.append(counts)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append([b.name for b in details.buckets])
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    values = count_axis([b.count for b in details.buckets])
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(values)
    chart.legend().hide()
    return chart


def answer_chart(details: wire.SummaryDetails) -> QChart:
    chart = QChart()
    chart.setTitle("Answers per question")
    series = QHorizontalStackedBarSeries()
    for field, label in ANSWER_SERIES:
        answers = QBarSet(label)
        answers.append([float(getattr(a, field)) for a in details.answers])
        series.append(answers)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    questions = QBarCategoryAxis()
    questions.append([_short(a.question) for a in details.answers])
    chart.addAxis(questions, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(questions)
    values = count_axis([a.yes + a.no + a.not_clear for a in details.answers])
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(values)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _short(question: str, limit: int = 48) -> str:
    return question if len(question) <= limit else question[: limit - 1] + "…"


def count_text(field: str, counts: wire.SummaryCounts) -> str:
    value = getattr(counts, field)
    return f"{value:g} %" if field == "completion_percentage" else str(value)


class UseCaseDashboard(QWidget):
    """Counts and charts of one use case; ``show_usecase`` picks it."""

    #: The summaries were read (counts, details), for a caller that follows them.
    refreshed = Signal(object, object)

    def __init__(self, provider: SupportsUseCases, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usecase-dashboard")
        self.provider = provider
        self.usecase_id: str | None = None
        self.counts: wire.SummaryCounts | None = None
        self.details: wire.SummaryDetails | None = None
        self._tasks = NamedTasks()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        layout.addWidget(self.banner)
        self.title = heading_label("", self, scale=1.3)
        layout.addWidget(self.title)
        form = QFormLayout()
        self.count_labels: dict[str, QLabel] = {}
        for field, label in COUNT_FIELDS:
            value = QLabel("—", self)
            value.setObjectName(f"dashboard-{field}")
            self.count_labels[field] = value
            form.addRow(f"{label}:", value)
        layout.addLayout(form)
        charts = QHBoxLayout()
        self.bucket_view = QChartView(self)
        self.bucket_view.setObjectName("dashboard-buckets")
        self.answer_view = QChartView(self)
        self.answer_view.setObjectName("dashboard-answers")
        for view in (self.bucket_view, self.answer_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(self.fontMetrics().height() * 16)
            charts.addWidget(view, 1)
        layout.addLayout(charts, 1)

    def show_usecase(self, usecase_id: str | None, name: str = "") -> None:
        self.usecase_id = usecase_id
        self.title.setText(f"Dashboard — {name}" if name else "Dashboard")
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        if self.usecase_id is not None:
            self._tasks.start("summary", self._refresh(self.usecase_id))

    async def _refresh(self, usecase_id: str) -> None:
        try:
            counts = await self.provider.summary_counts(usecase_id)
            details = await self.provider.summary_details(usecase_id)
        except ProviderError as exc:
            self.banner.show_error(f"The use case's summary could not be read: {exc}")
            self._timer.start()
            return
        self.banner.hide()
        self.show_summary(counts, details)
        if counts.in_progress and self.isVisible():
            self._timer.start()

    def show_summary(self, counts: wire.SummaryCounts, details: wire.SummaryDetails) -> None:
        self.counts, self.details = counts, details
        for field, label in self.count_labels.items():
            label.setText(count_text(field, counts))
        for view, chart in (
            (self.bucket_view, bucket_chart(details, counts.completed)),
            (self.answer_view, answer_chart(details)),
        ):
            old = view.chart()
            view.setChart(chart)
            if old is not None:
                old.deleteLater()
        self.refreshed.emit(counts, details)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close_tasks(self) -> None:
        self._timer.stop()
        await self._tasks.close()
