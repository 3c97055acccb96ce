"""The scorecard and helpers shared by the speech-running analysis tests.

``RULES_CARD`` has one criterion per case, so a single analysis of the synthetic call
answers every rule test (speech recognition is the slow part).
"""

from __future__ import annotations

from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.scorecard import Scorecard

# ~24 s. Agent greets at once, the customer says "refund" (never the agent), a 9 s hold,
# the agent quotes an amount and asks "anything else" at ~17 s.
CALL_SCRIPT = [
    {"agent": "Thank you for calling Acme. How can I help you?"},
    {"customer": "I would like a refund. My number is five five five one two three four."},
    {"agent": "Please hold while I check."},
    {"hold": 9},
    {"agent": "The credit is twenty nine dollars. Is there anything else?"},
    {"customer": "No, that fixed it. Goodbye."},
]


def _said(phrases: list[str], by: str = "any", within: float | None = None) -> dict:
    rule: dict = {"said": phrases, "by": by}
    if within is not None:
        rule["within_seconds"] = within
    return rule


def _criterion(cid: str, rule: dict, auto_fail: bool = False) -> dict:
    return {
        "id": cid,
        "question": f"Check {cid}?",
        "points": 10,
        "auto_fail": auto_fail,
        "rule": rule,
    }


RULES_CARD = Scorecard.model_validate(
    {
        "id": "test-rules",
        "name": "Every rule kind, both ways",
        "agent_channel": 0,
        "sections": [
            {
                "id": "said",
                "name": "Said",
                "criteria": [
                    _criterion("greeting", _said(["thank you for calling acme"], "agent")),
                    _criterion("never-said", _said(["cancel my contract"], "agent")),
                    _criterion("late-question", _said(["anything else"], "agent", within=5)),
                    _criterion("question-in-time", _said(["anything else"], "agent", within=60)),
                    _criterion("refund-by-agent", _said(["a refund"], "agent")),
                    _criterion("refund-by-customer", _said(["a refund"], "customer")),
                ],
            },
            {
                "id": "not-said",
                "name": "Not said",
                "criteria": [
                    _criterion("no-guarantee", {"not_said": ["guarantee"], "by": "agent"}),
                    _criterion(
                        "no-hold", {"not_said": ["please hold"], "by": "agent"}, auto_fail=True
                    ),
                ],
            },
            {
                "id": "metrics",
                "name": "Metrics",
                "criteria": [
                    _criterion("silence-strict", {"max_silence_seconds": 5}),
                    _criterion("silence-lenient", {"max_silence_seconds": 15}),
                    _criterion("share-lenient", {"max_talk_share": 0.9, "by": "agent"}),
                    _criterion("share-strict", {"max_talk_share": 0.2, "by": "agent"}),
                ],
            },
        ],
        "outcomes": [
            {"label": "Asked", "rule": _said(["anything else"], "agent")},
            {"label": "Greeted", "rule": _said(["thank you for calling acme"], "agent")},
            {"label": "Neither"},
        ],
    }
)


def results(output: AnalysisOutput) -> dict[str, tuple[str, str]]:
    """criteriaId -> (result, rationale)."""
    return {c.criteriaId: (c.result, c.rationale) for s in output.sections for c in s.criterias}
