"""Conversation measurements from the transcript: talk time, silences, overlaps.

Everything is measured on the turns (speech that produced words), so the numbers
agree with what the transcript shows. A silence is a gap during which nobody talks,
counted between the first and the last speech of the call; its definition and the
threshold of a notable one are the domain's (``voxdesk.domain.timeline``), shared with
the app's call map so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voxdesk.domain.timeline import notable_silences, silent_gaps
from voxdesk.server.analysis.result import TranscriptTurn

# Overlaps shorter than this are back-channel timing jitter, not talking over someone.
NOTABLE_OVERLAP_SECONDS = 0.3


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class CallMetrics:
    duration: float
    speakers: list[str]
    talk_time: dict[str, float]
    word_count: dict[str, int]
    silences: list[Span] = field(default_factory=list)
    longest_silence: Span | None = None
    overlaps: list[Span] = field(default_factory=list)

    @property
    def total_talk(self) -> float:
        return sum(self.talk_time.values())

    def talk_share(self, speaker: str) -> float:
        """Fraction of all talk time that ``speaker`` talked (0 when nobody talked)."""
        total = self.total_talk
        return self.talk_time.get(speaker, 0.0) / total if total else 0.0

    def words_per_minute(self, speaker: str) -> float | None:
        seconds = self.talk_time.get(speaker, 0.0)
        return self.word_count.get(speaker, 0) * 60.0 / seconds if seconds else None

    def as_dict(self) -> dict:
        """The ``metrics`` object of the analysis output."""
        return {
            "duration": round(self.duration, 2),
            "speakers": self.speakers,
            "talkTime": {s: round(t, 2) for s, t in self.talk_time.items()},
            "talkShare": {s: round(self.talk_share(s), 3) for s in self.talk_time},
            "wordsPerMinute": {
                s: None if (wpm := self.words_per_minute(s)) is None else round(wpm)
                for s in self.talk_time
            },
            "silences": [_span_dict(s) for s in self.silences],
            "longestSilence": _span_dict(self.longest_silence) if self.longest_silence else None,
            "overlaps": [_span_dict(s) for s in self.overlaps],
            "overlapTime": round(sum(s.duration for s in self.overlaps), 2),
        }


def measure(turns: list[TranscriptTurn], duration: float, speakers: list[str]) -> CallMetrics:
    """Measure the call; ``speakers`` are the speakers the recording can carry."""
    talk = {s: 0.0 for s in speakers}
    words = dict.fromkeys(speakers, 0)
    for turn in turns:
        talk[turn.speaker] = talk.get(turn.speaker, 0.0) + (turn.end - turn.start)
        words[turn.speaker] = words.get(turn.speaker, 0) + len(turn.words)
    spoken = [(turn.start, turn.end) for turn in turns]
    gaps = [Span(start, end) for start, end in silent_gaps(spoken)]
    longest = max(gaps, key=lambda s: s.duration, default=None)
    return CallMetrics(
        duration=duration,
        speakers=speakers,
        talk_time=talk,
        word_count=words,
        silences=[Span(start, end) for start, end in notable_silences(spoken)],
        longest_silence=longest,
        overlaps=[o for o in _overlaps(turns) if o.duration >= NOTABLE_OVERLAP_SECONDS],
    )


def _overlaps(turns: list[TranscriptTurn]) -> list[Span]:
    """Stretches during which turns of different speakers run at the same time."""
    spans: list[Span] = []
    ordered = sorted(turns, key=lambda t: t.start)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            if second.speaker != first.speaker:
                spans.append(Span(second.start, min(first.end, second.end)))
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _span_dict(span: Span) -> dict:
    return {
        "start": round(span.start, 2),
        "end": round(span.end, 2),
        "duration": round(span.duration, 2),
    }
