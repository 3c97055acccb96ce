"""Each judged criterion carries a confidence from the recogniser's evidence (match
margin and word posteriors, or the margin to a measured limit); below the documented
threshold it is uncertain, with the reason. Hand-made transcripts, no speech."""

from __future__ import annotations

import pytest

from tests.analysis.test_analysis_text import turn
from voxdesk.server.analysis.confidence import UNCERTAIN_BELOW, Confidence
from voxdesk.server.analysis.metrics import measure
from voxdesk.server.analysis.result import TranscriptTurn
from voxdesk.server.analysis.scoring import RuleJudge, score_call
from voxdesk.server.scorecard import Rule, Scorecard

STEREO = ["agent", "customer"]
BARELY = "thank you for call him back me"


def heard(text: str, posteriors: list[float], speaker: str = "agent", start: float = 1.0):
    base = turn(text, speaker, start)
    return base.model_copy(update={"confidences": posteriors})


def verdict(turns: list[TranscriptTurn], **rule: object):
    judge = RuleJudge(turns, measure(turns, 60.0, STEREO))
    return judge.judge(Rule.model_validate(rule))


def test_the_threshold_is_inclusive_above() -> None:
    assert not Confidence(UNCERTAIN_BELOW).uncertain
    assert Confidence(UNCERTAIN_BELOW - 0.001).uncertain


def test_an_exact_match_is_certain_even_with_unsure_words() -> None:
    got = verdict([heard("thank you for calling acme", [0.3] * 5)], said=["calling acme"])
    assert got.result == "Yes"
    assert got.confidence is not None and got.confidence.value == 1.0
    assert not got.confidence.uncertain


def test_a_barely_passing_match_of_unsure_words_is_uncertain() -> None:
    # "call him back me" is 80 % alike "calling acme" in sound: exactly at the threshold.
    unsure = verdict([heard(BARELY, [1, 1, 1, 1, 0.2, 0.2, 0.3])], said=["calling acme"])
    assert unsure.result == "Yes" and unsure.confidence is not None
    assert unsure.confidence.uncertain
    assert unsure.confidence.reason is not None
    assert '"call him back me"' in unsure.confidence.reason
    assert "42% sure" in unsure.confidence.reason  # mean of 1, 0.2, 0.2, 0.3
    sure = verdict([heard(BARELY, [1] * 7)], said=["calling acme"])
    assert sure.confidence is not None and not sure.confidence.uncertain
    assert sure.confidence.reason is None


def test_a_no_is_certain_when_nothing_close_was_heard_clearly() -> None:
    got = verdict([heard("my internet is down", [0.8] * 4)], said=["calling acme"], by="agent")
    assert got.result == "No" and got.confidence == Confidence(1.0)


def test_a_no_in_speech_the_recogniser_barely_understood_is_uncertain() -> None:
    # Telephone-band calls measure a mean word posterior of ~0.2: hearing nothing like the
    # phrase says little when nearly every word is a guess.
    got = verdict([heard("my internet is down", [0.2] * 4)], said=["calling acme"], by="agent")
    assert got.result == "No" and got.confidence is not None and got.confidence.uncertain
    assert got.confidence.reason is not None and "20% sure, on average" in got.confidence.reason
    kept = verdict([heard("i guarantee it", [0.2] * 3)], not_said=["refund"], by="agent")
    assert kept.result == "Yes" and kept.confidence is not None and kept.confidence.uncertain


def test_a_no_beside_a_near_miss_of_unsure_words_is_uncertain() -> None:
    near = "thank you for calling at"
    unsure = verdict([heard(near, [0.9, 0.9, 0.9, 0.2, 0.2])], said=["calling acme"])
    assert unsure.result == "No" and unsure.confidence is not None
    assert unsure.confidence.uncertain
    assert unsure.confidence.reason is not None and "may have been said" in unsure.confidence.reason
    sure = verdict([heard(near, [1.0] * 5)], said=["calling acme"])
    assert sure.result == "No" and sure.confidence is not None
    assert not sure.confidence.uncertain


@pytest.mark.parametrize(("limit", "uncertain"), [(7.4, True), (7.0, True), (6.0, False)])
def test_a_silence_near_its_limit_is_uncertain(limit: float, uncertain: bool) -> None:
    # The gap between the turns is 7.25 s.
    turns = [heard("hello there", [1, 1]), heard("yes", [1], "customer", 8.8)]
    got = verdict(turns, max_silence_seconds=limit)
    assert got.confidence is not None and got.confidence.uncertain is uncertain


def test_results_carry_the_fields_and_na_has_none() -> None:
    card = Scorecard.model_validate(
        {
            "id": "c",
            "name": "C",
            "sections": [
                {
                    "id": "s",
                    "name": "S",
                    "criteria": [
                        {"id": "g", "question": "G?", "points": 1,
                         "rule": {"said": ["calling acme"], "by": "agent"}},
                        {"id": "t", "question": "T?", "points": 1,
                         "rule": {"max_talk_share": 0.5, "by": "agent"}},
                    ],
                }
            ],
            "outcomes": [{"label": "Only"}],
        }
    )  # fmt: skip
    turns = [heard(BARELY, [1, 1, 1, 1, 0.2, 0.2, 0.3])]
    results = score_call(card, turns, measure(turns, 10.0, STEREO)).sections[0].criterias
    greeting, talk = results
    assert greeting.uncertain and greeting.confidence is not None and greeting.uncertainReason
    assert greeting.model_dump()["uncertainReason"] == greeting.uncertainReason
    silent = score_call(card, [], measure([], 10.0, STEREO)).sections[0].criterias
    assert all(c.result == "N/A" and c.confidence is None and not c.uncertain for c in silent)
    assert talk.result == "No" and talk.confidence == 1.0 and not talk.uncertain
