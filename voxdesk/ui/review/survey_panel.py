"""The survey panel: a voice-bot call's post-call survey (EPA) where a Voxxi call shows
its section scores: the survey's state, why it ended, how many questions were answered,
the calculated score, and each question with its answer and score.

A call that never connected, or whose campaign runs no survey, says so in plain words
instead of showing an empty pane.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from voxdesk.domain import Call, SurveyResponse, SurveyResult
from voxdesk.services.call_words import (
    completion_reason_text,
    never_connected,
    survey_state_text,
)
from voxdesk.services.formatting import format_score
from voxdesk.ui.theme import score_badge
from voxdesk.ui.widgets.widgets import (
    ReadingPane,
    badge_label,
    clear_layout,
    heading_label,
    text_label,
)

TITLE = "Post-call survey"
EMPTY_TEXT = "The call's post-call survey appears here."
NO_SURVEY_TEXT = "This call's campaign runs no post-call survey."


def survey_notice(call: Call) -> str | None:
    """Why ``call`` has no survey to show, or ``None`` when it has one."""
    reason = never_connected(call.disposition)
    if reason is not None:
        return f"This call never connected ({reason}), so there was no survey."
    if call.analysis is None or call.analysis.survey is None:
        return NO_SURVEY_TEXT
    return None


def answered_text(survey: SurveyResult) -> str | None:
    if survey.questions_answered is None:
        return None
    if survey.total_questions is None:
        return f"{survey.questions_answered} answered"
    return f"{survey.questions_answered} of {survey.total_questions}"


class SurveyPanel(ReadingPane):
    """The selected call's survey, rebuilt each time a call is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("survey-panel", parent)
        self.show_call(None)

    def show_call(self, call: Call | None) -> None:
        clear_layout(self._layout)
        if call is None:
            placeholder = QLabel(EMPTY_TEXT, self._content)
            placeholder.setObjectName("survey-empty")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setWordWrap(True)
            placeholder.setEnabled(False)
            self._layout.addWidget(placeholder)
            return
        self._layout.addWidget(heading_label(TITLE, self._content))
        notice = survey_notice(call)
        if notice is not None:
            self._layout.addWidget(text_label(notice, self._content, name="survey-notice"))
            self._layout.addStretch(1)
            return
        assert call.analysis is not None and call.analysis.survey is not None
        survey = call.analysis.survey
        self._add_summary(survey)
        for number, response in enumerate(survey.responses):
            self._add_response(number, response)
        if not survey.responses:
            self._layout.addWidget(
                text_label("No question was answered.", self._content, name="survey-no-answers")
            )
        self._layout.addStretch(1)

    def _add_summary(self, survey: SurveyResult) -> None:
        if survey.score is not None:
            row = QHBoxLayout()
            row.addWidget(
                badge_label(
                    score_badge(survey.score),
                    f"Score {format_score(survey.score)}",
                    self._content,
                    name="survey-score",
                )
            )
            row.itemAt(0).widget().setToolTip("The survey's calculated score, out of 100")
            row.addStretch(1)
            self._layout.addLayout(row)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts = [
            ("State", "survey-state", survey_state_text(survey.state)),
            ("Ended", "survey-reason", completion_reason_text(survey.completion_reason)),
            ("Answered", "survey-answered", answered_text(survey)),
            # The pill above shows a score; say plainly when there is none.
            ("Score", "survey-score-text", None if survey.score is not None else "None"),
        ]
        for label, name, value in facts:
            if value:
                form.addRow(f"{label}:", text_label(value, self._content, name=name))
        self._layout.addLayout(form)

    def _add_response(self, number: int, response: SurveyResponse) -> None:
        name = f"survey-response-{number}"
        frame = QFrame(self._content)
        frame.setObjectName(name)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)
        question = text_label(response.question, frame, name=f"{name}-question")
        font = question.font()
        font.setBold(True)
        question.setFont(font)
        layout.addWidget(question)
        row = QHBoxLayout()
        row.addWidget(text_label(response.answer or "No answer", frame, name=f"{name}-answer"), 1)
        if response.score is not None:
            row.addWidget(
                text_label(
                    f"Score {format_score(response.score)}",
                    frame,
                    name=f"{name}-score",
                    wrap=False,
                ),
                0,
                Qt.AlignmentFlag.AlignTop,
            )
        layout.addLayout(row)
        self._layout.addWidget(frame)
