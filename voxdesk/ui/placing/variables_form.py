"""The agent's script variables as form rows, generated from the variable list the
platform gives (``GET /api/v1/agents``): one line edit a variable, its description as
placeholder and tooltip, required ones marked with " *"."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from voxdesk.services.placing import AgentChoice
from voxdesk.ui.widgets.widgets import clear_layout

REQUIRED_MARK = " *"


class VariablesForm(QWidget):
    """``set_agent(agent)`` builds the rows; ``values()`` reads what was typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("variables-form")
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}

    def set_agent(self, agent: AgentChoice | None) -> None:
        kept = self.values()  # the same variable of another agent keeps its value
        clear_layout(self._layout)
        self.edits, self.labels = {}, {}
        if agent is None:
            return
        if not agent.variables:
            self._layout.addRow(QLabel("This agent's script has no variables.", self))
        # The required ones first: they are what must be filled in.
        ordered = sorted(agent.variables, key=lambda variable: not variable[1])
        for name, required, description in ordered:
            label = QLabel(f"{name}{REQUIRED_MARK if required else ''}:", self)
            edit = QLineEdit(kept.get(name, ""), self)
            edit.setObjectName(f"variable-{name}")
            hint = description or name
            edit.setPlaceholderText(hint if required else f"{hint} (optional)")
            edit.setToolTip(f"{hint}\n{'Required' if required else 'Optional'}")
            label.setBuddy(edit)
            self._layout.addRow(label, edit)
            self.edits[name], self.labels[name] = edit, label

    def values(self) -> dict[str, str]:
        """The variables given (blank ones left out: the agent's default applies)."""
        return {name: e.text().strip() for name, e in self.edits.items() if e.text().strip()}
