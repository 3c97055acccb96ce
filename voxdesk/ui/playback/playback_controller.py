"""The presenter between the selected call and the player: which recording is loaded,
from which URL, and where each call was left.

Showing a call loads its recording at the position the reviewer left it (paused: a
list scrolled with the arrow keys must not start talking). URLs that expire are
refreshed before the player would be refused — on load, on seek and on play — and,
when the player stalls or fails on a URL whose expiry was not known, once on demand;
playback then goes on at the same position, without a dialog. What cannot be fixed
that way is said in plain words in the player bar (``messageChanged``).

Task names: ``load`` (the selected call's URL), ``refresh`` (a fresh URL).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal

from voxdesk.domain import Call, Recording
from voxdesk.providers.errors import ProviderError
from voxdesk.services.call_words import no_recording_text
from voxdesk.services.calls import CallService
from voxdesk.services.playback import PlaybackService, PositionMemory
from voxdesk.services.tasks import NamedTasks
from voxdesk.ui.playback.player import Player

log = logging.getLogger("voxdesk.ui.playback")

NO_RECORDING = "This call has no recording to play."
#: A refresh that is followed by another failure this soon did not help: stop trying.
REFRESH_COOLDOWN = 10.0


class PlaybackController(QObject):
    #: Something went wrong with the recording, in plain words ("" clears it).
    messageChanged = Signal(str)
    #: Why there is nothing to play, when nothing is wrong (a call still ringing, one
    #: that never connected): shown in the same place, not in the error colour.
    noteChanged = Signal(str)
    #: The call whose recording is loaded (None: nothing is, or it cannot be played).
    callLoaded = Signal(object)

    def __init__(
        self, player: Player, positions: PositionMemory, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.positions = positions
        self.playback: PlaybackService | None = None
        self.call: Call | None = None
        self.recording: Recording | None = None
        #: When a failure last brought a fresh URL (ahead-of-time refreshes don't count).
        self._last_rescue = float("-inf")
        #: Where to go on once a fresh URL arrives (the latest seek wins).
        self._resume_at = 0.0
        self._tasks = NamedTasks()
        player.stalled.connect(self._stalled)
        player.errorChanged.connect(self._player_error)

    # --- what is loaded --------------------------------------------------------------

    def set_service(self, service: CallService | None) -> None:
        self.show_call(None)
        self.playback = PlaybackService(service) if service is not None else None

    def show_call(self, call: Call | None) -> None:
        """The selected call changed (or was re-read: then nothing is reloaded)."""
        if call is not None and self.call is not None and call.id == self.call.id:
            self.call = call
            if self.recording is None and (still := no_recording_text(call.disposition)):
                # Followed live: say why there is nothing yet as the call goes on.
                self.noteChanged.emit(still)
            if self.recording is not None or call.recording is None:
                return
        else:
            self.remember_position()
            self.call = call
        self._tasks.cancel("refresh")
        self.recording = None
        self.player.unload()
        if call is None or self.playback is None:
            self.messageChanged.emit("")
            self.callLoaded.emit(None)
            return
        # A call that never connected has nothing to play. Any other that came without a
        # URL may be on a platform that signs them on request (voice-bot, Vozzo, which
        # report no disposition): the provider is asked when loading, and says if none.
        missing = no_recording_text(call.disposition)
        if missing is not None:
            self.noteChanged.emit(missing)
            self.callLoaded.emit(None)
            return
        self.messageChanged.emit("")
        self._tasks.start("load", self._load(self.playback, call))

    async def _load(self, playback: PlaybackService, call: Call) -> None:
        try:
            recording = await playback.source(call)
        except ProviderError as exc:
            self.messageChanged.emit(f"The recording could not be opened: {exc}")
            return
        if recording is None:
            self.noteChanged.emit(NO_RECORDING)
            self.callLoaded.emit(None)
            return
        self.recording = recording
        self.player.load(recording.url, self.positions.get(call.id))
        self.callLoaded.emit(call)

    def remember_position(self) -> None:
        """Note where the loaded call is, so coming back to it resumes there."""
        if self.call is not None and self.recording is not None:
            self.positions.set(self.call.id, self.player.position)

    # --- transport that may need a fresh URL first -----------------------------------

    def play(self) -> None:
        if self._needs_fresh_url():
            self._refresh(self.player.position, playing=True)
        else:
            self.player.play()

    def toggle(self) -> None:
        self.player.pause() if self.player.playing else self.play()

    def seek(self, seconds: float) -> None:
        """Seek (a new Range request for the player): with a fresh URL if it expired."""
        self.player.seek(seconds)  # shown at once; a fresh source, if needed, follows
        if self._needs_fresh_url() or self._tasks.running("refresh"):
            self._refresh(seconds, playing=self.player.playing)

    def play_from(self, seconds: float) -> None:
        """A transcript turn or an evidence link was clicked: play from there."""
        if self._needs_fresh_url():
            self.player.seek(seconds)
            self._refresh(seconds, playing=True)
        else:
            self.player.play_from(seconds)

    def skip(self, seconds: float) -> None:
        self.seek(self.player.position + seconds)

    def _needs_fresh_url(self) -> bool:
        return (
            self.playback is not None
            and self.recording is not None
            and self.playback.expiring(self.recording)
        )

    # --- refreshing ------------------------------------------------------------------

    def _stalled(self) -> None:
        log.info("playback stalled at %.1f s; asking for a fresh URL", self.player.position)
        self._refresh_after_failure(
            "The recording stopped streaming and a fresh link did not help."
        )

    def _player_error(self, text: str) -> None:
        if text and not self.player.error_may_be_the_url:
            self._give_up(text)
        elif text:
            self._refresh_after_failure(text)
        elif self.call is not None:
            self.messageChanged.emit("")

    def _refresh_after_failure(self, text: str) -> None:
        """One fresh URL per failure, unless the last one was just tried: then say so."""
        if self.recording is None or self.playback is None:
            self._give_up(text)
            return
        if time.monotonic() - self._last_rescue < REFRESH_COOLDOWN:
            self._give_up(text)
            return
        self._last_rescue = time.monotonic()
        self._refresh(self.player.position, playing=True)

    def _give_up(self, text: str) -> None:
        """Say what went wrong; a source that never loaded (an unreadable file, a link
        refused from the start) leaves nothing to play, so the transport is switched
        off. A stream that stalled after loading may still play: it stays on."""
        self.messageChanged.emit(text)
        if self.player.unplayable:
            self.callLoaded.emit(None)

    def _refresh(self, position: float, *, playing: bool) -> None:
        call, playback = self.call, self.playback
        self._resume_at = position
        if call is not None and playback is not None and not self._tasks.running("refresh"):
            self._tasks.start("refresh", self._replace_source(playback, call, position, playing))

    async def _replace_source(
        self, playback: PlaybackService, call: Call, position: float, playing: bool
    ) -> None:
        try:
            recording = await playback.fresh(call)
        except ProviderError as exc:
            self.messageChanged.emit(
                f"The recording stopped loading, and a new link to it could not be obtained: {exc}"
            )
            return
        if recording is None or self.call is None or call.id != self.call.id:
            return
        self.recording = recording
        self.player.replace_source(recording.url, self._resume_at, playing)
        self.messageChanged.emit("")

    # --- lifetime --------------------------------------------------------------------

    def running_tasks(self) -> list[str]:
        return self._tasks.names()

    async def close(self) -> None:
        self.remember_position()
        self.player.unload()
        await self._tasks.close()
