"""The objects one running server shares between its routes, pipeline and seeding."""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.config import ServerConfig
from voxdesk.server.core.pipeline import Pipeline
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.voxxi.store import Store
from voxdesk.server.scorecard import Scorecard


@dataclass(frozen=True)
class ServerContext:
    config: ServerConfig
    token: str
    store: Store
    storage: Storage
    signer: UrlSigner
    urls: StorageUrls
    scorecards: dict[str, Scorecard]
    pipeline: Pipeline
