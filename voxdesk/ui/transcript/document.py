"""A transcript as the panel displays it, without Qt: the pane's messages, the default
speaker names, and each turn's text with the offsets that map between Python indices,
Qt's UTF-16 positions and the turn's timed words. Kept Qt-free so it is tested directly."""

from __future__ import annotations

from voxdesk.domain import Speaker, TranscriptTurn
from voxdesk.ui.transcript.search import find_word

EMPTY_TEXT = "Select a call to see its transcript."
NO_TRANSCRIPT_TEXT = "This platform gives no transcript for this call."
NO_SPEECH_TEXT = "No speech was recognised in this recording."


def analysis_failed_text(reason: str | None) -> str:
    """What the pane says for a call whose analysis failed: why, in the platform's words."""
    if reason and reason.strip():
        return f"The analysis of this call failed, so there is no transcript.\n\n{reason.strip()}"
    return "The analysis of this call failed, so there is no transcript (no reason was given)."


DEFAULT_SPEAKER_NAMES: dict[Speaker, str] = {
    Speaker.AGENT: "Agent",
    Speaker.CUSTOMER: "Customer",
    Speaker.UNKNOWN: "Speaker",
}
#: What the rename dialog calls each role, whatever it is currently named.
SPEAKER_ROLES: dict[Speaker, str] = {
    Speaker.AGENT: "Agent",
    Speaker.CUSTOMER: "Customer",
    Speaker.UNKNOWN: "Unidentified speaker",
}

#: Between the speaker's name and the turn's time in a turn's first line.
HEADER_GAP = "   "
#: Qt's in-paragraph line break: the text starts on its own line in the same block, so
#: that one turn stays one block.
LINE_SEPARATOR = "\u2028"
#: Paragraph breaks inside call data become line breaks (same length, so character
#: offsets into the turn's text stay valid); a new block would break block == turn.
TEXT_BREAKS = str.maketrans({"\n": LINE_SEPARATOR, "\r": " ", "\u2029": LINE_SEPARATOR})
NAME_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\u2028": " ", "\u2029": " "})


def utf16_length(text: str) -> int:
    """Qt counts positions in UTF-16 units: characters beyond the BMP count twice."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class TurnText:
    """One turn as displayed: its text, where the text starts in the document, and (on
    first use) where each timed word is in the text."""

    __slots__ = ("_spans", "bmp", "doc_start", "text", "turn")

    def __init__(self, turn: TranscriptTurn) -> None:
        self.turn = turn
        # Platforms that give only word timings still get readable text.
        text = turn.text or " ".join(word.text for word in turn.words)
        self.text = text.translate(TEXT_BREAKS)
        self.bmp = self.text.isascii() or all(ord(char) <= 0xFFFF for char in self.text)
        self.doc_start = 0
        self._spans: list[tuple[int, int] | None] | None = None

    def to_qt(self, index: int) -> int:
        """A Python index into ``text`` as a Qt offset from the text's start."""
        return index if self.bmp else utf16_length(self.text[:index])

    def from_qt(self, offset: int) -> int:
        """A Qt offset from the text's start as a Python index into ``text``."""
        if self.bmp:
            return offset
        units = 0
        for index, char in enumerate(self.text):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > offset:
                return index
        return len(self.text)

    @property
    def word_spans(self) -> list[tuple[int, int] | None]:
        """Each word's ``[start, end)`` in ``text``, found in order; ``None`` for a word
        the text does not contain (platforms sometimes normalise one but not the other).
        Aligned lazily: only clicked or measured turns pay for it."""
        if self._spans is None:
            self._spans = []
            position = 0
            for word in self.turn.words:
                needle = word.text.strip()
                found = find_word(self.text, needle, position) if needle else None
                self._spans.append(found)
                if found is not None:
                    position = found[1]
        return self._spans

    def word_at(self, index: int) -> int | None:
        for number, span in enumerate(self.word_spans):
            if span is not None and span[0] <= index < span[1]:
                return number
        return None
