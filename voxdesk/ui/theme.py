"""Colours that carry meaning (scores, criterion results, the error banner), and the
window's theme (View ▸ Theme: System, Light or Dark).

Everything else comes from the palette: the platform's under "System", else voxdesk's
own light or dark one on the Fusion style. Meaningful colours are always drawn
as filled badges with their own text colour, so they read the same on a light and a
dark window, and they always come with a number, a word or a symbol: colour is never
the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from voxdesk.domain import CallStatus, CriterionResult, Disposition

GOOD_SCORE = 80.0
FAIR_SCORE = 60.0


@dataclass(frozen=True)
class Badge:
    """A filled pill: background, text colour, and the word or symbol it shows."""

    background: QColor
    foreground: QColor
    symbol: str = ""
    text: str = ""


_GREEN = QColor("#2e7d32")
_AMBER = QColor("#f0b400")
_RED = QColor("#c62828")
_GREY = QColor("#6b7280")
_BLUE = QColor("#1e63b8")
_WHITE = QColor("#ffffff")
_BLACK = QColor("#1a1a1a")


def score_badge(score: float | None) -> Badge:
    """Green from 80, amber from 60, red below; grey when there is no score yet."""
    if score is None:
        return Badge(_GREY, _WHITE, text="–")
    if score >= GOOD_SCORE:
        return Badge(_GREEN, _WHITE, text="good")
    if score >= FAIR_SCORE:
        return Badge(_AMBER, _BLACK, text="fair")
    return Badge(_RED, _WHITE, text="poor")


RESULT_BADGES = {
    CriterionResult.YES: Badge(_GREEN, _WHITE, "✔", "Yes"),
    CriterionResult.NO: Badge(_RED, _WHITE, "✘", "No"),
    CriterionResult.NOT_APPLICABLE: Badge(_GREY, _WHITE, "–", "N/A"),
    CriterionResult.NOT_CLEAR: Badge(_AMBER, _BLACK, "?", "Not clear"),
    CriterionResult.UNKNOWN: Badge(_AMBER, _BLACK, "?", "Unknown"),
}

#: Symbols from the Geometric Shapes block, which common UI fonts carry (the hourglass,
#: U+23F3, showed as an empty box); the call list draws its own icons instead.
STATUS_BADGES = {
    CallStatus.PENDING: Badge(_BLUE, _WHITE, "◔", "Pending"),
    CallStatus.PROCESSING: Badge(_BLUE, _WHITE, "◔", "Processing"),
    CallStatus.COMPLETED: Badge(_GREEN, _WHITE, "✔", "Completed"),
    CallStatus.FAILED: Badge(_RED, _WHITE, "✘", "Failed"),
}

#: How a call went (the voice-bot platform's state), in the same words as the list.
DISPOSITION_BADGES = {
    Disposition.QUEUED: Badge(_BLUE, _WHITE, "◔", "Queued"),
    Disposition.RINGING: Badge(_BLUE, _WHITE, "◔", "Ringing"),
    Disposition.IN_PROGRESS: Badge(_BLUE, _WHITE, "◔", "In progress"),
    Disposition.COMPLETED: Badge(_GREEN, _WHITE, "✔", "Completed"),
    Disposition.BUSY: Badge(_GREY, _WHITE, "✘", "Busy"),
    Disposition.NO_ANSWER: Badge(_GREY, _WHITE, "✘", "No answer"),
    Disposition.FAILED: Badge(_RED, _WHITE, "✘", "Failed"),
}

BANNER = Badge(QColor("#8a1c1c"), _WHITE, "⚠", "")
AUTO_FAIL = Badge(_RED, _WHITE, "!", "Auto-fail")


def badge_css(badge: Badge) -> str:
    """Style sheet for a QLabel drawn as a pill; padding in em so it scales with fonts."""
    return (
        f"background-color: {badge.background.name()}; color: {badge.foreground.name()};"
        " border-radius: 0.5em; padding: 0.1em 0.5em; font-weight: 600;"
    )


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (used where the platform gives none, and for
    the documentation screenshots)."""
    palette = QPalette()
    window, base, text = QColor(37, 37, 38), QColor(30, 30, 30), QColor(230, 230, 230)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(45, 45, 48),
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 50),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(150, 150, 150),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(50, 50, 52),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Light: QColor(70, 70, 72),
        QPalette.ColorRole.Midlight: QColor(60, 60, 62),
        QPalette.ColorRole.Mid: QColor(55, 55, 57),
        QPalette.ColorRole.Dark: QColor(20, 20, 20),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
        QPalette.ColorRole.Highlight: QColor(38, 110, 200),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Link: QColor(110, 170, 255),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))
    return palette


def error_color(palette: QPalette | None = None) -> QColor:
    """Red text that stays readable on the window's background, light or dark."""
    return QColor("#ff8a80") if is_dark(palette) else _RED


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: Styles that draw with the platform's own colours and ignore an application palette.
_PALETTE_BLIND_STYLES = {"windowsvista", "macos"}
_COLOR_SCHEMES = {
    Theme.SYSTEM: Qt.ColorScheme.Unknown,
    Theme.LIGHT: Qt.ColorScheme.Light,
    Theme.DARK: Qt.ColorScheme.Dark,
}


class _PlatformLook:
    """The style the app started with, so "System" can go back to it."""

    style: str | None = None


def light_palette() -> QPalette:
    fusion = QStyleFactory.create("Fusion")
    return fusion.standardPalette()


def apply_theme(theme: Theme) -> None:
    """Switch the whole application to ``theme``. "System" hands the colours back to the
    platform (and follows its light/dark setting again); Light and Dark set voxdesk's
    palette, on Fusion where the platform's style would ignore it."""
    app = QApplication.instance()
    if _PlatformLook.style is None:
        _PlatformLook.style = app.style().name()
    # Where the platform supports it, its own widgets and title bars follow too.
    app.styleHints().setColorScheme(_COLOR_SCHEMES[theme])
    if theme is Theme.SYSTEM:
        if app.style().name() != _PlatformLook.style:
            app.setStyle(_PlatformLook.style)
        app.setPalette(QPalette())  # an empty palette: the platform's colours
        return
    if app.style().name() in _PALETTE_BLIND_STYLES:
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme is Theme.DARK else light_palette())
