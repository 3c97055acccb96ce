"""One recording, one scorecard, one engine: one result, whatever the worker process
analysed before. The result cache (and the shipped demo cache) relies on it: a cached
result must be exactly what the engine would answer now."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.speech_cases import RULES_CARD
from tests.analysis.test_analysis_lexicon import write_card
from voxdesk.server.analysis.engine import analyze_recording
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.scorecard import parse_scorecard


def test_a_result_does_not_depend_on_what_the_process_analysed_before(
    speech_dir: Path, call_output: AnalysisOutput, tmp_path: Path
) -> None:
    # Another recording (its utterances move pocketsphinx's running cepstral mean) with a
    # scorecard whose invented name is taught to the decoder as a new word.
    named = parse_scorecard(write_card(tmp_path, "thank you for calling telcova"))
    analyze_recording(speech_dir / "mono.wav", named)

    again = analyze_recording(speech_dir / "call.wav", RULES_CARD)

    assert again.model_dump(mode="json") == call_output.model_dump(mode="json")
