"""The entry point the server's pipeline calls: one recording in, one analysis out.

``analyze_recording`` runs in a worker process of the server's process pool, so it is
a plain top-level function of picklable arguments, and everything slow to load (the
speech model, the pronunciation dictionary) is loaded once per process on first use.
Every field of the result is derived from the audio; nothing is made up.
"""

from __future__ import annotations

from pathlib import Path

from voxdesk.server.analysis import asr
from voxdesk.server.analysis.audio import DecodeError, decode_channels
from voxdesk.server.analysis.extract import extract
from voxdesk.server.analysis.lexicon import PronunciationError, phrase_words, pronounce_phrases
from voxdesk.server.analysis.metrics import measure
from voxdesk.server.analysis.result import AnalysisOutput
from voxdesk.server.analysis.scoring import score_call
from voxdesk.server.analysis.summary import improvements, observe, summarise
from voxdesk.server.analysis.transcript import channel_speakers, transcribe
from voxdesk.server.scorecard import Scorecard


class AnalysisError(Exception):
    """The recording cannot be analysed; the message is a plain-words reason for users."""


def analyze_recording(path: Path, scorecard: Scorecard) -> AnalysisOutput:
    """Transcribe, measure and score the recording at ``path`` against ``scorecard``.

    Raises ``AnalysisError`` when the file cannot be decoded as audio.
    """
    try:
        audio = decode_channels(Path(path))
    except DecodeError as exc:
        raise AnalysisError(f"The recording could not be decoded: {exc}.") from exc
    try:
        words = pronounce_phrases(scorecard.phrases())
    except PronunciationError as exc:
        raise AnalysisError(f"The scorecard {scorecard.id} cannot be used: {exc}.") from exc
    asr.prepare(
        (p for p in words.values() if p.guessed),
        (
            (tuple(words[w] for w in phrase_words(phrase)), asr.PHRASE_WEIGHT)
            for phrase in scorecard.phrases()
        ),
        narrowband=audio.narrowband,
    )
    turns = transcribe(audio, scorecard.agent_channel)
    speakers = channel_speakers(len(audio.channels), scorecard.agent_channel)
    metrics = measure(turns, audio.duration, speakers)
    scored = score_call(scorecard, turns, metrics)
    return AnalysisOutput(
        duration=round(audio.duration, 2),
        score=scored.score,
        outcomeLabel=scored.outcome_label,
        outcomeRationale=scored.outcome_rationale,
        summary=summarise(turns, metrics, scored),
        callObservations=observe(metrics),
        areasForImprovement=improvements(scored),
        extractions=extract(turns),
        sections=scored.sections,
        transcript=turns,
        metrics={**metrics.as_dict(), "channels": len(audio.channels)},
    )
