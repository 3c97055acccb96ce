"""Naming a call's speakers (Agent, Customer…) in the transcript: the dialog, and the
panel's side of it (a mixin of ``TranscriptPanel``, which owns the names and turns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Speaker
from voxdesk.ui.transcript.document import DEFAULT_SPEAKER_NAMES, SPEAKER_ROLES

#: The rename dialog is at least this many times as wide as its title (see _setup_ui).
TITLE_ROOM = 4


class SpeakerNamesDialog(QDialog):
    """Names for the call's speakers; an empty field means the default name."""

    def __init__(
        self,
        names: Mapping[Speaker, str],
        speakers: Sequence[Speaker],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields: dict[Speaker, QLineEdit] = {}
        self._setup_ui(names, speakers)

    def _setup_ui(self, names: Mapping[Speaker, str], speakers: Sequence[Speaker]) -> None:
        self.setWindowTitle("Rename speakers")
        self.setObjectName("transcript-rename-dialog")
        layout = QVBoxLayout(self)
        note = QLabel("Names shown in this call's transcript. Leave a field empty for the default.")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        for speaker in speakers:
            field = QLineEdit(names.get(speaker, DEFAULT_SPEAKER_NAMES[speaker]), self)
            field.setObjectName(f"speaker-name-{speaker.value}")
            field.setPlaceholderText(DEFAULT_SPEAKER_NAMES[speaker])
            form.addRow(f"{SPEAKER_ROLES[speaker]}:", field)
            self.fields[speaker] = field
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # A window manager centres the title (often bolder and larger) between an icon
        # and three buttons, so it needs their room on both sides: the form-sized
        # dialog showed "Rename spe…".
        title = self.fontMetrics().horizontalAdvance(self.windowTitle())
        self.setMinimumWidth(TITLE_ROOM * title)

    def names(self) -> dict[Speaker, str]:
        return {
            speaker: field.text().strip() or DEFAULT_SPEAKER_NAMES[speaker]
            for speaker, field in self.fields.items()
        }


class SpeakerNamesMixin:
    """The speaker names of ``TranscriptPanel``: set, remembered by the window, renamed."""

    @property
    def speaker_names(self) -> dict[Speaker, str]:
        return dict(self._names)

    def set_speaker_names(self, names: Mapping[Speaker, str]) -> None:
        """Rename speakers (those not given, or given blank, get their default name)."""
        merged = dict(DEFAULT_SPEAKER_NAMES)
        for key, name in names.items():
            try:
                speaker = Speaker(key)
            except ValueError:
                continue  # a stale or hand-edited setting
            if name and name.strip():
                merged[speaker] = name.strip()
        if merged == self._names:
            return
        self._names = merged
        if self._turns:
            self._render()

    def rename_speakers(self) -> SpeakerNamesDialog:
        """Open the rename dialog (non-modal: ``open``, never ``exec``)."""
        if self._rename_dialog is not None:
            self._rename_dialog.raise_()
            self._rename_dialog.activateWindow()
            return self._rename_dialog
        present = {turn.turn.speaker for turn in self._turns}
        speakers = [speaker for speaker in Speaker if speaker in present] or list(Speaker)
        dialog = SpeakerNamesDialog(self._names, speakers, self)
        dialog.accepted.connect(lambda: self._renamed(dialog.names()))
        dialog.finished.connect(self._rename_closed)
        self._rename_dialog = dialog
        dialog.open()
        return dialog

    def _rename_closed(self) -> None:
        if self._rename_dialog is not None:
            self._rename_dialog.deleteLater()
            self._rename_dialog = None

    def _renamed(self, names: dict[Speaker, str]) -> None:
        before = self.speaker_names
        self.set_speaker_names({**self._names, **names})
        if self._names != before:
            self.speakerNamesChanged.emit(self.speaker_names)
