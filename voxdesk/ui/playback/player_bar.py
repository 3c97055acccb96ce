"""The player's controls: transport buttons, the seek slider with elapsed / total time,
speed, loop, rewind-on-resume, volume and a line for what went wrong.

The bar only shows state and says what the reviewer asked for (signals); the window
connects it to the ``Player`` and the ``PlaybackController``. The call map sits above
the slider (``map_slot``), so the strip and the slider share one time axis visually.

The style's media icons are drawn black and Fusion's slider groove and handle in shades
of the window colour: on a dark palette both all but vanish (contrast 1.3:1). The icons
are therefore tinted with the palette's button text colour, and on a dark palette the
sliders' button colour is lifted towards the text (groove 3.9:1), again whenever the
palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.services.formatting import format_duration
from voxdesk.ui.playback.player import RATES
from voxdesk.ui.theme import error_color, is_dark

#: The slider counts tenths of a second (an int range, long calls included).
SLIDER_STEPS_PER_SECOND = 10
SKIPS = (-15.0, -5.0, 5.0, 15.0)
SKIP_SHORTCUTS = {
    -15.0: "Ctrl+Shift+Left",
    -5.0: "Ctrl+Left",
    5.0: "Ctrl+Right",
    15.0: "Ctrl+Shift+Right",
}


#: On a dark palette, how far the sliders' groove and handle move from the button
#: colour towards the text colour (measured: groove contrast 1.3:1 → 3.9:1).
DARK_SLIDER_LIFT = 0.45


def rate_text(rate: float) -> str:
    return f"{rate:g}×"


def _mix(base: QColor, towards: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (towards.red() - base.red()) * amount),
        round(base.green() + (towards.green() - base.green()) * amount),
        round(base.blue() + (towards.blue() - base.blue()) * amount),
    )


def tinted_icon(icon: QIcon, palette: QPalette) -> QIcon:
    """``icon``'s shapes in the palette's button text colour (enabled and disabled)."""
    tinted = QIcon()
    groups = (
        (QIcon.Mode.Normal, QPalette.ColorGroup.Active),
        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
    )
    for size in icon.availableSizes() or [icon.actualSize(QSize(16, 16))]:
        for mode, group in groups:
            image = icon.pixmap(size).toImage()
            painter = QPainter(image)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(image.rect(), palette.color(group, QPalette.ColorRole.ButtonText))
            painter.end()
            tinted.addPixmap(QPixmap.fromImage(image), mode)
    return tinted


class PlayerBar(QWidget):
    playToggled = Signal()
    seekRequested = Signal(float)
    skipRequested = Signal(float)
    rateRequested = Signal(float)
    volumeRequested = Signal(float)
    muteToggled = Signal(bool)
    rewindOnResumeToggled = Signal(bool)
    #: The reviewer wants the current transcript turn looped (True) or no loop (False).
    loopToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("player-bar")
        self._duration = 0.0
        self._dragging = False
        #: Each icon button's current style icon, re-tinted when the palette changes.
        self._icons: dict[QToolButton, QStyle.StandardPixmap] = {}
        self._setup_ui()
        self._apply_palette()
        self.set_enabled(False)

    def _button(
        self, text: str, tip: str, name: str, icon: QStyle.StandardPixmap | None = None
    ) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        if icon is not None:
            # The style's icons: symbol glyphs (⏵⏸) are missing from many fonts.
            self._set_icon(button, icon)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setObjectName(name)
        button.setAutoRaise(True)
        # The player is driven from the keyboard by shortcuts; Tab stops on the slider.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
        self.map_slot = QVBoxLayout()
        layout.addLayout(self.map_slot)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("player-slider")
        self.slider.setAccessibleName("Position in the recording")
        self.slider.setPageStep(5 * SLIDER_STEPS_PER_SECOND)
        self.slider.setSingleStep(SLIDER_STEPS_PER_SECOND)
        self.slider.sliderPressed.connect(self._drag_started)
        self.slider.sliderReleased.connect(self._drag_ended)
        self.slider.actionTriggered.connect(self._slider_action)
        layout.addWidget(self.slider)

        row = QHBoxLayout()
        self.skip_buttons: dict[float, QToolButton] = {}
        for seconds in SKIPS[:2]:
            self._add_skip(row, seconds)
        self.play_button = self._button(
            "", "Play (Space or Ctrl+Space)", "player-play", QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.play_button.clicked.connect(self.playToggled.emit)
        row.addWidget(self.play_button)
        for seconds in SKIPS[2:]:
            self._add_skip(row, seconds)

        self.time_label = QLabel("0:00 / 0:00", self)
        self.time_label.setObjectName("player-time")
        row.addWidget(self.time_label)
        row.addSpacing(12)

        self.rate_box = QComboBox(self)
        self.rate_box.setObjectName("player-rate")
        self.rate_box.setToolTip("Speed, pitch kept (Ctrl+Up / Ctrl+Down)")
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATES:
            self.rate_box.addItem(rate_text(rate), rate)
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.rate_box.activated.connect(
            lambda index: self.rateRequested.emit(float(self.rate_box.itemData(index)))
        )
        row.addWidget(self.rate_box)

        self.loop_button = self._button(
            "Loop turn",
            "Play the current turn over and over",
            "",
            QStyle.StandardPixmap.SP_BrowserReload,
        )
        self.loop_button.setObjectName("player-loop")
        self.loop_button.setCheckable(True)
        self.loop_button.toggled.connect(self.loopToggled.emit)
        row.addWidget(self.loop_button)

        self.rewind_box = QCheckBox("Rewind 2 s on resume", self)
        self.rewind_box.setObjectName("player-rewind")
        self.rewind_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rewind_box.setChecked(True)
        self.rewind_box.toggled.connect(self.rewindOnResumeToggled.emit)
        row.addWidget(self.rewind_box)

        self.message = QLabel("", self)
        self.message.setObjectName("player-message")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)

        self.mute_button = self._button(
            "", "Mute", "player-mute", QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self.muteToggled.emit)
        row.addWidget(self.mute_button)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setObjectName("player-volume")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(self.fontMetrics().averageCharWidth() * 12)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(lambda value: self.volumeRequested.emit(value / 100))
        row.addWidget(self.volume)
        layout.addLayout(row)

    def _add_skip(self, row: QHBoxLayout, seconds: float) -> None:
        back = seconds < 0
        tip = f"{'Back' if back else 'Forward'} {abs(seconds):g} s ({SKIP_SHORTCUTS[seconds]})"
        icon = (
            QStyle.StandardPixmap.SP_MediaSeekBackward
            if back
            else QStyle.StandardPixmap.SP_MediaSeekForward
        )
        button = self._button(f"{abs(seconds):g}", tip, f"player-skip-{seconds:+g}", icon)
        if not back:
            button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # icon after the number
        button.clicked.connect(lambda: self.skipRequested.emit(seconds))
        self.skip_buttons[seconds] = button
        row.addWidget(button)

    # --- showing the player's state --------------------------------------------------

    def set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.slider,
            self.play_button,
            *self.skip_buttons.values(),
            self.rate_box,
            self.loop_button,
        ):
            widget.setEnabled(enabled)

    def set_position(self, seconds: float) -> None:
        if not self._dragging:
            self.slider.setValue(round(seconds * SLIDER_STEPS_PER_SECOND))
        self._show_time(seconds)

    def set_duration(self, seconds: float) -> None:
        self._duration = max(seconds, 0.0)
        self.slider.setRange(0, round(self._duration * SLIDER_STEPS_PER_SECOND))
        self._show_time(self.slider.value() / SLIDER_STEPS_PER_SECOND)

    def set_playing(self, playing: bool) -> None:
        self._set_icon(
            self.play_button,
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay,
        )
        self.play_button.setToolTip(f"{'Pause' if playing else 'Play'} (Space or Ctrl+Space)")

    def set_rate(self, rate: float) -> None:
        index = self.rate_box.findData(rate)
        if index < 0:
            self.rate_box.addItem(rate_text(rate), rate)
            index = self.rate_box.count() - 1
        self.rate_box.setCurrentIndex(index)

    def set_muted(self, muted: bool) -> None:
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if muted
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self._set_icon(self.mute_button, icon)
        self.mute_button.setToolTip("Unmute" if muted else "Mute")

    def set_volume(self, volume: float) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(round(volume * 100))
        self.volume.blockSignals(False)

    def set_looping(self, looping: bool) -> None:
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(looping)
        self.loop_button.blockSignals(False)

    def set_message(self, text: str) -> None:
        """What went wrong with the recording, in the error colour."""
        self.message.setStyleSheet(f"color: {error_color().name()};")
        self.message.setText(text)
        self.message.setToolTip(text)

    def set_note(self, text: str) -> None:
        """Why there is nothing to play when nothing is wrong, in the normal colour."""
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.message.setToolTip(text)

    def _show_time(self, seconds: float) -> None:
        total = format_duration(self._duration) if self._duration > 0 else "–:––"
        self.time_label.setText(f"{format_duration(seconds)} / {total}")

    # --- colours ---------------------------------------------------------------------

    def _set_icon(self, button: QToolButton, icon: QStyle.StandardPixmap) -> None:
        self._icons[button] = icon
        button.setIcon(tinted_icon(self.style().standardIcon(icon), self.palette()))

    def _apply_palette(self) -> None:
        for button, icon in self._icons.items():
            self._set_icon(button, icon)
        palette = self.palette()
        for slider in (self.slider, self.volume):
            lifted = QPalette(palette)
            if is_dark(palette):
                button = palette.color(QPalette.ColorRole.Button)
                text = palette.color(QPalette.ColorRole.ButtonText)
                lifted.setColor(QPalette.ColorRole.Button, _mix(button, text, DARK_SLIDER_LIFT))
            slider.setPalette(lifted)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._apply_palette()

    # --- the slider ------------------------------------------------------------------

    def _drag_started(self) -> None:
        self._dragging = True

    def _drag_ended(self) -> None:
        self._dragging = False
        self.seekRequested.emit(self.slider.value() / SLIDER_STEPS_PER_SECOND)

    def _slider_action(self, action: int) -> None:
        """Clicks on the groove and arrow / page keys (not a drag, handled on release)."""
        if action == QSlider.SliderAction.SliderMove.value or self._dragging:
            return
        self.seekRequested.emit(self.slider.sliderPosition() / SLIDER_STEPS_PER_SECOND)
