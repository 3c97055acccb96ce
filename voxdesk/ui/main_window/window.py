"""The reviewer's main window: call list (left), call detail over the transcript
(centre), section scores (right), the player with its call map across the bottom, an
error banner above, the uploads dock and a status bar.

The window composes widgets and presenters and wires their signals; it does no
network or disk work itself. ``CallBrowser`` drives the list and detail, ``Session``
the connection (and the local child server), ``UploadController`` the upload queue,
``PlaybackController`` the player's source. Each owns its tasks; ``shutdown`` cancels
them and stops the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxdesk.domain import Call, CallStatus
from voxdesk.domain.timeline import failed_evidence
from voxdesk.services import paths
from voxdesk.services.call_words import never_connected
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import ConnectionStore, CredentialStore
from voxdesk.services.outbound import AttemptStore
from voxdesk.services.reviews import ReviewService, SqliteReviewStore
from voxdesk.services.uploads.flow import FlowTimings
from voxdesk.services.uploads.store import UploadStore
from voxdesk.services.voix_outbox import VoixOutbox
from voxdesk.ui import settings as keys
from voxdesk.ui.browse.call_browser import CallBrowser
from voxdesk.ui.browse.call_list import CallListPanel
from voxdesk.ui.browse.call_list_model import CallListModel
from voxdesk.ui.browse.call_list_state import CallListState
from voxdesk.ui.browse.columns import ANALYSIS, ListLayout
from voxdesk.ui.connections.session import ServerFactory, Session, default_server_factory
from voxdesk.ui.main_window.actions import WindowActions
from voxdesk.ui.main_window.dialogs import WindowDialogsMixin
from voxdesk.ui.main_window.export_desk import ExportDeskMixin
from voxdesk.ui.main_window.platform_offer import sends_to_voix, shows_surveys, upload_refusal
from voxdesk.ui.main_window.review_desk import ReviewDeskMixin
from voxdesk.ui.placing.placing_controller import CallPlacing
from voxdesk.ui.playback.call_map import CallMap
from voxdesk.ui.playback.playback_controller import PlaybackController
from voxdesk.ui.playback.player import Player
from voxdesk.ui.playback.player_bar import PlayerBar
from voxdesk.ui.review.call_detail import CallDetailView
from voxdesk.ui.review.review_controller import ReviewController
from voxdesk.ui.review.section_panel import SectionScorePanel
from voxdesk.ui.review.survey_panel import SurveyPanel
from voxdesk.ui.theme import Theme, apply_theme
from voxdesk.ui.transcript.document import analysis_failed_text
from voxdesk.ui.transcript.panel import TranscriptPanel
from voxdesk.ui.upload.upload_controller import UploadController
from voxdesk.ui.upload.upload_panel import UploadPanel
from voxdesk.ui.voix.voix_controller import VoixController
from voxdesk.ui.vozzo.launcher import UseCaseDeskLauncher
from voxdesk.ui.widgets.banner import ErrorBanner
from voxdesk.ui.widgets.drop_target import DropTarget
from voxdesk.ui.widgets.shortcut_guard import ShortcutGuard

STATUS_MESSAGE_MS = 6000
#: A recording this much longer or shorter than the call's stated length re-scales the map.
MAP_AXIS_SLACK = 0.5
TRANSCRIPT_NO_CALL = "Select a call to see its transcript."
TRANSCRIPT_PENDING = "The transcript appears here when the analysis finishes."


#: The first window takes this share of the screen (so it fits a 1280×720 or a scaled
#: screen, and uses a large one: three panes of text want the room), but no more than
#: this many lines and average characters of the user's font on a very large screen.
SCREEN_SHARE = 0.9
FIRST_RUN_MAX_CHARS, FIRST_RUN_MAX_LINES = 320, 72
#: Without a screen to measure (none known yet), the first window's size in characters.
FIRST_RUN_CHARS, FIRST_RUN_LINES = 200, 50
#: The most of the window's width the call list takes in the first layout.
LIST_SHARE = 0.45


def first_run_size(window: QWidget) -> QSize:
    metrics = window.fontMetrics()
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(
            FIRST_RUN_CHARS * metrics.averageCharWidth(), FIRST_RUN_LINES * metrics.height()
        )
    available = screen.availableGeometry().size()
    most = QSize(
        FIRST_RUN_MAX_CHARS * metrics.averageCharWidth(), FIRST_RUN_MAX_LINES * metrics.height()
    )
    return QSize(
        int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE)
    ).boundedTo(most)


@dataclass
class AppServices:
    """What the window needs from the outside world (tests pass their own)."""

    catalog: CallCatalog
    connections: ConnectionStore
    credentials: CredentialStore
    settings: QSettings
    #: The upload queue on disk; opened and closed by the caller, like the catalog.
    uploads: UploadStore = field(default_factory=UploadStore)
    #: The journal of placed calls (Voxpria), so none is dialled twice.
    outbound: AttemptStore = field(default_factory=AttemptStore)
    server_factory: ServerFactory = field(default=default_server_factory)
    server_dir: Path | None = None
    #: Polling and settling waits of uploads (tests shorten them).
    upload_timings: FlowTimings | None = None
    #: Calls sent to VOIX: their callIds and answered beats, on disk.
    voix_outbox: VoixOutbox = field(default_factory=VoixOutbox)
    #: The reviewer's reviews (SQLite per user; a shared store later).
    reviews: ReviewService = field(
        default_factory=lambda: ReviewService(SqliteReviewStore(paths.reviews_path()))
    )

    async def open(self) -> None:
        """Open the databases (each on its own thread) before the window is built."""
        await self.catalog.open()
        await self.uploads.open()
        await self.outbound.open()
        await self.voix_outbox.open()
        await self.reviews.open()

    async def close(self) -> None:
        """Close the databases after the window has shut down."""
        await self.voix_outbox.close()
        await self.reviews.close()
        await self.outbound.close()
        await self.uploads.close()
        await self.catalog.close()


@dataclass
class Presenters:
    """The Qt-free-ish logic behind the window's widgets, built by the composition root."""

    state: CallListState
    model: CallListModel
    browser: CallBrowser
    session: Session
    uploads: UploadController
    player: Player
    playback: PlaybackController
    voix: VoixController
    review: ReviewController
    placing: CallPlacing


