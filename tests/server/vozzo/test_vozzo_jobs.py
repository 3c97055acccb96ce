"""The pipeline's analysis step on a given transcript (no audio, no server): the use
case's documented hints and the words' confidences reach the engine; talk time and the
summary are measured from the turns."""

from __future__ import annotations

import pytest

from voxdesk.server.platforms.vozzo.jobs import analyse_transcript, speaker_talk

QUESTION = "Is the customer interested in the loan offer?"


def _turn(speaker: str, start: float, end: float, text: str, confidences=()) -> dict:
    words = [
        {"word": word, "start": start, "end": end, "confidence": confidence}
        for word, confidence in zip(text.split(), confidences, strict=False)
    ]
    return {"speaker": speaker, "start": start, "end": end, "text": text, "confidence": 1.0,
            "words": words}  # fmt: skip


CALL = [
    _turn("agent", 0.5, 3.0, "would you like our loan offer"),
    _turn("customer", 3.5, 5.0, "just post me the paperwork"),
]


def test_question_hints_reach_the_engine() -> None:
    plain = analyse_transcript(CALL, 6.0, {"analysis_questions": [QUESTION]})
    hinted = analyse_transcript(
        CALL,
        6.0,
        {
            "analysis_questions": [QUESTION],
            "question_hints": {QUESTION: {"yes": ["post me the paperwork"]}},
        },
    )
    assert plain["answers"] == [(QUESTION, "Not clear")]
    assert hinted["answers"] == [(QUESTION, "Yes")]
    (answer,) = hinted["analytics"]["answers"]
    assert answer["timestamp"] == 3.5
    assert "paperwork" in answer["evidence"]


def test_low_word_confidence_is_passed_on() -> None:
    sure = [
        _turn("agent", 0.5, 3.0, "are you interested in the loan offer", [0.9] * 7),
        _turn("customer", 3.5, 5.0, "yes i am interested in the loan", [0.9] * 7),
    ]
    unsure = [sure[0], _turn("customer", 3.5, 5.0, "yes i am interested in the loan", [0.05] * 7)]
    config = {"analysis_questions": [QUESTION]}
    assert analyse_transcript(sure, 6.0, config)["answers"] == [(QUESTION, "Yes")]
    assert analyse_transcript(unsure, 6.0, config)["answers"] == [(QUESTION, "Not clear")]


def test_talk_time_summary_and_no_buckets() -> None:
    result = analyse_transcript(CALL, 6.0, {})
    analytics = result["analytics"]
    assert analytics["answers"] == [] and analytics["bucket"] is None
    assert result["bucket"] is None
    assert analytics["speakers"] == [
        {"speaker": "agent", "talk_seconds": 2.5, "talk_share": pytest.approx(0.625)},
        {"speaker": "customer", "talk_seconds": 1.5, "talk_share": pytest.approx(0.375)},
    ]
    assert analytics["summary"].startswith("A 6 s call with 2 turns.")
    assert speaker_talk([]) == []
    assert "no speech" in analyse_transcript([], 3.0, {})["analytics"]["summary"]
