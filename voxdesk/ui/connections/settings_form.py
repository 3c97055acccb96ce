"""A platform's connection settings as a form, built from the settings model the
provider declares (``settings_fields``), so a new platform's fields appear in the
connections dialog without a line of dialog code.

Text fields for plain values, masked fields for secrets, a list for enumerated ones (a
VOIX key's kind), a members table for a team's members (``MembersEditor``), required
fields marked with an asterisk (and said so in their tooltip). Secrets are handed out
apart from the other values (``secrets``): they go to the keyring, never into the
connections file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from voxdesk.providers.settings import ConnectionSettings, SettingField, settings_fields
from voxdesk.ui.connections.members_editor import MembersEditor

REQUIRED_MARK = " *"
#: The settings field a team's members are kept in (a list, not a line of text).
MEMBERS_FIELD = "members"
TEAM_FIELD = "team_id"


def field_label(field: SettingField) -> str:
    return f"{field.title}{REQUIRED_MARK if field.required else ''}:"


class SettingsForm(QWidget):
    """One line edit per field of a ``ConnectionSettings`` model (a list for an
    enumerated field, a table for the members). ``problem`` says what an import of
    members could not read."""

    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: tuple[SettingField, ...] = ()
        self.edits: dict[str, QLineEdit] = {}
        self.choices: dict[str, QComboBox] = {}
        self.members_editor: MembersEditor | None = None
        self.labels: dict[str, QLabel] = {}
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def set_model(self, model: type[ConnectionSettings]) -> None:
        """Show ``model``'s fields; values typed into fields of the same name stay."""
        kept = {name: edit.text() for name, edit in self.edits.items()}
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self.fields = settings_fields(model)
        self.edits, self.labels, self.choices = {}, {}, {}
        self.members_editor = None
        for field in self.fields:
            if field.choices or field.name == MEMBERS_FIELD:
                self._add_special(field)
                continue
            edit = QLineEdit(self)
            edit.setObjectName(f"setting-{field.name}")
            if field.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            if field.type_name == "int":
                edit.setValidator(QIntValidator(edit))
            if field.default not in (None, ""):
                edit.setPlaceholderText(str(field.default))
            hint = field.description or ""
            if field.required:
                hint = f"{hint} Required.".strip()
            edit.setToolTip(hint)
            edit.setText(kept.get(field.name, ""))
            label = QLabel(field_label(field), self)
            label.setToolTip(hint)
            label.setBuddy(edit)
            self._layout.addRow(label, edit)
            self.edits[field.name] = edit
            self.labels[field.name] = label

    def _add_special(self, field: SettingField) -> None:
        """A list of an enumerated field's values, or the members table."""
        hint = field.description or ""
        widget: QWidget
        if field.name == MEMBERS_FIELD:
            team = self.edits.get(TEAM_FIELD)
            widget = self.members_editor = MembersEditor(
                lambda: (team.text().strip() or None) if team is not None else None,
                self.problem.emit,
                self,
            )
        else:
            box = QComboBox(self)
            for value in field.choices:
                box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(str(field.default))))
            self.choices[field.name] = widget = box
        widget.setObjectName(f"setting-{field.name}")
        widget.setToolTip(hint)
        label = QLabel(field_label(field), self)
        label.setToolTip(hint)
        label.setBuddy(widget)
        self._layout.addRow(label, widget)
        self.labels[field.name] = label

    # --- values ----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The plain (not secret) fields that were filled in, trimmed."""
        found: dict[str, Any] = {
            f.name: text
            for f in self.fields
            if f.name in self.edits and not f.secret and (text := self.edits[f.name].text().strip())
        }
        found.update({name: box.currentData() for name, box in self.choices.items()})
        if self.members_editor is not None and (members := self.members_editor.members()):
            found[MEMBERS_FIELD] = members
        return found

    def secrets(self) -> dict[str, str]:
        """The secret fields that were typed in (as typed: a token may hold spaces)."""
        return {
            f.name: text
            for f in self.fields
            if f.secret and f.name in self.edits and (text := self.edits[f.name].text())
        }

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the plain fields from ``values``; secret fields are emptied (they are
        never read back from the keyring into a form)."""
        for field in self.fields:
            value = None if field.secret else values.get(field.name)
            if field.name in self.choices:
                box = self.choices[field.name]
                box.setCurrentIndex(max(0, box.findData(str(value or field.default))))
            elif field.name == MEMBERS_FIELD and self.members_editor is not None:
                self.members_editor.set_members(value)
            else:
                self.edits[field.name].setText("" if value is None else str(value))

    def clear(self) -> None:
        self.set_values({})

    def set_secret_placeholder(self, text: str) -> None:
        for field in self.fields:
            if field.secret:
                self.edits[field.name].setPlaceholderText(text)

    def missing(self, *, secrets_required: bool) -> list[str]:
        """Titles of required fields left empty. A saved connection's secrets stay as
        they are when left empty, so they count only when ``secrets_required``."""
        filled = {**self.values(), **self.secrets()}
        return [
            f.title
            for f in self.fields
            if f.required and f.name not in filled and (secrets_required or not f.secret)
        ]
