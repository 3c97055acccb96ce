"""The composition root: the one place that builds the app's parts and joins them.

``default_services`` opens nothing yet: it names the stores the app uses on this machine
(tests build their own ``AppServices``). ``build_window`` makes the presenters (list
state and model, browser, session, uploads, player and playback) from those services
and hands them to the ``MainWindow``, which lays out the widgets and wires their
signals to the presenters. Nothing else constructs a presenter.
"""

from __future__ import annotations

from voxdesk.services import paths
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import ConnectionStore, CredentialStore
from voxdesk.services.playback import PositionMemory
from voxdesk.ui import settings as keys
from voxdesk.ui.browse.call_browser import CallBrowser
from voxdesk.ui.browse.call_list_model import CallListModel
from voxdesk.ui.browse.call_list_state import CallListState
from voxdesk.ui.connections.session import Session
from voxdesk.ui.main_window.window import AppServices, MainWindow, Presenters
from voxdesk.ui.placing.placing_controller import CallPlacing
from voxdesk.ui.playback.playback_controller import PlaybackController
from voxdesk.ui.playback.player import Player
from voxdesk.ui.review.review_controller import ReviewController
from voxdesk.ui.settings import open_settings
from voxdesk.ui.upload.upload_controller import UploadController
from voxdesk.ui.voix.voix_controller import VoixController

CONNECTIONS_FILE = "connections.json"


def default_services() -> AppServices:
    return AppServices(
        catalog=CallCatalog(paths.catalog_path()),
        connections=ConnectionStore(paths.config_dir() / CONNECTIONS_FILE),
        credentials=CredentialStore(),
        settings=open_settings(),
    )


def build_presenters(services: AppServices) -> Presenters:
    """The window's presenters; the window adopts them (Qt parent) when it is built."""
    settings = services.settings
    state = CallListState(filter=keys.load_filter(settings), order=keys.load_order(settings))
    model = CallListModel(state)
    player = Player()
    session = Session(
        services.catalog,
        services.connections,
        services.credentials,
        server_dir=services.server_dir,
        server_factory=services.server_factory,
    )
    return Presenters(
        state=state,
        model=model,
        browser=CallBrowser(services.catalog, model),
        session=session,
        uploads=UploadController(services.uploads, timings=services.upload_timings),
        player=player,
        playback=PlaybackController(
            player, PositionMemory.from_json(keys.load_text(settings, keys.POSITIONS))
        ),
        voix=VoixController(
            services.voix_outbox,
            services.catalog,
            services.connections,
            session.token_for,
            server_dir=session.server_dir,
        ),
        review=ReviewController(services.reviews, services.catalog),
        placing=CallPlacing(services.outbound),
    )


def build_window(services: AppServices) -> MainWindow:
    """The main window over ``services`` (opened by the caller), not yet shown."""
    return MainWindow(services, build_presenters(services))
