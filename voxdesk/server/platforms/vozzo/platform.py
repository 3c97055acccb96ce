"""One running Vozzo platform: its database and organization, API key, upload signing,
and the two processing steps (transcription on core's pipeline, then the use-case
analysis), with their lifecycle.

Built by the app factory beside the other platforms, sharing the server's storage,
signing key and storage URLs (recordings stream, Range and all, from ``/storage/{key}``).
"""

from __future__ import annotations

import asyncio

from voxdesk.server.config import ServerConfig
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.pipeline import Pipeline
from voxdesk.server.core.private_files import private_dir
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.vozzo.auth import ApiKey
from voxdesk.server.platforms.vozzo.db import DB_FILE, VozzoDb
from voxdesk.server.platforms.vozzo.demo import seed_demo
from voxdesk.server.platforms.vozzo.processing import TranscriptionJobs, UsecaseAnalyser
from voxdesk.server.platforms.vozzo.recordings import RecordingStore
from voxdesk.server.platforms.vozzo.usecases import UsecaseStore

#: One transcription process: the other platforms' pools share the two cores.
TRANSCRIPTION_WORKERS = 1


class VozzoPlatform:
    def __init__(
        self,
        config: ServerConfig,
        token: str,
        storage: Storage,
        signer: UrlSigner,
        urls: StorageUrls,
    ) -> None:
        self.config = config
        self.storage = storage
        self.signer = signer
        self.urls = urls
        self.key = ApiKey(token)
        self.db = VozzoDb(config.data_dir / DB_FILE)
        self.org = self.db.org
        self.usecases = UsecaseStore(self.db)
        self.recordings = RecordingStore(self.db)
        self.analyser = UsecaseAnalyser(self.recordings, self.usecases)
        fetched_dir = config.data_dir / "vozzo-fetched"
        self.transcription = Pipeline(
            TranscriptionJobs(self.recordings, urls, fetched_dir, self.analyser.submit_threadsafe),
            urls,
            recordings_dir=fetched_dir,
            tmp_dir=private_dir(config.data_dir / "tmp"),
            workers=TRANSCRIPTION_WORKERS,
            fetch=FetchLimits.from_config(config),
        )

    async def start(self) -> None:
        await self.analyser.start()
        await self.transcription.start()
        if self.config.demo:
            seeded = await asyncio.to_thread(
                seed_demo, self.db, self.usecases, self.recordings, self.storage
            )
            for recording_uuid in seeded:
                self.transcription.submit(recording_uuid)

    async def stop(self) -> None:
        await self.transcription.stop()
        await self.analyser.stop()
        self.db.close()
