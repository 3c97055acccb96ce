"""A non-modal error banner with a Retry button.

Failures talking to a platform (offline, a refused token, a 5xx) must not block the
reviewer: the cached list stays usable, and the banner says what happened in the
provider's own words (``str(ProviderError)``) until a retry succeeds or it is closed.
The text can be selected, so a path it names (the local server's log) can be copied.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from voxdesk.ui.theme import BANNER


class ErrorBanner(QFrame):
    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup_ui()
        self.hide()

    def _setup_ui(self) -> None:
        self.setObjectName("error-banner")
        self.setStyleSheet(
            f"#error-banner {{ background-color: {BANNER.background.name()};"
            " border-radius: 0.3em; }"
            f"#error-banner QLabel {{ color: {BANNER.foreground.name()}; }}"
        )
        layout = QHBoxLayout(self)
        icon = QLabel(BANNER.symbol, self)
        layout.addWidget(icon)
        self.message = QLabel(self)
        self.message.setObjectName("error-banner-message")
        self.message.setWordWrap(True)
        # Selectable, so a path it names (the local server's log) can be copied.
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message, 1)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("error-banner-retry")
        self.retry_button.clicked.connect(self.retryRequested)
        layout.addWidget(self.retry_button)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        layout.addWidget(close)

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.show()

    def text(self) -> str:
        return self.message.text() if self.isVisible() else ""
