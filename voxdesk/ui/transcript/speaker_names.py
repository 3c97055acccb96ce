"""The dialog that names a call's speakers (Agent, Customer…) for the transcript."""

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
