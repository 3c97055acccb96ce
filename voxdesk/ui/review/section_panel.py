"""The section-score panel: every scorecard section with its score and bar, and under it
each criterion's result, question and rationale.

Results are shown by symbol, colour and word together (never colour alone). A result
the platform marks uncertain gets a question-mark icon whose tooltip says why, so the
reviewer knows which verdicts to check by ear. A call
whose analysis is still running or has failed says so plainly instead of showing an
empty panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Call, CallStatus, Criterion, Section
from voxdesk.services.formatting import format_score
from voxdesk.ui.theme import AUTO_FAIL, RESULT_BADGES, STATUS_BADGES
from voxdesk.ui.widgets.widgets import (
    ReadingPane,
    badge_label,
    clear_layout,
    evidence_label,
    heading_label,
    soft_wrap,
    text_label,
)

BAR_STEPS = 1000


def section_ratio(section: Section) -> float | None:
    if section.score is None or not section.total_score:
        return None
    return max(0.0, min(1.0, section.score / section.total_score))


def notice_for(call: Call) -> tuple[str, str] | None:
    """(title, text) when the call has no scores to show, else ``None``."""
    if call.status in (CallStatus.PENDING, CallStatus.PROCESSING):
        return (
            "Analysis in progress",
            f"This call is still being analysed (status: {call.status.value}). "
            "Its scores appear here by themselves when it finishes.",
        )
    if call.status is CallStatus.FAILED:
        reason = call.error or "The server did not give a reason."
        return ("Analysis failed", f"The analysis of this call failed: {reason}")
    if call.analysis is None or not call.analysis.sections:
        return ("No section scores", "The platform returned no section scores for this call.")
    return None


class SectionScorePanel(ReadingPane):
    """Sections and criteria of the selected call."""

    #: A ``[MM:SS]`` in a rationale was clicked: play the call from that second.
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("section-panel", parent)
        self.show_call(None)

    def show_call(self, call: Call | None) -> None:
        clear_layout(self._layout)
        if call is None:
            placeholder = QLabel("Section scores appear here.", self._content)
            placeholder.setObjectName("sections-empty")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setEnabled(False)
            self._layout.addWidget(placeholder)
            return
        notice = notice_for(call)
        if notice is not None:
            self._add_notice(call, *notice)
            return
        assert call.analysis is not None
        for number, section in enumerate(call.analysis.sections):
            self._add_section(number, section)
        self._layout.addStretch(1)

    def _add_notice(self, call: Call, title: str, text: str) -> None:
        badge = STATUS_BADGES[call.status]
        row = QHBoxLayout()
        row.addWidget(badge_label(badge, f"{badge.symbol} {badge.text}", self._content))
        row.addWidget(heading_label(title, self._content), 1)
        self._layout.addLayout(row)
        self._layout.addWidget(text_label(text, self._content, name="sections-notice"))
        self._layout.addStretch(1)

    def _add_section(self, number: int, section: Section) -> None:
        frame = QFrame(self._content)
        frame.setObjectName(f"section-{number}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)

        top = QHBoxLayout()
        name = heading_label(soft_wrap(section.name), frame)
        name.setObjectName(f"section-{number}-name")
        name.setWordWrap(True)
        top.addWidget(name, 1)
        layout.addLayout(top)
        if section.score is not None or section.total_score is not None:
            self._add_score(layout, top, number, section, frame)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(self.fontMetrics().height() // 3)
        for row, criterion in enumerate(section.criteria):
            self._add_criterion(grid, row, f"section-{number}-criterion-{row}", criterion, frame)
        layout.addLayout(grid)
        self._layout.addWidget(frame)

    def _add_score(
        self, layout: QVBoxLayout, top: QHBoxLayout, number: int, section: Section, frame: QFrame
    ) -> None:
        """The section's score and its bar; a section scored by none (the answers to a
        Vozzo use case's questions) shows neither rather than "– / –"."""
        score = text_label(
            f"{format_score(section.score)} / {format_score(section.total_score)}",
            frame,
            name=f"section-{number}-score",
            wrap=False,
        )
        top.addWidget(score)
        bar = QProgressBar(frame)
        bar.setObjectName(f"section-{number}-bar")
        bar.setRange(0, BAR_STEPS)
        ratio = section_ratio(section)
        bar.setValue(round((ratio or 0.0) * BAR_STEPS))
        bar.setTextVisible(False)
        bar.setMaximumHeight(max(6, self.fontMetrics().height() // 2))
        bar.setAccessibleName(f"{section.name}: {score.text()}")
        layout.addWidget(bar)

    def _add_criterion(
        self, grid: QGridLayout, row: int, name: str, criterion: Criterion, parent: QWidget
    ) -> None:
        badge = RESULT_BADGES[criterion.result]
        result = badge_label(badge, f"{badge.symbol} {badge.text}", parent, name=f"{name}-result")
        result.setToolTip(f"Result: {badge.text}")
        grid.addWidget(result, row, 0, Qt.AlignmentFlag.AlignTop)

        body = QVBoxLayout()
        body.setSpacing(2)
        question_row = QHBoxLayout()
        question = text_label(criterion.question, parent, name=f"{name}-question")
        font = question.font()
        font.setBold(True)
        question.setFont(font)
        question_row.addWidget(question, 1)
        if criterion.auto_fail:
            flag = badge_label(
                AUTO_FAIL, f"{AUTO_FAIL.symbol} {AUTO_FAIL.text}", parent, name=f"{name}-autofail"
            )
            flag.setToolTip("Failing this criterion fails the whole call.")
            question_row.addWidget(flag, 0, Qt.AlignmentFlag.AlignTop)
        if criterion.uncertain:
            question_row.addWidget(
                self._uncertain_icon(criterion, parent, f"{name}-uncertain"),
                0,
                Qt.AlignmentFlag.AlignTop,
            )
        body.addLayout(question_row)
        if criterion.rationale:
            body.addWidget(
                evidence_label(
                    criterion.rationale, self.seekRequested.emit, parent, name=f"{name}-rationale"
                )
            )
        grid.addLayout(body, row, 1)

    def _uncertain_icon(self, criterion: Criterion, parent: QWidget, name: str) -> QLabel:
        """A question-mark icon; its tooltip (and accessible text) says why to listen."""
        reason = criterion.uncertain_reason or "The platform did not say why."
        confidence = (
            f" (confidence {criterion.confidence:.0%})" if criterion.confidence is not None else ""
        )
        tip = f"Uncertain result{confidence}: check it by ear. {reason}"
        icon = QLabel(parent)
        icon.setObjectName(name)
        size = self.fontMetrics().height()
        standard = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion)
        icon.setPixmap(standard.pixmap(size, size))
        icon.setToolTip(tip)
        icon.setAccessibleName("Uncertain result")
        icon.setAccessibleDescription(tip)
        return icon
