"""The centre panel: one call's header facts and the AI's written analysis.

Rebuilt from a ``Call`` each time one is shown; fields a call lacks are left out rather
than printed as "null". All call text is plain (never HTML) and selectable.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from voxdesk.domain import AgentKind, Call, Extraction
from voxdesk.domain.timeline import stamp
from voxdesk.services.formatting import format_score
from voxdesk.services.uploads.jobs import MARKER_UDF
from voxdesk.ui.review.call_facts import call_facts
from voxdesk.ui.theme import DISPOSITION_BADGES, STATUS_BADGES, score_badge
from voxdesk.ui.widgets.widgets import (
    ElidedLabel,
    ReadingPane,
    badge_label,
    clear_layout,
    evidence_label,
    has_long_word,
    heading_font,
    heading_label,
    text_label,
)

EMPTY_TEXT = "Select a call to see its analysis."
#: The title of a call a voice bot spoke for the business.
VOICE_BOT = "Voice bot"
#: Fields voxdesk itself sets for its own bookkeeping: never shown to the reviewer.
INTERNAL_UDFS = frozenset({MARKER_UDF})


def _format_time(seconds: float | None) -> str:
    return f" at {stamp(seconds)}" if seconds is not None else ""


def format_extraction(extraction: Extraction) -> str:
    kind = extraction.kind.replace("_", " ").capitalize()
    quote = f" — “{extraction.text}”" if extraction.text else ""
    return f"{kind}: {extraction.value}{_format_time(extraction.time)}{quote}"


def format_udf(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


class CallDetailView(ReadingPane):
    """The call header, summary, observations, improvements, extractions and fields."""

    #: The call ID went to the clipboard (the window shows it in the status bar).
    callIdCopied = Signal(str)
    #: A ``[MM:SS]`` in the outcome rationale or an extraction was clicked.
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("call-detail", parent)
        self.call: Call | None = None
        self.show_call(None)

    # --- showing a call --------------------------------------------------------------

    def show_call(
        self, call: Call | None, agent: str | None = None, category: str | None = None
    ) -> None:
        """Show ``call`` (or the empty state); ``agent``/``category`` are display names."""
        self.call = call
        clear_layout(self._layout)
        if call is None:
            placeholder = QLabel(EMPTY_TEXT, self._content)
            placeholder.setObjectName("detail-empty")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setEnabled(False)
            self._layout.addWidget(placeholder)
            return
        self._add_header(call, agent or call.member_id, category or call.category_id)
        analysis = call.analysis
        if call.summary:
            self._add_block("Summary", "detail-summary", [call.summary])
        if analysis is not None:
            self._add_block("Observations", "detail-observations", list(analysis.observations))
            self._add_block(
                "Areas for improvement", "detail-improvements", list(analysis.areas_for_improvement)
            )
            self._add_block(
                "Extractions",
                "detail-extractions",
                [format_extraction(e) for e in analysis.extractions],
            )
        udfs = {
            k: v
            for k, v in call.udfs.items()
            if v not in (None, "", [], {}) and k not in INTERNAL_UDFS
        }
        if udfs:
            self._add_fields(udfs)
        self._add_call_id(call.id)
        self._layout.addStretch(1)

    def _add_header(self, call: Call, agent: str | None, category: str | None) -> None:
        # The agent on a line of its own (shortened, whole in the tooltip, when long), the
        # badges under it: side by side they needed more than a narrow pane's width.
        # A recording with no agent at all (Vozzo's uploads) is known by its file's name.
        speaker = agent or (
            VOICE_BOT
            if call.agent_kind is AgentKind.BOT
            else str(call.udfs.get("file") or "Unknown agent")
        )
        title = ElidedLabel(speaker, self._content, name="detail-agent")
        title.setFont(heading_font(title, scale=1.35))
        self._layout.addWidget(title)
        top = QHBoxLayout()
        # How the call went says more than "analysed" where the platform tells it.
        badge = (
            DISPOSITION_BADGES[call.disposition]
            if call.disposition is not None
            else STATUS_BADGES[call.status]
        )
        top.addWidget(
            badge_label(badge, f"{badge.symbol} {badge.text}", self._content, name="detail-status")
        )
        if call.analysis is not None and call.analysis.score is not None:
            score = call.analysis.score
            top.addWidget(
                badge_label(
                    score_badge(score),
                    f"Score {format_score(score)}",
                    self._content,
                    name="detail-score",
                )
            )
        top.addStretch(1)
        self._layout.addLayout(top)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts = call_facts(call, category)
        for label, name, value in facts:
            form.addRow(
                f"{label}:",
                evidence_label(value, self.seekRequested.emit, self._content, name=name),
            )
        self._layout.addLayout(form)

    def _add_block(self, title: str, name: str, lines: list[str]) -> None:
        lines = [line for line in lines if line and line.strip()]
        if not lines:
            return
        self._layout.addSpacing(self.fontMetrics().height() // 2)
        self._layout.addWidget(heading_label(title, self._content))
        text = (
            lines[0]
            if len(lines) == 1 and name == "detail-summary"
            else "\n".join(f"• {line}" for line in lines)
        )
        self._layout.addWidget(
            evidence_label(text, self.seekRequested.emit, self._content, name=name)
        )

    def _add_fields(self, udfs: dict[str, Any]) -> None:
        self._layout.addSpacing(self.fontMetrics().height() // 2)
        self._layout.addWidget(heading_label("Fields", self._content))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, value in udfs.items():
            text, name = format_udf(value), f"detail-udf-{key}"
            # One long token (a link, a reference) is shortened, whole in its tooltip;
            # prose wraps.
            field = (
                ElidedLabel(text, self._content, name=name, mode=Qt.TextElideMode.ElideMiddle)
                if has_long_word(text)
                else text_label(text, self._content, name=name)
            )
            key_label = ElidedLabel(f"{key}:", self._content)
            form.addRow(key_label, field)
        self._layout.addLayout(form)

    def _add_call_id(self, call_id: str) -> None:
        self._layout.addSpacing(self.fontMetrics().height() // 2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Call ID:", self._content))
        # A long ID is shortened in a narrow pane, never widens it: Copy gets it whole.
        label = ElidedLabel(
            call_id, self._content, name="detail-call-id", mode=Qt.TextElideMode.ElideMiddle
        )
        row.addWidget(label, 1)
        copy = QPushButton("Copy", self._content)
        copy.setObjectName("detail-copy-id")
        copy.setToolTip("Copy the call ID (Ctrl+L)")
        copy.clicked.connect(self.copy_call_id)
        row.addWidget(copy)
        self._layout.addLayout(row)

    # --- actions ---------------------------------------------------------------------

    def copy_call_id(self) -> None:
        if self.call is not None:
            QGuiApplication.clipboard().setText(self.call.id)
            self.callIdCopied.emit(self.call.id)