class MainWindow(ReviewDeskMixin, ExportDeskMixin, WindowDialogsMixin, QMainWindow):
    """List, detail and sections of the active connection's calls."""

    closed = Signal()

    def __init__(self, services: AppServices, presenters: Presenters) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.state = presenters.state
        self.model = presenters.model
        self.browser = presenters.browser
        self.session = presenters.session
        self.uploads = presenters.uploads
        self.player = presenters.player
        self.playback = presenters.playback
        self.voix = presenters.voix
        self.review = presenters.review
        self.placing = presenters.placing
        # The window owns its presenters: they live and die with it.
        for presenter in (
            self.model,
            self.browser,
            self.session,
            self.uploads,
            self.player,
            self.playback,
            self.voix,
            self.review,
            self.placing,
        ):
            presenter.setParent(self)
        #: Which failed criterion Ctrl+J goes to next (it cycles through them).
        self._next_evidence = 0
        self._dialogs: list[QWidget] = []
        self._setup_ui()
        self._setup_actions()
        self._connect()
        self._restore()

    # --- construction ----------------------------------------------------------------

    def _setup_ui(self) -> None:
        self.setWindowTitle("voxdesk")
        self.resize(first_run_size(self))

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.banner = ErrorBanner(central)
        layout.addWidget(self.banner)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("main-splitter")
        self.call_list = CallListPanel(self.model, self.splitter)
        self.reading_splitter = QSplitter(Qt.Orientation.Vertical, self.splitter)
        self.reading_splitter.setObjectName("reading-splitter")
        self.detail = CallDetailView(self.reading_splitter)
        self.transcript = TranscriptPanel(self.reading_splitter)
        self.reading_splitter.setChildrenCollapsible(False)
        # Section scores (Voxxi) or the post-call survey (voice-bot): one pane, the
        # page the connected platform has (``platform_offer.shows_surveys``).
        # Under the verdict, the review pane (scores, outcome, notes, Submit).
        verdict_column = QWidget(self.splitter)
        column = QVBoxLayout(verdict_column)
        column.setContentsMargins(0, 0, 0, 0)
        self.verdict = QStackedWidget(verdict_column)
        self.verdict.setObjectName("verdict-pane")
        column.addWidget(self.verdict, 1)
        self._setup_review_pane(verdict_column, column)
        self.sections = SectionScorePanel(self.verdict)
        self.survey = SurveyPanel(self.verdict)
        self.verdict.addWidget(self.sections)
        self.verdict.addWidget(self.survey)
        # Extra width goes to the reading panes; the list keeps the width of its columns.
        for index, stretch in enumerate((1, 2, 2)):
            self.splitter.setStretchFactor(index, stretch)
        self._layout_pending = True
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        self.player_bar = PlayerBar(central)
        self.call_map = CallMap(self.player_bar)
        self.player_bar.map_slot.addWidget(self.call_map)
        layout.addWidget(self.player_bar)
        self.setCentralWidget(central)
        self.upload_panel = UploadPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.upload_panel)
        self.upload_panel.hide()  # until something is uploaded (or it was left open)
        self.drop_target = DropTarget(self)
        self.usecase_desk = UseCaseDeskLauncher(self.uploads, self)

        self.connection_label = QLabel("Not connected", self)
        self.connection_label.setObjectName("status-connection")
        self.counts_label = QLabel("", self)
        self.counts_label.setObjectName("status-counts")
        self.sync_label = QLabel("", self)
        self.sync_label.setObjectName("status-sync")
        self.statusBar().addPermanentWidget(self.sync_label)
        self.stop_sync_button = QToolButton(self)
        self.stop_sync_button.setObjectName("status-stop-sync")
        self.statusBar().addPermanentWidget(self.stop_sync_button)
        self.stop_sync_button.hide()
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.connection_label)
        self.call_list.set_filter(self.state.filter)
        self.call_list.set_order_indicator(self.state.order)

    def _setup_actions(self) -> None:
        self.window_actions = WindowActions(self)
        self.stop_sync_button.setDefaultAction(self.window_actions.stop_sync_action)
        # The window's keys work whatever has focus (the search box has it at launch).
        self.shortcut_guard = ShortcutGuard(self)

    def set_theme(self, theme: Theme) -> None:
        apply_theme(theme)
        keys.save_theme(self.settings, theme)
        self.window_actions.theme_actions[theme].setChecked(True)
        # Rich text (the evidence links) takes its colours when it is set: show it again.
        if self.browser.current_id is not None:
            self.browser.select(self.browser.current_id)

    def _connect(self) -> None:
        panel, browser, session = self.call_list, self.browser, self.session
        panel.filterChanged.connect(browser.set_filter)
        panel.currentCallChanged.connect(browser.select)
        panel.visibleRowsChanged.connect(lambda: browser.set_visible(panel.visible_call_ids()))
        browser.callShown.connect(self._show_call)
        browser.errorRaised.connect(self.banner.show_error)
        browser.errorCleared.connect(self.banner.hide)
        browser.countsChanged.connect(self._show_counts)
        browser.choicesChanged.connect(panel.set_choices)
        browser.selectRequested.connect(panel.select_call)
        browser.statusMessage.connect(self._status)
        browser.layoutChanged.connect(self._use_list_layout)
        browser.syncProgress.connect(self._show_sync)
        browser.refreshingChanged.connect(self.window_actions.stop_sync_action.setEnabled)
        # What the platform can do first: the browser's reload then fits its pane.
        session.serviceChanged.connect(self._offer_platform)
        session.serviceChanged.connect(browser.set_service)
        session.serviceChanged.connect(self.uploads.set_service)
        session.serviceChanged.connect(self.usecase_desk.set_service)  # after: uses its queue
        session.serviceChanged.connect(self.playback.set_service)
        session.serviceChanged.connect(self.placing.set_service)
        self.placing.availableChanged.connect(self._offer_placing)
        self.placing.callPlaced.connect(browser.open_call_id)
        session.connectionChanged.connect(self._show_connection)
        session.errorRaised.connect(self.banner.show_error)
        session.statusMessage.connect(self._status)
        self.banner.retryRequested.connect(self.retry)
        uploads = self.uploads
        self.drop_target.files_dropped.connect(self._files_dropped)
        self.drop_target.drop_refused.connect(self._status)
        uploads.metadataNeeded.connect(self.ask_upload_metadata)
        uploads.queueChanged.connect(self.upload_panel.set_queue)
        uploads.uploadsStarted.connect(self.show_uploads)
        uploads.statusMessage.connect(self._status)
        uploads.errorRaised.connect(self.banner.show_error)
        self._connect_voix()
        self.detail.callIdCopied.connect(lambda call_id: self._status(f"Copied {call_id}"))
        self._connect_player()
        self._connect_review()

    def _connect_voix(self) -> None:
        voix = self.voix
        self.session.serviceChanged.connect(voix.set_service)
        voix.detailsNeeded.connect(self.ask_voix_details)
        voix.runStarted.connect(self.show_voix_report)
        voix.statusMessage.connect(self._status)
        voix.errorRaised.connect(self.banner.show_error)

    def _files_dropped(self, paths: list[Path]) -> None:
        """Recordings for VOIX on a VOIX connection; for the upload queue otherwise."""
        if self.voix.active:
            self.voix.recordings_dropped(paths)
        else:
            self.uploads.prepare(paths)

    def _connect_player(self) -> None:
        player, bar, playback = self.player, self.player_bar, self.playback
        for view in (bar, self.transcript, self.call_map):
            player.positionChanged.connect(view.set_position)
        player.durationChanged.connect(self._show_duration)
        player.playingChanged.connect(bar.set_playing)
        player.rateChanged.connect(bar.set_rate)
        player.volumeChanged.connect(bar.set_volume)
        player.mutedChanged.connect(bar.set_muted)
        player.loopChanged.connect(lambda start, _end: bar.set_looping(start >= 0))
        playback.messageChanged.connect(bar.set_message)
        playback.noteChanged.connect(bar.set_note)
        playback.callLoaded.connect(lambda call: bar.set_enabled(call is not None))
        bar.playToggled.connect(playback.toggle)
        bar.seekRequested.connect(playback.seek)
        bar.skipRequested.connect(playback.skip)
        bar.rateRequested.connect(player.set_rate)
        bar.volumeRequested.connect(player.set_volume)
        bar.muteToggled.connect(player.set_muted)
        bar.rewindOnResumeToggled.connect(lambda on: setattr(player, "rewind_on_resume", on))
        bar.loopToggled.connect(self.loop_current_turn)
        # A clicked turn or quoted moment plays from there; the call map only moves.
        for source in (self.transcript, self.detail, self.sections):
            source.seekRequested.connect(playback.play_from)
        self.call_map.seekRequested.connect(playback.seek)
        self.transcript.speakerNamesChanged.connect(
            lambda names: keys.save_speaker_names(self.settings, names)
        )
        self.transcript.set_speaker_names(keys.load_speaker_names(self.settings))

    # --- persistence -----------------------------------------------------------------

    def _restore(self) -> None:
        if (theme := keys.load_theme(self.settings)) is not None:
            apply_theme(theme)
        if geometry := keys.load_bytes(self.settings, keys.GEOMETRY):
            self.restoreGeometry(geometry)
        if state := keys.load_bytes(self.settings, keys.WINDOW_STATE):
            self.restoreState(state)
        if reading := keys.load_bytes(self.settings, keys.READING_SPLITTER):
            self.reading_splitter.restoreState(reading)
        if splitter := keys.load_bytes(self.settings, keys.SPLITTER):
            self._layout_pending = not self.splitter.restoreState(splitter)
        if header := keys.load_bytes(self.settings, keys.HEADER):
            self.call_list.restore_header_state(header)
            self.call_list.set_order_indicator(self.state.order)

    def save_settings(self) -> None:
        keys.save_bytes(self.settings, keys.GEOMETRY, bytes(self.saveGeometry().data()))
        keys.save_bytes(self.settings, keys.WINDOW_STATE, bytes(self.saveState().data()))
        keys.save_bytes(self.settings, keys.SPLITTER, bytes(self.splitter.saveState().data()))
        keys.save_bytes(
            self.settings, keys.READING_SPLITTER, bytes(self.reading_splitter.saveState().data())
        )
        keys.save_bytes(self.settings, self._header_key(), self.call_list.header_state())
        keys.save_list(self.settings, self.state.filter, self.state.order)
        self.playback.remember_position()
        self.settings.setValue(keys.POSITIONS, self.playback.positions.to_json())
        self.settings.sync()

    # --- slots -----------------------------------------------------------------------

    def start(self) -> None:
        """Connect (starting the local server when needed); the window is already up."""
        self.session.start()

    def refresh(self) -> None:
        if self.session.connection is None:
            self.session.reconnect()
        else:
            self.browser.refresh()

    def retry(self) -> None:
        self.banner.hide()
        self.refresh()

    def _show_call(self, call: Call | None, agent: str | None, category: str | None) -> None:
        shown = self.playback.call
        changed = call is None or shown is None or shown.id != call.id
        self.detail.show_call(call, agent, category)
        self.sections.show_call(call)
        self.survey.show_call(call)
        self.review.show_call(call)
        if changed or (call is not None and call.transcript != shown.transcript):
            self._show_timeline(call)
        self.playback.show_call(call)

    def _show_timeline(self, call: Call | None) -> None:
        """The transcript and the call map of ``call`` (reset, as for a new call)."""
        self._next_evidence = 0
        if call is None:
            self.transcript.set_transcript(None, message=TRANSCRIPT_NO_CALL)
        elif call.transcript is None and not call.status.is_final:
            self.transcript.set_transcript(None, message=TRANSCRIPT_PENDING)
        elif call.transcript is None and call.status is CallStatus.FAILED:
            self.transcript.set_transcript(None, message=analysis_failed_text(call.error))
        elif call.transcript is None and (reason := never_connected(call.disposition)):
            self.transcript.set_transcript(
                None, message=f"This call never connected ({reason}), so nothing was said."
            )
        else:
            self.transcript.set_transcript(call.transcript)
        turns = call.transcript if call is not None else None
        pins = failed_evidence(call.analysis) if call is not None else []
        self.call_map.set_call(call.duration if call else None, turns, pins)
        self.player_bar.set_duration((call.duration or 0.0) if call else 0.0)
        self.player_bar.set_position(0.0)

    def _offer_platform(self, service: CallService | None) -> None:
        """Offer what the connected platform can do, and nothing it cannot."""
        provider = service.provider if service is not None else None
        refusal = upload_refusal(provider)
        upload = self.window_actions.upload_action
        upload.setVisible(refusal is None)
        upload.setEnabled(refusal is None)
        self.drop_target.refuse(None if sends_to_voix(provider) else refusal)
        self.window_actions.send_call_log_action.setEnabled(sends_to_voix(provider))
        self.verdict.setCurrentWidget(self.survey if shows_surveys(provider) else self.sections)

    def _offer_placing(self, available: bool) -> None:
        action = self.window_actions.place_call_action
        action.setVisible(available)
        action.setEnabled(available)

    def _header_key(self) -> str:
        """Where the list's column widths and order are kept: one entry per layout (the
        analysis layout's under the key it always had)."""
        name = self.model.list_layout.name
        return keys.HEADER if name == ANALYSIS.name else f"{keys.HEADER}-{name}"

    def _use_list_layout(self, layout: ListLayout) -> None:
        """Another platform's columns and filters, with the filter the browser reset."""
        keys.save_bytes(self.settings, self._header_key(), self.call_list.header_state())
        self.call_list.set_layout(layout)
        if header := keys.load_bytes(self.settings, self._header_key()):
            self.call_list.restore_header_state(header)
        else:
            self.call_list.fit_columns(self.call_list.width())
        self.call_list.set_filter(self.state.filter)
        self.call_list.set_order_indicator(self.state.order)

    def _show_sync(self, text: str) -> None:
        self.sync_label.setText(text)
        self.stop_sync_button.setVisible(bool(text))

    def _show_duration(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.player_bar.set_duration(seconds)
        # The map shares the slider's time axis: the recording's own length, where the
        # platform's call length differs (voice-bot: the call counts its ringing too).
        call = self.playback.call
        if call is not None and abs(self.call_map.duration - seconds) > MAP_AXIS_SLACK:
            position = self.player.position
            self.call_map.set_call(seconds, call.transcript, failed_evidence(call.analysis))
            self.call_map.set_position(position)

    def find(self) -> None:
        """Ctrl+F searches what has focus: the transcript when it does, else the list."""
        focus = self.focusWidget()
        if focus is not None and self.transcript.isAncestorOf(focus):
            self.transcript.start_search()
        else:
            self.call_list.focus_search()

    def loop_current_turn(self, loop: bool) -> None:
        turn = self.transcript.current_turn
        call = self.playback.call
        if not loop or turn is None or call is None or not call.transcript:
            self.player.clear_loop()
            self.player_bar.set_looping(False)
            if loop:
                self._status("Play the call to a turn first, then loop it.")
            return
        span = self.transcript.turn_span(turn)
        self.player.set_loop(*span)

    def jump_to_failed_evidence(self) -> None:
        """Ctrl+J: the first failed criterion's quoted moment; pressed again, the next."""
        call = self.playback.call
        pins = failed_evidence(call.analysis) if call is not None else []
        if not pins:
            self._status("No failed criterion in this call quotes a moment to jump to.")
            return
        pin = pins[self._next_evidence % len(pins)]
        self._next_evidence += 1
        self.playback.seek(pin.seconds)
        self._status(f"Failed: {pin.question}")

    def _show_counts(self, matching: int, known: int) -> None:
        noun = "call" if known == 1 else "calls"
        self.counts_label.setText(
            f"{known} {noun}" if matching == known else f"{matching} of {known} {noun} shown"
        )

    def _show_connection(self, name: str, description: str) -> None:
        if name:
            self.connection_label.setText(f"{name} — {description}")
            self.setWindowTitle(f"voxdesk — {name}")
        else:
            self.connection_label.setText("Not connected")
            self.setWindowTitle("voxdesk")

    def _status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MESSAGE_MS)

    def show_uploads(self) -> None:
        self.upload_panel.show()
        self.upload_panel.raise_()

    def default_layout(self) -> None:
        """The list as wide as its columns but at most ``LIST_SHARE`` of the width (it
        scrolls sideways; the reading panes cannot); the reading panes share the rest."""
        total = max(self.splitter.width(), sum(self.splitter.sizes()))
        listed = min(self.call_list.preferred_width, int(total * LIST_SHARE))
        rest = max(0, total - listed)
        self.splitter.setSizes([listed, rest // 2, rest - rest // 2])
        # The width the splitter gave (the panes' minimums can make it less than asked).
        self.call_list.fit_columns(self.splitter.sizes()[0])

    # --- lifetime --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._layout_pending:
            self._layout_pending = False
            self.default_layout()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.closed.emit()
        super().closeEvent(event)

    async def shutdown(self) -> None:
        """Cancel every task and stop the local server before the loop ends."""
        await self.browser.close()
        await self.playback.close()
        await self.close_review()
        await self.placing.close()
        # Before the session closes the provider the uploads are using.
        await self.usecase_desk.shutdown()
        await self.uploads.close()
        await self.voix.close()
        await self.session.close()
