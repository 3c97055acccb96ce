"""One running Voxpria platform: its store, API key, agents, telephony simulator and
analysis pool, with their lifecycle.

Built by the app factory beside the other platforms, sharing the server's storage and
storage URLs (recordings are served, Range and all, by ``/storage/{key}``); its calls
live in the core store (``core.sqlite3``). The agents load at construction, so a broken
agent file stops the server before it listens.
"""

from __future__ import annotations

from voxdesk.server.config import ServerConfig
from voxdesk.server.core.store import CoreStore
from voxdesk.server.platforms.voicecalls.platform import CORE_DB_FILE
from voxdesk.server.platforms.voxpria.agents import load_agents
from voxdesk.server.platforms.voxpria.auth import ApiKey
from voxdesk.server.platforms.voxpria.views import RECORDING_URL_TTL_SECONDS
from voxdesk.server.simulate.telephony import TelephonySimulator
from voxdesk.server.storage import Storage
from voxdesk.server.urls import StorageUrls
from voxdesk.server.worker import analyze_call
from voxdesk.server.worker_pool import AnalysisPool

#: One scoring process: simulated calls arrive a few at a time.
SCORING_WORKERS = 1


class VoxpriaPlatform:
    def __init__(
        self, config: ServerConfig, token: str, storage: Storage, urls: StorageUrls
    ) -> None:
        self.config = config
        self.storage = storage
        self.urls = urls
        self.key = ApiKey(token)
        self.agents = load_agents()
        self.recording_ttl = min(
            RECORDING_URL_TTL_SECONDS, config.recording_url_ttl_seconds or 10**9
        )
        self.store = CoreStore(config.data_dir / CORE_DB_FILE)
        self._analysis = AnalysisPool(SCORING_WORKERS, analyze_call)
        self.telephony = TelephonySimulator(
            self.store,
            storage,
            self.agents,
            self._analysis,
            lines=config.voxpria_lines,
            time_scale=config.call_time_scale,
        )

    async def start(self) -> None:
        self._analysis.start()
        await self.telephony.start()

    async def stop(self) -> None:
        await self.telephony.stop()
        self._analysis.stop()
        self.store.close()
