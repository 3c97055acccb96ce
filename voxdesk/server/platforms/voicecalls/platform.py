"""One running voice-bot platform: its store, tokens, URL signer and lifecycle.

Built by the app factory beside Voxxi's context and sharing its storage and signing
key; its calls live in the core store (``core.sqlite3`` in the server's data dir).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePosixPath

from voxdesk.contracts.voicecalls import RECORDING_URL_TTL_SECONDS
from voxdesk.server.config import ServerConfig
from voxdesk.server.core.store import CoreCall, CoreStore
from voxdesk.server.platforms.voicecalls.auth import TokenScopes
from voxdesk.server.platforms.voicecalls.bulk import insert_synthetic_calls
from voxdesk.server.platforms.voicecalls.demo import seed_demo
from voxdesk.server.platforms.voicecalls.ingest import Ingest
from voxdesk.server.platforms.voicecalls.sas import RecordingSigner
from voxdesk.server.startup_checks import check_library_not_lost
from voxdesk.server.storage import Storage
from voxdesk.server.urls import StorageUrls

log = logging.getLogger(__name__)

CORE_DB_FILE = "core.sqlite3"
#: Storage keys of this platform's own recordings (the demo's) start with this.
STORAGE_PREFIX = "voicecalls"


class VoiceCallsPlatform:
    def __init__(
        self,
        config: ServerConfig,
        token: str,
        storage: Storage,
        storage_urls: StorageUrls,
        signing_key: bytes,
    ) -> None:
        self.config = config
        self.storage = storage
        database = config.data_dir / CORE_DB_FILE
        check_library_not_lost(config.data_dir, database, (f"storage/{STORAGE_PREFIX}",))
        self.store = CoreStore(database)
        self.tokens = TokenScopes(token, config.scoped_tokens)
        # The contract's 15 minutes; --recording-url-ttl only ever shortens it.
        ttl = min(RECORDING_URL_TTL_SECONDS, config.recording_url_ttl_seconds or 10**9)
        self.signer = RecordingSigner(signing_key, config.base_url, ttl)
        self.ingest = Ingest(self.store, storage, storage_urls, config.max_upload_bytes)

    def recording_file_name(self, call: CoreCall) -> str:
        """``{id}{.ext}``: the name a recording URL carries, the extension the stored one's."""
        suffix = PurePosixPath(call.recording_key or "").suffix
        return f"{call.platform_id}{suffix}"

    async def start(self) -> None:
        if self.config.demo:
            await asyncio.to_thread(seed_demo, self.store, self.storage)
        if self.config.bulk_voice_calls:
            count = await asyncio.to_thread(
                insert_synthetic_calls, self.store, self.config.bulk_voice_calls
            )
            log.info("Inserted %d synthetic voice calls (no audio)", count)

    async def stop(self) -> None:
        await self.ingest.close()
        self.store.close()
