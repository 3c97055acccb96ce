"""Constants and helpers the voice-bot server tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from voxdesk.server.core.storage import Storage
from voxdesk.server.core.store import CoreStore
from voxdesk.server.platforms.voicecalls.demo import seed_demo
from voxdesk.server.platforms.voicecalls.platform import CORE_DB_FILE

READER = "reader-token-0123456789"
DOWNLOADER = "downloader-token-0123456789"
SCOPED_ARGS = [
    "--scoped-token", f"{READER}=voice:read",
    "--scoped-token", f"{DOWNLOADER}=audio:download",
]  # fmt: skip
CALLS = "/api/v1/voice-calls"


def seed_data_dir(data: Path) -> int:
    store = CoreStore(data / CORE_DB_FILE)
    try:
        return seed_demo(store, Storage(data / "storage", data / "tmp"))
    finally:
        store.close()


def list_all(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    """Every call matching ``params``, following the pages."""
    calls: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get(CALLS, params={**params, "page": page, "pageSize": 7}).json()
        calls += body["data"]
        if page * 7 >= body["total"]:
            return calls
        page += 1
