"""The engine on real synthetic speech: every rule kind both ways, speakers, mono,
8 kHz input, outcomes, auto-fail and decode failures."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from tests.analysis.speech_cases import RULES_CARD, results
from voxdesk.server.analysis.engine import AnalysisError, analyze_recording
from voxdesk.server.analysis.metrics import measure
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.analysis.scoring import score_call
from voxdesk.server.scorecard import Scorecard

pytestmark = pytest.mark.slow
STAMP = re.compile(r"\[\d\d:\d\d\] ")


def test_said_yes_quotes_the_agent_with_a_timestamp(call_output: AnalysisOutput) -> None:
    result, rationale = results(call_output)["greeting"]
    assert result == "Yes"
    assert rationale.startswith("[00:0") and ' agent: "' in rationale


def test_said_no_states_what_was_missing(call_output: AnalysisOutput) -> None:
    assert results(call_output)["never-said"] == (
        "No",
        'No agent turn said "cancel my contract".',
    )


def test_within_seconds_limits_the_search(call_output: AnalysisOutput) -> None:
    late, rationale = results(call_output)["late-question"]
    assert late == "No" and "in the first 5 s" in rationale
    assert results(call_output)["question-in-time"][0] == "Yes"


def test_a_phrase_said_by_the_customer_does_not_count_for_the_agent(
    call_output: AnalysisOutput,
) -> None:
    assert results(call_output)["refund-by-agent"][0] == "No"
    result, rationale = results(call_output)["refund-by-customer"]
    assert result == "Yes" and "customer:" in rationale


def test_not_said_both_ways(call_output: AnalysisOutput) -> None:
    assert results(call_output)["no-guarantee"][0] == "Yes"
    result, rationale = results(call_output)["no-hold"]
    assert result == "No"
    assert STAMP.match(rationale) and "agent:" in rationale


def test_max_silence_both_ways_names_the_longest_silence(call_output: AnalysisOutput) -> None:
    strict, rationale = results(call_output)["silence-strict"]
    assert strict == "No"
    assert re.search(r"longest silence was (9|10)\.\d s, \[00:\d\d\]–\[00:\d\d\]", rationale)
    assert results(call_output)["silence-lenient"][0] == "Yes"


def test_max_talk_share_both_ways_gives_the_share(call_output: AnalysisOutput) -> None:
    assert results(call_output)["share-lenient"][0] == "Yes"
    strict, rationale = results(call_output)["share-strict"]
    assert strict == "No" and re.search(r"agent talked \d+% of the talk time", rationale)


def test_auto_fail_zeroes_the_score_and_says_why(call_output: AnalysisOutput) -> None:
    assert call_output.score == 0
    assert "auto-fail" in (call_output.outcomeRationale or "")
    no_hold = next(
        c for s in call_output.sections for c in s.criterias if c.criteriaId == "no-hold"
    )
    assert no_hold.autoFail


def test_section_scores_count_only_applicable_points(call_output: AnalysisOutput) -> None:
    metrics = next(s for s in call_output.sections if s.sectionId == "metrics")
    assert (metrics.score, metrics.totalScore) == (20, 40)


def test_first_matching_outcome_wins(call_output: AnalysisOutput) -> None:
    # Both "Asked" and "Greeted" hold; "Asked" is listed first.
    assert call_output.outcomeLabel == "Asked"
    assert "anything else" in (call_output.outcomeRationale or "")


def test_default_outcome_says_nothing_matched(call_output: AnalysisOutput) -> None:
    card = Scorecard.model_validate(
        {
            **RULES_CARD.model_dump(),
            "outcomes": [
                {"label": "Sold", "rule": {"said": ["sign me up"], "by": "customer"}},
                {"label": "Not sold"},
            ],
        }
    )
    speakers = ["agent", "customer"]
    metrics = measure(call_output.transcript, call_output.duration, speakers)
    scored = score_call(card, call_output.transcript, metrics)
    assert scored.outcome_label == "Not sold"
    assert 'No customer turn said "sign me up"' in scored.outcome_rationale


def test_transcript_is_attributed_timed_and_sorted(call_output: AnalysisOutput) -> None:
    turns = call_output.transcript
    assert {t.speaker for t in turns} == {"agent", "customer"}
    assert [t.start for t in turns] == sorted(t.start for t in turns)
    for turn in turns:
        assert turn.words and turn.start <= turn.words[0][1] + 0.2
        assert turn.end >= turn.words[-1][2] - 0.2
    assert 20 < call_output.duration < 30


def test_metrics_and_derived_fields(call_output: AnalysisOutput) -> None:
    metrics = call_output.metrics or {}
    assert metrics["channels"] == 2
    assert 9 <= metrics["longestSilence"]["duration"] <= 10.5
    assert metrics["talkTime"]["agent"] > 0 and metrics["talkTime"]["customer"] > 0
    assert call_output.summary and "Outcome: Asked" in call_output.summary
    assert any("silence" in o.lower() for o in call_output.callObservations or [])
    assert any("[00:" in a for a in call_output.areasForImprovement or [])


def test_spoken_phone_number_and_amount_are_extracted(call_output: AnalysisOutput) -> None:
    found = {(e["type"], e["value"]) for e in call_output.extractions or []}
    assert ("phone", "555-1234") in found
    assert ("amount", "$29") in found


def test_mono_falls_back_to_any_speaker_and_says_so(mono_output: AnalysisOutput) -> None:
    assert {t.speaker for t in mono_output.transcript} == {"speaker"}
    result, rationale = results(mono_output)["greeting"]
    assert result == "Yes" and "Mono recording" in rationale
    # The customer's "refund" now counts: nobody can tell who said it.
    assert results(mono_output)["refund-by-agent"][0] == "Yes"
    share, why = results(mono_output)["share-strict"]
    assert share == "N/A" and "Mono recording" in why


def test_narrowband_8khz_audio_is_resampled(speech_dir: Path) -> None:
    output = analyze_recording(speech_dir / "narrowband.wav", RULES_CARD)
    assert results(output)["greeting"][0] == "Yes"
    assert 2 < output.duration < 6


def test_silent_call_is_not_applicable(speech_dir: Path) -> None:
    output = analyze_recording(speech_dir / "silence.wav", RULES_CARD)
    assert output.transcript == []
    assert {r for r, _ in results(output).values()} == {"N/A"}
    assert output.score is None
    assert all(s.totalScore == 0 for s in output.sections)


def test_garbage_bytes_fail_with_a_plain_reason(tmp_path: Path) -> None:
    junk = tmp_path / "upload.ogg"
    junk.write_bytes(b"OggS" + bytes(range(256)) * 16)
    with pytest.raises(AnalysisError, match="could not be decoded: it is not an audio file"):
        analyze_recording(junk, RULES_CARD)


def test_missing_file_fails_with_a_plain_reason(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="file is missing"):
        analyze_recording(tmp_path / "gone.wav", RULES_CARD)


def test_entry_point_and_output_cross_process_boundaries(call_output: AnalysisOutput) -> None:
    assert pickle.loads(pickle.dumps(analyze_recording)) is analyze_recording
    assert pickle.loads(pickle.dumps(call_output)) == call_output
    assert pickle.loads(pickle.dumps(AnalysisError("x"))).args == ("x",)
