"""One Vozzo recording: its bucket as the outcome, the use case's questions answered as
a scorecard (question, Yes / No / Not clear, the evidence as a link that plays from its
moment), and the transcript with speakers and its low-confidence words marked.

Words the recogniser was unsure of (confidence below ``LOW_CONFIDENCE``) are shown
highlighted and dotted-underlined — colour and line together, never colour alone — so a
reviewer knows which words to check by ear. Every ``[MM:SS]`` plays from that moment
(``seekRequested``).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from voxdesk.domain import Call, TranscriptTurn
from voxdesk.domain.timeline import stamp
from voxdesk.ui.review.section_panel import SectionScorePanel
from voxdesk.ui.widgets.widgets import clear_layout, evidence_label, heading_label, text_label

#: Below this a word is marked as uncertain.
LOW_CONFIDENCE = 0.6
SEEK_SCHEME = "seek"
LOW_STYLE = "background-color: #ffe3a3; color: #000; text-decoration: underline dotted;"
LEGEND = "Highlighted, dotted words: the recogniser was unsure of them (check by ear)."
NO_TRANSCRIPT = "The transcript appears once the recording is transcribed."
SPEAKER_NAMES = {"agent": "Agent", "customer": "Customer", "speaker": "Speaker"}


def turn_html(turn: TranscriptTurn) -> str:
    """One turn as HTML: its time (a link that plays from it), speaker and words."""
    if turn.words:
        words = " ".join(
            f'<span style="{LOW_STYLE}" title="confidence {w.confidence:.0%}">'
            f"{html.escape(w.text)}</span>"
            if w.confidence is not None and w.confidence < LOW_CONFIDENCE
            else html.escape(w.text)
            for w in turn.words
        )
    else:
        words = html.escape(turn.text)
    speaker = SPEAKER_NAMES.get(turn.speaker.value, turn.speaker.value)
    return (
        f'<p><a href="{SEEK_SCHEME}:{turn.start}">{stamp(turn.start)}</a> '
        f"<b>{speaker}:</b> {words}</p>"
    )


def low_confidence_words(call: Call) -> list[str]:
    return [
        w.text
        for turn in call.transcript or ()
        for w in turn.words
        if w.confidence is not None and w.confidence < LOW_CONFIDENCE
    ]


class RecordingDetail(QWidget):
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vozzo-recording-detail")
        self.call: Call | None = None
        self._setup_ui()
        self.show_call(None)

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = heading_label("", self, scale=1.2)
        self.title.setObjectName("recording-title")
        layout.addWidget(self.title)
        self.outcome_heading = heading_label("Outcome (bucket)", self)
        layout.addWidget(self.outcome_heading)
        # Rebuilt for each recording: an evidence label's links are made from its text.
        self.outcome_box = QVBoxLayout()
        layout.addLayout(self.outcome_box)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.answers = SectionScorePanel(splitter)
        self.answers.seekRequested.connect(self.seekRequested)
        transcript_box = QWidget(splitter)
        box = QVBoxLayout(transcript_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(heading_label("Transcript", transcript_box))
        self.legend = QLabel(LEGEND, transcript_box)
        self.legend.setWordWrap(True)
        box.addWidget(self.legend)
        self.transcript = QTextBrowser(transcript_box)
        self.transcript.setObjectName("recording-transcript")
        self.transcript.setOpenLinks(False)
        self.transcript.anchorClicked.connect(self._anchor)
        box.addWidget(self.transcript)
        splitter.addWidget(self.answers)
        splitter.addWidget(transcript_box)
        lines = self.fontMetrics().height()
        splitter.setSizes([lines * 22, lines * 14])  # the answers first
        layout.addWidget(splitter, 1)

    def show_call(self, call: Call | None) -> None:
        self.call = call
        self.answers.show_call(call)
        clear_layout(self.outcome_box)
        if call is None:
            self.title.setText("Select a recording to see its answers.")
            self.transcript.clear()
            return
        self.title.setText(f"{call.udfs.get('file', call.id)} — {call.status.value}")
        analysis = call.analysis
        if analysis is not None and analysis.outcome_label:
            bucket = text_label(analysis.outcome_label, self, name="recording-bucket")
            font = bucket.font()
            font.setBold(True)
            bucket.setFont(font)
            self.outcome_box.addWidget(bucket)
            reason = analysis.outcome_rationale or ""
            self.outcome_box.addWidget(
                evidence_label(
                    reason, self.seekRequested.emit, self, name="recording-bucket-reason"
                )
            )
        else:
            text = "No bucket fits this recording." if analysis is not None else "Not analysed yet."
            self.outcome_box.addWidget(text_label(text, self, name="recording-bucket"))
        if call.transcript:
            self.transcript.setHtml("".join(turn_html(turn) for turn in call.transcript))
        else:
            self.transcript.setPlainText(
                "The transcript appears once the recording is transcribed."
            )

    def _anchor(self, url: QUrl) -> None:
        if url.scheme() == SEEK_SCHEME:
            self.seekRequested.emit(float(url.path()))
