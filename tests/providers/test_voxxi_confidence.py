"""The confidence extension travels from the engine's result through Voxxi's wire body
(as the local server writes it) to the domain Criterion the desk shows."""

from __future__ import annotations

from voxdesk.contracts import voxxi as wire
from voxdesk.providers.voxxi import map_analysis

STORED = {
    "criteriaId": "greeting",
    "question": "Greeted?",
    "result": "No",
    "rationale": "No agent turn said it.",
    "autoFail": False,
    "confidence": 0.31,
    "uncertain": True,
    "uncertainReason": "The closest speech was …",
}


def test_a_criterion_keeps_its_confidence_on_the_wire_and_in_the_domain() -> None:
    body = wire.AnalysisBody.model_validate(
        {"sections": [{"sectionId": "s", "criterias": [STORED]}]}
    )
    dumped = body.dump()["sections"][0]["criterias"][0]
    assert dumped == STORED
    criterion = map_analysis(body).sections[0].criteria[0]
    assert (criterion.confidence, criterion.uncertain) == (0.31, True)
    assert criterion.uncertain_reason == STORED["uncertainReason"]


def test_a_platform_that_says_nothing_is_not_uncertain() -> None:
    plain = {k: STORED[k] for k in ("criteriaId", "question", "result", "rationale")}
    body = wire.AnalysisBody.model_validate(
        {"sections": [{"sectionId": "s", "criterias": [plain]}]}
    )
    criterion = map_analysis(body).sections[0].criteria[0]
    assert criterion.confidence is None and not criterion.uncertain
