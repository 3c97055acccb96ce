"""The use-case editor: a name, a description, tags, the Yes/No questions (one a row)
and the buckets a recording is sorted into (name and description a row).

It only edits a ``UsecaseDraft``; saving is the manager's job. Opened with ``open()``
(never ``exec()`` inside a coroutine); ``draftAccepted`` carries the draft.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.contracts import vozzo as wire
from voxdesk.providers.queries import UsecaseDraft

NEW_QUESTION = "New question (Yes/No)"
NEW_BUCKET = "New bucket"


def draft_of(usecase: wire.Usecase) -> UsecaseDraft:
    config = usecase.analysis_config
    return UsecaseDraft(
        name=usecase.usecase_name,
        description=usecase.usecase_desc,
        tags=tuple(usecase.tags),
        questions=tuple(config.analysis_questions),
        buckets=tuple((b.objective_bucket_name, b.description) for b in config.analysis_buckets),
    )


def _row_buttons(parent: QWidget, name: str) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    row = QHBoxLayout()
    add = QPushButton("Add", parent)
    add.setObjectName(f"{name}-add")
    remove = QPushButton("Remove", parent)
    remove.setObjectName(f"{name}-remove")
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    return row, add, remove


class UseCaseEditor(QDialog):
    draftAccepted = Signal(object)

    def __init__(self, draft: UsecaseDraft | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usecase-editor")
        self.setWindowTitle("Edit use case" if draft else "New use case")
        self._setup_ui()
        self.set_draft(draft or UsecaseDraft(name=""))

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("usecase-name")
        self.description_edit = QLineEdit(self)
        self.description_edit.setObjectName("usecase-description")
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setObjectName("usecase-tags")
        self.tags_edit.setPlaceholderText("sales, quality")
        form.addRow("Name:", self.name_edit)
        form.addRow("Description:", self.description_edit)
        form.addRow("Tags:", self.tags_edit)
        layout.addLayout(form)

        layout.addWidget(QLabel("Questions (each answered Yes, No or Not clear):", self))
        self.questions = QListWidget(self)
        self.questions.setObjectName("usecase-questions")
        self.questions.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        layout.addWidget(self.questions)
        row, add, remove = _row_buttons(self, "question")
        add.clicked.connect(lambda: self.add_question(NEW_QUESTION, edit=True))
        remove.clicked.connect(lambda: self.questions.takeItem(self.questions.currentRow()))
        layout.addLayout(row)

        layout.addWidget(QLabel("Buckets (a recording goes to the one its description fits):"))
        self.buckets = QTableWidget(0, 2, self)
        self.buckets.setObjectName("usecase-buckets")
        self.buckets.setHorizontalHeaderLabels(["Bucket", "Description"])
        self.buckets.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buckets.verticalHeader().hide()
        layout.addWidget(self.buckets)
        row, add, remove = _row_buttons(self, "bucket")
        add.clicked.connect(lambda: self.add_bucket(NEW_BUCKET, ""))
        remove.clicked.connect(lambda: self.buckets.removeRow(self.buckets.currentRow()))
        layout.addLayout(row)

        self.problem = QLabel(self)
        self.problem.setObjectName("usecase-problem")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 90, self.fontMetrics().height() * 32)

    # --- the draft --------------------------------------------------------------------

    def set_draft(self, draft: UsecaseDraft) -> None:
        self.name_edit.setText(draft.name)
        self.description_edit.setText(draft.description)
        self.tags_edit.setText(", ".join(draft.tags))
        self.questions.clear()
        for question in draft.questions:
            self.add_question(question)
        self.buckets.setRowCount(0)
        for name, description in draft.buckets:
            self.add_bucket(name, description)

    def add_question(self, text: str, *, edit: bool = False) -> None:
        item = QListWidgetItem(text, self.questions)
        item.setFlags(item.flags() | item.flags().ItemIsEditable)
        if edit:
            self.questions.setCurrentItem(item)
            self.questions.editItem(item)

    def add_bucket(self, name: str, description: str) -> None:
        row = self.buckets.rowCount()
        self.buckets.insertRow(row)
        self.buckets.setItem(row, 0, QTableWidgetItem(name))
        self.buckets.setItem(row, 1, QTableWidgetItem(description))

    def draft(self) -> UsecaseDraft:
        questions = tuple(
            text
            for row in range(self.questions.count())
            if (text := self.questions.item(row).text().strip())
        )
        buckets = []
        for row in range(self.buckets.rowCount()):
            name = self.buckets.item(row, 0)
            description = self.buckets.item(row, 1)
            if name is not None and name.text().strip():
                buckets.append(
                    (name.text().strip(), description.text().strip() if description else "")
                )
        tags = tuple(t.strip() for t in self.tags_edit.text().split(",") if t.strip())
        return UsecaseDraft(
            name=self.name_edit.text().strip(),
            description=self.description_edit.text().strip(),
            tags=tags,
            questions=questions,
            buckets=tuple(buckets),
        )

    def problem_with(self, draft: UsecaseDraft) -> str | None:
        if not draft.name:
            return "A use case needs a name."
        if len({name.lower() for name, _ in draft.buckets}) != len(draft.buckets):
            return "Two buckets have the same name."
        return None

    def accept(self) -> None:
        draft = self.draft()
        problem = self.problem_with(draft)
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.draftAccepted.emit(draft)
        super().accept()
