"""An uncertain criterion result shows a question-mark icon whose tooltip says why; a
confident one shows none."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from voxdesk.domain import Call, CallStatus
from voxdesk.domain.analysis import Analysis, Criterion, CriterionResult, Section
from voxdesk.ui.review.section_panel import SectionScorePanel

REASON = 'The closest speech was "calling at me" (72% alike in sound to "calling acme").'


def _call() -> Call:
    criteria = (
        Criterion(
            id="greeting",
            question="Did the agent greet the caller?",
            result=CriterionResult.NO,
            rationale="No agent turn said it.",
            confidence=0.31,
            uncertain=True,
            uncertain_reason=REASON,
        ),
        Criterion(
            id="hold",
            question="Was the caller never left in silence?",
            result=CriterionResult.YES,
            confidence=1.0,
        ),
    )
    section = Section(id="s", name="Opening", score=10, total_score=20, criteria=criteria)
    return Call(
        id="c1", status=CallStatus.COMPLETED, analysis=Analysis(score=50, sections=(section,))
    )


def test_an_uncertain_criterion_shows_an_icon_with_the_reason(qtbot: QtBot) -> None:
    panel = SectionScorePanel()
    qtbot.addWidget(panel)
    panel.show_call(_call())
    panel.show()
    icon = panel.findChild(QLabel, "section-0-criterion-0-uncertain")
    assert icon is not None and icon.isVisible()
    assert icon.pixmap() is not None and not icon.pixmap().isNull()
    assert "check it by ear" in icon.toolTip()
    assert "confidence 31%" in icon.toolTip()
    assert REASON in icon.toolTip()
    assert panel.findChild(QLabel, "section-0-criterion-1-uncertain") is None
