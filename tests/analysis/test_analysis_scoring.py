"""Rule semantics, N/A, scores and outcomes on hand-made transcripts (no speech)."""

from __future__ import annotations

from tests.analysis.test_analysis_text import turn
from voxdesk.server.analysis.metrics import measure
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.scoring import RuleJudge, score_call
from voxdesk.server.scorecard import Rule, Scorecard

STEREO = ["agent", "customer"]
CALL = [
    turn("thank you for calling acme how can i help", "agent", 1.0),
    turn("my internet is down", "customer", 5.0),
    turn("i guarantee it will work tomorrow", "agent", 30.0),
    turn("it works now", "customer", 33.0),
]


def judge(turns: list[TranscriptTurn], speakers: list[str] = STEREO) -> RuleJudge:
    return RuleJudge(turns, measure(turns, 40.0, speakers))


def rule(**fields: object) -> Rule:
    return Rule.model_validate(fields)


def test_said_is_na_only_without_any_speech() -> None:
    assert judge([]).judge(rule(said=["hello"])).result == "N/A"
    customer_only = [turn("hello there", "customer", 1.0)]
    verdict = judge(customer_only).judge(rule(said=["hello"], by="agent"))
    assert verdict.result == "No"


def test_not_said_is_na_when_the_speaker_never_speaks() -> None:
    customer_only = [turn("i guarantee nothing", "customer", 1.0)]
    verdict = judge(customer_only).judge(rule(not_said=["guarantee"], by="agent"))
    assert verdict.result == "N/A" and "Nothing was said by the agent" in verdict.rationale


def test_not_said_quotes_where_it_was_said() -> None:
    verdict = judge(CALL).judge(rule(not_said=["guarantee"], by="agent"))
    assert verdict.result == "No"
    assert verdict.rationale.startswith('[00:30] agent: "i guarantee it will work tomorrow"')


def test_silence_is_measured_between_turns_only() -> None:
    verdict = judge(CALL).judge(rule(max_silence_seconds=25))
    assert verdict.result == "Yes" and "[00:06]–[00:30]" in verdict.rationale
    metrics = measure(CALL, 40.0, STEREO)
    assert metrics.longest_silence is not None
    assert round(metrics.longest_silence.start, 2) == 6.15  # end of "my internet is down"
    assert metrics.longest_silence.end == 30.0
    assert judge(CALL).judge(rule(max_silence_seconds=20)).result == "No"


def test_talk_share_by_any_takes_the_most_talkative_speaker() -> None:
    verdict = judge(CALL).judge(rule(max_talk_share=0.5, by="any"))
    assert verdict.result == "No" and "The agent talked" in verdict.rationale


def test_talk_share_is_na_without_speech_and_on_mono() -> None:
    assert judge([]).judge(rule(max_talk_share=0.5, by="agent")).result == "N/A"
    mono = [turn("hello", "speaker", 1.0)]
    assert judge(mono, ["speaker"]).judge(rule(max_talk_share=0.5)).result == "N/A"


def test_overlaps_are_measured() -> None:
    turns = [turn("one two three four five", "agent", 0.0), turn("wait wait", "customer", 0.5)]
    metrics = measure(turns, 5.0, STEREO)
    assert len(metrics.overlaps) == 1 and metrics.overlaps[0].start == 0.5


CARD = Scorecard.model_validate(
    {
        "id": "unit",
        "name": "Unit",
        "sections": [
            {
                "id": "s",
                "name": "S",
                "criteria": [
                    {"id": "greet", "question": "Did the agent greet?", "points": 10,
                     "rule": {"said": ["thank you for calling acme"], "by": "agent"}},
                    {"id": "bye", "question": "Did the agent say goodbye?", "points": 10,
                     "rule": {"said": ["goodbye"], "by": "agent"}},
                    {"id": "na", "question": "Did the agent avoid x?", "points": 30,
                     "rule": {"max_talk_share": 0.5, "by": "agent"}},
                ],
            }
        ],
        "outcomes": [
            {"label": "Resolved", "rule": {"said": ["it works now"], "by": "customer"}},
            {"label": "Escalated", "rule": {"said": ["transfer you"], "by": "agent"}},
            {"label": "Unresolved"},
        ],
    }
)  # fmt: skip


def test_score_is_earned_over_applicable_points() -> None:
    mono = [t.model_copy(update={"speaker": "speaker"}) for t in CALL]
    scored = score_call(CARD, mono, measure(mono, 40.0, ["speaker"]))
    section = scored.sections[0]
    assert [c.result for c in section.criterias] == ["Yes", "No", "N/A"]
    assert (section.score, section.totalScore) == (10, 20)
    assert scored.score == 50
    assert scored.outcome_label == "Resolved"


def test_outcome_default_lists_what_was_not_heard() -> None:
    turns = CALL[:2]
    scored = score_call(CARD, turns, measure(turns, 40.0, STEREO))
    assert scored.outcome_label == "Unresolved"
    assert 'No customer turn said "it works now"' in scored.outcome_rationale
    assert 'No agent turn said "transfer you"' in scored.outcome_rationale


def test_failed_criteria_become_advice_with_evidence() -> None:
    scored = score_call(CARD, CALL, measure(CALL, 40.0, STEREO))
    assert [result.criteriaId for _, result, _ in scored.failed] == ["bye", "na"]
