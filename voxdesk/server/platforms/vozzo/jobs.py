"""What runs in Vozzo's worker processes: transcribing a recording, then analysing the
transcript for a use case.

Plain top-level functions of picklable arguments returning plain dicts (``{"error"}`` on
failure), because they cross a process boundary. Transcription is the offline engine's
(pocketsphinx, per channel: the agent on channel 0, the customer on 1, a mono recording's
turns one unattributed ``speaker``). The answers and the bucket come from the answering
engine (``analysis.usecase_answers``); talk time and the summary are measured here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voxdesk.server.analysis.audio import DecodeError, decode_channels
from voxdesk.server.analysis.timefmt import duration as spoken_duration
from voxdesk.server.analysis.timefmt import stamp
from voxdesk.server.analysis.transcript import transcribe
from voxdesk.server.analysis.usecase_answers import (
    AGENT,
    CUSTOMER,
    UNKNOWN,
    Bucket,
    QuestionHints,
    Turn,
    answer_questions,
    choose_bucket,
)

AGENT_CHANNEL = 0
QUOTE_WORDS = 14


def transcribe_recording(path: str) -> dict[str, Any]:
    """``{"duration", "transcript": [turn]}``, each turn the wire's (speaker, start, end,
    text, confidence — the mean of its words' — and its words), or ``{"error"}``."""
    try:
        audio = decode_channels(Path(path))
    except DecodeError as exc:
        return {"error": f"The recording could not be decoded: {exc}."}
    turns = []
    for turn in transcribe(audio, AGENT_CHANNEL):
        confidences = turn.confidences or [1.0] * len(turn.words)
        words = [
            {"word": text, "start": start, "end": end, "confidence": confidence}
            for (text, start, end), confidence in zip(turn.words, confidences, strict=True)
        ]
        mean = sum(confidences) / len(confidences) if confidences else 1.0
        turns.append(
            {
                "speaker": turn.speaker,
                "start": turn.start,
                "end": turn.end,
                "text": turn.text,
                "confidence": round(min(1.0, max(0.0, mean)), 3),
                "words": words,
            }
        )
    return {"duration": round(audio.duration, 2), "transcript": turns}


def speaker_talk(transcript: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each speaker's talk time (the sum of their turns) and share of all talk, in order
    of first turn."""
    seconds: dict[str, float] = {}
    for turn in transcript:
        seconds[turn["speaker"]] = seconds.get(turn["speaker"], 0.0) + max(
            0.0, turn["end"] - turn["start"]
        )
    total = sum(seconds.values())
    return [
        {
            "speaker": speaker,
            "talk_seconds": round(talk, 2),
            "talk_share": round(talk / total, 3) if total else 0.0,
        }
        for speaker, talk in seconds.items()
    ]


def _excerpt(turn: dict[str, Any]) -> str:
    words = turn["text"].split()
    text = " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")
    return f'{stamp(turn["start"])} {turn["speaker"]}: "{text}"'


def summarise(
    transcript: list[dict[str, Any]],
    duration: float,
    speakers: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    bucket: dict[str, Any] | None,
) -> str:
    """Extractive, as the other platforms' summaries (no language model offline): the
    measured facts, the outcome, the answers counted, and the opening and close quoted."""
    if not transcript:
        return f"A {spoken_duration(duration)} recording in which no speech was recognised."
    noun = "turn" if len(transcript) == 1 else "turns"
    parts = [f"A {spoken_duration(duration)} call with {len(transcript)} {noun}."]
    if len(speakers) > 1:
        shares = ", ".join(
            f"the {s['speaker']} {s['talk_share']:.0%} ({spoken_duration(s['talk_seconds'])})"
            for s in speakers
        )
        parts.append(f"Talk time: {shares}.")
    if bucket is not None and bucket.get("name"):
        parts.append(f"Bucket: {bucket['name']}.")
    if answers:
        counted = {value: sum(a["answer"] == value for a in answers) for value in ("Yes", "No")}
        unclear = len(answers) - counted["Yes"] - counted["No"]
        parts.append(
            f"Answers: {counted['Yes']} Yes, {counted['No']} No, {unclear} Not clear "
            f"of {len(answers)}."
        )
    parts.append(f"Opening: {_excerpt(transcript[0])}.")
    if len(transcript) > 1:
        parts.append(f"Close: {_excerpt(transcript[-1])}.")
    return " ".join(parts)


def _engine_turns(transcript: list[dict[str, Any]]) -> list[Turn]:
    """Wire turns as the answering engine's: word posteriors kept, one per word of the
    text it reads; the mono "speaker" read as unknown."""
    turns = []
    for turn in transcript:
        words = turn.get("words") or []
        turns.append(
            Turn(
                speaker=turn["speaker"] if turn["speaker"] in (AGENT, CUSTOMER) else UNKNOWN,
                start=turn["start"],
                end=turn["end"],
                text=" ".join(w["word"] for w in words) if words else turn["text"],
                confidences=tuple(w["confidence"] for w in words),
            )
        )
    return turns


def _hints(config: dict[str, Any]) -> dict[str, QuestionHints]:
    """``analysis_config.question_hints`` (a local extension): per question text,
    optional ``cues``, ``yes`` and ``no`` phrases."""
    raw = config.get("question_hints") or {}
    return {
        question: QuestionHints(
            cues=tuple(hint.get("cues") or ()),
            yes=tuple(hint.get("yes") or ()),
            no=tuple(hint.get("no") or ()),
        )
        for question, hint in raw.items()
        if isinstance(hint, dict)
    }


def analyse_transcript(
    transcript: list[dict[str, Any]], duration: float, config: dict[str, Any]
) -> dict[str, Any]:
    """``{"analytics", "bucket", "answers": [(question, answer)]}`` for a use case's
    ``analysis_config``: the engine's answers and bucket, talk time and the summary."""
    turns = _engine_turns(transcript)
    questions = [q for q in config.get("analysis_questions") or [] if isinstance(q, str)]
    buckets = [
        Bucket(name=b["objective_bucket_name"], description=b.get("description") or "")
        for b in config.get("analysis_buckets") or []
        if isinstance(b, dict) and b.get("objective_bucket_name")
    ]
    answers = [
        {
            "question": a.question,
            "answer": a.answer,
            "evidence": a.evidence or None,
            "timestamp": a.timestamp,
            "reason": a.reason,
            "confidence": round(min(1.0, max(0.0, a.confidence)), 3),
        }
        for a in answer_questions(turns, questions, _hints(config))
    ]
    bucket = None
    if buckets:
        choice = choose_bucket(turns, buckets)
        bucket = {
            "name": choice.name,
            "reason": choice.reason,
            "evidence": choice.evidence or None,
            "timestamp": choice.timestamp,
        }
    speakers = speaker_talk(transcript)
    analytics = {
        "answers": answers,
        "bucket": bucket,
        "speakers": speakers,
        "summary": summarise(transcript, duration, speakers, answers, bucket),
    }
    return {
        "analytics": analytics,
        "bucket": bucket["name"] if bucket else None,
        "answers": [(a["question"], a["answer"]) for a in answers],
    }
