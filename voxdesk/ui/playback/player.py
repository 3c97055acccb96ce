"""The audio player: a ``QObject`` facade over ``QMediaPlayer`` and ``QAudioOutput``.

It speaks seconds and plain words instead of milliseconds and Qt enums, and adds what a
transcriptionist's player has: skips, speed steps with pitch kept, a short rewind when
resuming, a looped span. It streams the URL it is given (QtMultimedia's FFmpeg backend
reads HTTP with Range requests), so playing starts before the file is downloaded.

Each recording gets its own ``QMediaPlayer`` (and output); the old one is deleted later
by the event loop. Stopping or re-sourcing a playing ``QMediaPlayer`` from Python joins
FFmpeg's worker threads while holding the GIL, and a worker that needs the GIL to
finish tearing down then deadlocks both (seen here in the test suite); a deferred
delete runs inside Qt's event loop, where the GIL is released.

One thing QtMultimedia does not report: when a seek makes FFmpeg open the URL again and
the server refuses it (an expired signature answers 403), the player just stops
advancing, still "playing", with no error. A watchdog notices a position that does not
move while playing and emits ``stalled``; the owner then fetches a fresh URL and calls
``replace_source``, which resumes at the same position.

Signed URLs are secrets until they expire, and Qt's FFmpeg backend logs the URL it
opens ("Input #0, wav, from 'http://…&signature=…'") to stderr, which ends up in
terminals, bug reports and journald. Its info and debug categories are switched off
before the first player exists (``quiet_media_logging``); its warnings, which name no
URL, still show.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QLoggingCategory, QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

#: Speed steps (Ctrl+↑/↓ move along them).
RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
#: Resuming after a pause starts this much earlier, to catch the words cut off.
REWIND_ON_RESUME = 2.0
#: Playing without the position moving for this long means the stream stopped.
STALL_SECONDS = 1.5
WATCHDOG_MS = 250

#: Qt's FFmpeg backend logs the opened URL (signature included) at info level. Measured
#: here: with these rules no ``signature=`` reaches fd 2 when playing or when refused;
#: QT_LOGGING_RULES / QT_FFMPEG_DEBUG set by hand for debugging still override them.
QUIET_MEDIA_LOGGING = "qt.multimedia.ffmpeg*.debug=false\nqt.multimedia.ffmpeg*.info=false"


def quiet_media_logging() -> None:
    """Keep recording URLs out of stderr (see ``QUIET_MEDIA_LOGGING``)."""
    QLoggingCategory.setFilterRules(QUIET_MEDIA_LOGGING)


_ERRORS = {
    QMediaPlayer.Error.FormatError: "voxdesk cannot play this recording: its format or "
    "codec is not supported.",
    QMediaPlayer.Error.NetworkError: "The recording could not be reached (network error).",
    QMediaPlayer.Error.AccessDeniedError: "The platform refused access to the recording.",
    QMediaPlayer.Error.ResourceError: "The recording could not be opened: it may have been "
    "removed, or its link is no longer valid.",
}


def error_text(error: QMediaPlayer.Error, detail: str) -> str:
    """A media error in plain words, with Qt's own detail where it adds something."""
    text = _ERRORS.get(error, "The recording could not be played.")
    return f"{text} ({detail})" if detail and detail.lower() not in text.lower() else text


