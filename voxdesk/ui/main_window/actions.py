"""Every action of the main window, registered in one place, and the menus that show them.

One table per menu says each action's text, keys and what it does, so a newcomer finds
every command (and its shortcut) here rather than spread through the window. The
window's slots stay on the window; this module only binds keys and menus to them.
Actions are window-wide (``WindowShortcut``) and added to the window, so the shortcuts
dialog lists them and the shortcut guard keeps them working whatever has focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from voxdesk.services import paths
from voxdesk.ui import settings as keys
from voxdesk.ui.main_window.about_dialog import AboutDialog
from voxdesk.ui.theme import Theme

if TYPE_CHECKING:
    from voxdesk.ui.main_window.window import MainWindow

Keys = str | QKeySequence | QKeySequence.StandardKey | None

#: Transcriptionist skips: (text, key, seconds).
SKIPS = (
    ("Back &5 s", "Ctrl+Left", -5.0),
    ("&Forward 5 s", "Ctrl+Right", 5.0),
    ("&Back 15 s", "Ctrl+Shift+Left", -15.0),
    ("F&orward 15 s", "Ctrl+Shift+Right", 15.0),
)


class WindowActions:
    """The window's actions by name (``window.window_actions.play_action`` …)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        w = window
        self.connections_action = self._add("&Connections…", None, w.open_connections)
        self.open_id_action = self._add("&Open call by ID…", "Ctrl+O", w.ask_call_id)
        self.refresh_action = self._add("&Refresh", "F5", w.refresh)
        # Esc ends a long sync (it keeps what was fetched); enabled only while one runs,
        # so Esc keeps its other uses (closing the transcript's find bar) otherwise.
        self.stop_sync_action = self._add("&Stop syncing", "Esc", w.browser.stop_refresh)
        self.stop_sync_action.setEnabled(False)
        self.upload_action = self._add("&Upload recordings…", "Ctrl+U", w.choose_recordings)
        # Offered only where the platform places calls (``MainWindow._offer_placing``).
        self.place_call_action = self._add("&Place call…", "Ctrl+N", w.place_call)
        self.place_call_action.setVisible(False)
        self.place_call_action.setEnabled(False)
        # VOIX: a phone system's call log (CSV), sent through the outbox.
        self.send_call_log_action = self._add("Send call &log…", None, w.choose_call_log)
        self.send_call_log_action.setEnabled(False)  # until a VOIX connection is in use
        self.uploads_view_action = w.upload_panel.toggleViewAction()
        self.uploads_view_action.setText("&Uploads")
        self.uploads_view_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        w.addAction(self.uploads_view_action)
        # Ctrl+Q (the README's) on every platform, and the platform's own quit keys too:
        # Windows and some platforms have none, so the standard key alone left Ctrl+Q dead.
        self.quit_action = self._add("&Quit", None, w.close)
        ctrl_q = QKeySequence("Ctrl+Q")
        platform_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcuts([ctrl_q, *(k for k in platform_keys if k != ctrl_q)])
        self.find_action = self._add("&Find", "Ctrl+F", w.find)
        self.copy_id_action = self._add("Copy call &ID", "Ctrl+L", w.detail.copy_call_id)
        more = w.call_list.more_button
        self.filters_action = self._add("Show &filters", None, more.toggle)
        self.filters_action.setCheckable(True)
        more.toggled.connect(self.filters_action.setChecked)
        self._add_player_actions()
        self._add_review_actions()
        self._setup_menus()

    def _add(self, text: str, shortcut: Keys, slot: Callable[..., object]) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def _add_player_actions(self) -> None:
        """Transcriptionist keys. Space belongs to text fields when they have focus: a
        line edit claims it (ShortcutOverride) before the window's shortcut sees it."""
        w, playback = self._window, self._window.playback
        self.play_action = self._add("&Play / pause", None, playback.toggle)
        self.play_action.setShortcuts([QKeySequence("Space"), QKeySequence("Ctrl+Space")])
        self.skip_actions = {
            seconds: self._add(text, key, lambda _=False, s=seconds: playback.skip(s))
            for text, key, seconds in SKIPS
        }
        self.faster_action = self._add("F&aster", "Ctrl+Up", w.player.faster)
        self.slower_action = self._add("&Slower", "Ctrl+Down", w.player.slower)
        self.evidence_action = self._add(
            "&Jump to failed criterion's evidence", "Ctrl+J", w.jump_to_failed_evidence
        )
        self.player_actions = [
            self.play_action,
            *self.skip_actions.values(),
            self.faster_action,
            self.slower_action,
            self.evidence_action,
        ]

    def _add_review_actions(self) -> None:
        w = self._window
        self.note_action = self._add("Add &note at playhead…", "Ctrl+M", w.ask_note)
        self.submit_next_action = self._add("&Submit and next", "Ctrl+Return", w.submit_and_next)
        self.next_unreviewed_action = self._add(
            "Next &unreviewed", "Ctrl+Shift+N", w.next_unreviewed
        )
        self.export_action = self._add("&Export…", "Ctrl+E", w.ask_export)
        self.review_actions = [
            self.note_action,
            self.submit_next_action,
            self.next_unreviewed_action,
        ]

    def _setup_menus(self) -> None:
        bar = self._window.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (
            self.connections_action,
            self.open_id_action,
            self.upload_action,
            self.place_call_action,
            self.send_call_log_action,
            self._window.usecase_desk.action,
            self.export_action,
            self.refresh_action,
            self.stop_sync_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.copy_id_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.filters_action)
        view_menu.addAction(self.uploads_view_action)
        self._setup_theme_menu(view_menu.addMenu("&Theme"))
        review_menu = bar.addMenu("&Review")
        for action in self.review_actions:
            review_menu.addAction(action)
        play_menu = bar.addMenu("&Playback")
        for action in self.player_actions:
            play_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._add(
            "&Keyboard shortcuts",
            QKeySequence.StandardKey.HelpContents,
            self._window.show_shortcuts,
        )
        help_menu.addAction(self.shortcuts_action)
        self.about_action = self._add("&About voxdesk", None, self.show_about)
        help_menu.addAction(self.about_action)

    def show_about(self) -> AboutDialog:
        session = self._window.session
        server = session.server
        folders = [
            ("Data", paths.data_dir()),
            ("Settings", paths.config_dir()),
            ("Local server data", session.server_dir),
        ]
        dialog = AboutDialog(server.base_url if server else None, folders, self._window)
        dialog.open()
        return dialog

    def _setup_theme_menu(self, menu: QMenu) -> None:
        """View ▸ Theme: System, Light or Dark, one checked; the choice is remembered."""
        w = self._window
        group = QActionGroup(w)
        self.theme_actions: dict[Theme, QAction] = {}
        for theme in Theme:
            action = menu.addAction(theme.label)
            action.setCheckable(True)
            action.setObjectName(f"theme-{theme.value}")
            action.triggered.connect(lambda _=False, t=theme: w.set_theme(t))
            group.addAction(action)
            self.theme_actions[theme] = action
        self.theme_actions[keys.load_theme(w.settings) or Theme.SYSTEM].setChecked(True)
