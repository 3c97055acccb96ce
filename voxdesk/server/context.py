"""The objects one running server shares between its routes, pipeline and seeding."""

from __future__ import annotations

from dataclasses import dataclass

from voxdesk.server.config import ServerConfig
from voxdesk.server.pipeline import Pipeline
from voxdesk.server.scorecard import Scorecard
from voxdesk.server.signing import UrlSigner
from voxdesk.server.storage import Storage
from voxdesk.server.store import Store
from voxdesk.server.urls import StorageUrls


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
