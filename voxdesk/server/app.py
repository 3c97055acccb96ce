"""The app factory: wires storage, database, signing and pipeline into a Starlette app.

Routes: Voxxi's ``/api/external/v1/...`` (bearer token; ``platforms.voxxi.routes``), the
voice-bot platform's ``/api/v1/voice-calls…`` (``platforms.voicecalls``) and
``/storage/{key}`` (signed URLs; ``core.storage_routes``). The pipeline starts with the
app's lifespan, resumes unfinished calls and, on a first start, seeds the demo library.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Router

from voxdesk.contracts.voxxi import API_PREFIX
from voxdesk.server.config import ServerConfig
from voxdesk.server.context import ServerContext
from voxdesk.server.core import storage_routes
from voxdesk.server.core.errors import install_error_handlers
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.private_files import private_dir
from voxdesk.server.core.result_cache import CACHE_FILE
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.startup_checks import DATABASE_FILE, check_library_not_lost
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.credentials import load_or_create_signing_key, load_or_create_token
from voxdesk.server.platforms.voicecalls import routes as voicecalls_routes
from voxdesk.server.platforms.voicecalls.platform import VoiceCallsPlatform
from voxdesk.server.platforms.voix import routes as voix_routes
from voxdesk.server.platforms.voix.platform import VoixPlatform
from voxdesk.server.platforms.voxpria import routes as voxpria_routes
from voxdesk.server.platforms.voxpria.platform import VoxpriaPlatform
from voxdesk.server.platforms.voxxi import routes as voxxi_routes
from voxdesk.server.platforms.voxxi.auth import BearerAuth
from voxdesk.server.platforms.voxxi.demo import seed_demo, shipped_cache_path
from voxdesk.server.platforms.voxxi.pipeline import Pipeline
from voxdesk.server.platforms.voxxi.store import Store
from voxdesk.server.platforms.vozzo import routes as vozzo_routes
from voxdesk.server.platforms.vozzo.platform import VozzoPlatform
from voxdesk.server.scorecard import Scorecard, load_scorecards

log = logging.getLogger(__name__)


def build_context(
    config: ServerConfig, scorecards: dict[str, Scorecard] | None = None
) -> ServerContext:
    data = private_dir(config.data_dir)
    tmp = private_dir(data / "tmp")
    if scorecards is None:
        scorecards = load_scorecards(config.scorecard_dirs)
    token = config.token or load_or_create_token(data).value
    signer = UrlSigner(load_or_create_signing_key(data))
    urls = StorageUrls(
        signer,
        config.base_url,
        upload_ttl=config.url_ttl_seconds,
        public_ttl=config.public_url_ttl_seconds,
        playback_ttl=config.recording_url_ttl_seconds,
    )
    database = data / DATABASE_FILE
    check_library_not_lost(data, database)
    store = Store(database)
    storage = Storage(data / "storage", tmp)
    pipeline = Pipeline(
        store,
        urls,
        scorecards,
        recordings_dir=data / "recordings",
        tmp_dir=tmp,
        workers=config.workers,
        fetch=FetchLimits.from_config(config),
        cache_db=data / CACHE_FILE,
        shipped_cache=shipped_cache_path(),
    )
    return ServerContext(config, token, store, storage, signer, urls, scorecards, pipeline)


def create_app(config: ServerConfig, scorecards: dict[str, Scorecard] | None = None) -> Starlette:
    """A ready-to-serve app; raises ``ScorecardError`` for a scorecard that does not load."""
    ctx = build_context(config, scorecards)
    voice_calls = VoiceCallsPlatform(
        config, ctx.token, ctx.storage, ctx.urls, load_or_create_signing_key(config.data_dir)
    )
    voxpria = VoxpriaPlatform(config, ctx.token, ctx.storage, ctx.urls)
    voix = VoixPlatform(config, ctx.token, voice_calls.store, ctx.storage, ctx.urls, ctx.scorecards)
    vozzo = VozzoPlatform(config, ctx.token, ctx.storage, ctx.signer, ctx.urls)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(ctx.storage.clear_tmp)
        await ctx.pipeline.start()
        if config.demo:
            await seed_demo(ctx)
        await voice_calls.start()
        await voxpria.start()
        await voix.start()
        await vozzo.start()
        try:
            yield
        finally:
            await vozzo.stop()
            await voix.stop()
            await voxpria.stop()
            await voice_calls.stop()
            await ctx.pipeline.stop()
            ctx.store.close()

    # No trailing-slash redirects: Starlette builds them from the request's Host header,
    # so an unauthenticated client could have the server redirect to a host it chose.
    api_router = Router(voxxi_routes.routes, redirect_slashes=False)
    app = Starlette(
        routes=[
            Mount(API_PREFIX, app=api_router, middleware=[Middleware(BearerAuth, token=ctx.token)]),
            *storage_routes.routes,
            # Before the voice-bot's /api/v1 mount, which would swallow /api/v1/calls.
            *voxpria_routes.routes(voxpria),
            *voicecalls_routes.routes(voice_calls),
            *voix_routes.routes(voix),
            *vozzo_routes.routes(vozzo),
        ],
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.ctx = ctx
    install_error_handlers(app)
    return app