class Player(QObject):
    """``load(url, position)``, then ``play``/``pause``/``seek``…; all times in seconds."""

    positionChanged = Signal(float)
    durationChanged = Signal(float)
    playingChanged = Signal(bool)
    rateChanged = Signal(float)
    volumeChanged = Signal(float)
    mutedChanged = Signal(bool)
    #: A plain-words media error (empty string: the error is over).
    errorChanged = Signal(str)
    #: Playing, but the stream stopped delivering (see the module docstring).
    stalled = Signal()
    #: The loop span changed: (start, end), or (-1, -1) when there is none.
    loopChanged = Signal(float, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        quiet_media_logging()  # before the backend opens anything
        self.output = QAudioOutput(self)
        self.media = QMediaPlayer(self)
        self.media.setAudioOutput(self.output)
        self.pitch_compensation = self._keep_pitch()
        self._connect()
        self.rewind_on_resume = True
        self.loop: tuple[float, float] | None = None
        self._pending_position: float | None = None
        self._paused_by_user = False
        self._last_position = 0.0
        self._last_progress = time.monotonic()
        self._stall_reported = False
        self._error = ""
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(WATCHDOG_MS)
        self._watchdog.timeout.connect(self._check_stall)

    def _fresh_media(self) -> None:
        """A new player and output for the next source; the old pair is deleted later
        (see the module docstring), keeping speed, volume and mute."""
        old_media, old_output = self.media, self.output
        rate, volume, muted = old_media.playbackRate(), old_output.volume(), old_output.isMuted()
        old_media.blockSignals(True)
        old_output.blockSignals(True)
        old_media.deleteLater()
        old_output.deleteLater()
        self._watchdog.stop()
        self.output = QAudioOutput(self)
        self.output.setVolume(volume)
        self.output.setMuted(muted)
        self.media = QMediaPlayer(self)
        self.media.setAudioOutput(self.output)
        self.media.setPlaybackRate(rate)
        self.pitch_compensation = self._keep_pitch()
        self._connect()
        self.playingChanged.emit(False)

    def _keep_pitch(self) -> bool:
        """Speed without chipmunk voices: Qt 6.10+ keeps the pitch where the backend can."""
        available = getattr(self.media, "pitchCompensationAvailability", None)
        if available is None:
            return False
        if available() == QMediaPlayer.PitchCompensationAvailability.Unavailable:
            return False
        self.media.setPitchCompensation(True)
        return bool(self.media.pitchCompensation())

    def _connect(self) -> None:
        media = self.media
        media.positionChanged.connect(self._position_changed)
        media.durationChanged.connect(lambda ms: self.durationChanged.emit(ms / 1000))
        media.playbackStateChanged.connect(self._state_changed)
        media.playbackRateChanged.connect(self.rateChanged.emit)
        media.mediaStatusChanged.connect(self._status_changed)
        media.errorOccurred.connect(self._error_occurred)
        self.output.volumeChanged.connect(self.volumeChanged.emit)
        self.output.mutedChanged.connect(self.mutedChanged.emit)

    # --- state -----------------------------------------------------------------------

    @property
    def source(self) -> str:
        return self.media.source().toString()

    @property
    def position(self) -> float:
        if self._pending_position is not None:
            return self._pending_position
        return self.media.position() / 1000

    @property
    def duration(self) -> float:
        return self.media.duration() / 1000

    @property
    def playing(self) -> bool:
        return self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    @property
    def rate(self) -> float:
        return self.media.playbackRate()

    @property
    def error(self) -> str:
        return self._error

    @property
    def unplayable(self) -> bool:
        """The source failed before it ever loaded (a format the backend cannot play, or
        a link refused from the start): there is nothing to play. A stream that stalls
        or fails mid-way has loaded, and may play again."""
        return self.media.error() != QMediaPlayer.Error.NoError and self.media.mediaStatus() in (
            QMediaPlayer.MediaStatus.NoMedia,
            QMediaPlayer.MediaStatus.LoadingMedia,
            QMediaPlayer.MediaStatus.InvalidMedia,
        )

    @property
    def error_may_be_the_url(self) -> bool:
        """Whether the current error could be an expired or revoked link (worth one
        fresh URL), rather than a recording that can never play (a codec)."""
        return self.media.error() in (
            QMediaPlayer.Error.ResourceError,
            QMediaPlayer.Error.NetworkError,
            QMediaPlayer.Error.AccessDeniedError,
        )

    # --- loading ---------------------------------------------------------------------

    def load(self, url: str, position: float = 0.0) -> None:
        """Open a recording (paused) at ``position``; nothing is downloaded up front."""
        self.clear_loop()
        self._paused_by_user = False
        self._set_error("")
        self._pending_position = position if position > 0 else None
        self._last_position = position
        self._fresh_media()
        self.media.setSource(QUrl(url))
        self.positionChanged.emit(position)

    def replace_source(self, url: str, position: float, playing: bool) -> None:
        """The same recording from a new URL (a refreshed signature): same position,
        same playing state, loop kept."""
        loop = self.loop
        self._set_error("")
        self._pending_position = position if position > 0 else None
        self._fresh_media()
        self.media.setSource(QUrl(url))
        self.loop = loop
        self._reset_watchdog()
        if playing:
            self.media.play()

    def unload(self) -> None:
        self.clear_loop()
        self._pending_position = None
        self._watchdog.stop()
        if not self.media.source().isEmpty():
            self._fresh_media()
        self._set_error("")

    # --- transport -------------------------------------------------------------------

    def play(self) -> None:
        if self.media.source().isEmpty() or self.playing:
            return
        if self._paused_by_user and self.rewind_on_resume:
            self.seek(self.position - REWIND_ON_RESUME)
        self._paused_by_user = False
        self.media.play()

    def play_from(self, seconds: float) -> None:
        """Play from ``seconds`` (a clicked turn or quoted moment): no rewind on resume,
        the reviewer chose the exact second."""
        self._paused_by_user = False
        self.seek(seconds)
        self.play()

    def pause(self) -> None:
        if self.playing:
            self._paused_by_user = True
            self.media.pause()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek(self, seconds: float) -> None:
        duration = self.duration
        seconds = max(0.0, min(seconds, duration) if duration > 0 else seconds)
        self._last_position = seconds
        self._reset_watchdog()
        if self._pending_position is not None or self.media.mediaStatus() in (
            QMediaPlayer.MediaStatus.LoadingMedia,
            QMediaPlayer.MediaStatus.NoMedia,
        ):
            # Not loaded yet: applied once it is (an earlier setPosition would be lost).
            self._pending_position = seconds
        else:
            self.media.setPosition(round(seconds * 1000))
        self.positionChanged.emit(seconds)

    def skip(self, seconds: float) -> None:
        self.seek(self.position + seconds)

    def set_rate(self, rate: float) -> None:
        self.media.setPlaybackRate(min(max(rate, RATES[0]), RATES[-1]))

    def faster(self) -> None:
        self.set_rate(next((r for r in RATES if r > self.rate + 1e-6), RATES[-1]))

    def slower(self) -> None:
        self.set_rate(next((r for r in reversed(RATES) if r < self.rate - 1e-6), RATES[0]))

    def set_volume(self, volume: float) -> None:
        self.output.setVolume(min(max(volume, 0.0), 1.0))

    def set_muted(self, muted: bool) -> None:
        self.output.setMuted(muted)

    def set_loop(self, start: float, end: float) -> None:
        """Play ``[start, end)`` over and over (a phrase heard again and again)."""
        if end - start < 0.2:
            return
        self.loop = (start, end)
        self.loopChanged.emit(start, end)
        if not start <= self.position < end:
            self.seek(start)

    def clear_loop(self) -> None:
        if self.loop is not None:
            self.loop = None
            self.loopChanged.emit(-1.0, -1.0)

    # --- QMediaPlayer's signals ------------------------------------------------------

    def _position_changed(self, ms: int) -> None:
        if self._pending_position is not None:
            return  # a position from before the pending seek
        seconds = ms / 1000
        if abs(seconds - self._last_position) > 1e-3:
            self._last_position = seconds
            self._last_progress = time.monotonic()
            self._stall_reported = False
        if self.loop is not None and seconds >= self.loop[1]:
            self.media.setPosition(round(self.loop[0] * 1000))
            return
        self.positionChanged.emit(seconds)

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia):
            if self._pending_position is not None:
                position, self._pending_position = self._pending_position, None
                self.media.setPosition(round(position * 1000))
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._paused_by_user = False
        elif status == QMediaPlayer.MediaStatus.InvalidMedia and not self._error:
            self._set_error(error_text(self.media.error(), self.media.errorString()))

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if playing:
            self._reset_watchdog()
            self._watchdog.start()
        else:
            self._watchdog.stop()
        self.playingChanged.emit(playing)

    def _error_occurred(self, error: QMediaPlayer.Error, detail: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self._set_error(error_text(error, detail))

    def _set_error(self, text: str) -> None:
        if text != self._error:
            self._error = text
            self.errorChanged.emit(text)

    # --- the stall watchdog ----------------------------------------------------------

    def _reset_watchdog(self) -> None:
        self._last_progress = time.monotonic()
        self._stall_reported = False

    def _check_stall(self) -> None:
        if not self.playing or self._stall_reported or self.media.source().isEmpty():
            return
        if self.media.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
            return
        if time.monotonic() - self._last_progress >= STALL_SECONDS:
            self._stall_reported = True
            self.stalled.emit()
