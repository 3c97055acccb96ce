"""The player bar's look: the play button shows what a click will do, and in a dark
palette its icons and sliders stand out from the background (measured on grabbed
images, as contrast ratios)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QStyle, QWidget

from voxdesk.ui.playback.player_bar import PlayerBar
from voxdesk.ui.theme import dark_palette

#: WCAG's minimum for the parts of a control one must see to use it.
NON_TEXT_CONTRAST = 3.0


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _pixels(image: QImage) -> list[QColor]:
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]


@pytest.fixture
def bar(qtbot) -> PlayerBar:
    bar = PlayerBar()
    qtbot.addWidget(bar)
    bar.resize(900, 80)
    bar.set_enabled(True)
    bar.set_duration(60.0)
    bar.set_position(0.0)
    bar.show()
    return bar


def _icon_image(widget: QWidget) -> QImage:
    return widget.icon().pixmap(16, 16).toImage()


def test_the_play_button_shows_pause_while_playing(bar: PlayerBar) -> None:
    paused = _icon_image(bar.play_button)
    bar.set_playing(True)
    playing = _icon_image(bar.play_button)
    assert playing != paused
    pause = bar.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause).pixmap(16, 16)
    # Same shape as the style's pause icon (only its colour follows the palette).
    alpha = [c.alpha() for c in _pixels(playing)]
    assert alpha == [c.alpha() for c in _pixels(pause.toImage())]
    assert bar.play_button.toolTip().startswith("Pause")
    bar.set_playing(False)
    assert _icon_image(bar.play_button) == paused


def test_in_the_dark_palette_the_mute_icon_and_the_seek_slider_stand_out(
    bar: PlayerBar, qtbot
) -> None:
    bar.setPalette(dark_palette())
    qtbot.wait(10)
    background = bar.palette().color(QPalette.ColorRole.Window)

    mute = bar.mute_button.grab().toImage()
    icon_contrast = max(contrast(c, background) for c in _pixels(mute))
    assert icon_contrast >= NON_TEXT_CONTRAST, f"mute icon {icon_contrast:.2f}:1"

    # The groove's middle, away from the handle (at 0 s) and the filled part.
    area = bar.grab(bar.slider.geometry()).toImage()
    groove = area.pixelColor(area.width() // 2, area.height() // 2)
    assert contrast(groove, background) >= NON_TEXT_CONTRAST, f"groove {groove.name()}"
    handle = max(contrast(c, background) for c in _pixels(area.copy(0, 0, 20, area.height())))
    assert handle >= NON_TEXT_CONTRAST
