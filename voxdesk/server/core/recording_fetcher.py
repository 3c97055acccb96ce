"""Downloading a call's recording from the URL a client gave, for every platform that
fetches one (the Voxxi pipeline, VOIX's transcriber).

One of this server's own storage URLs is fetched through a fresh signed URL on this port
without the private-address guard (loopback is where it lives); any other URL goes
through the guarded client, which refuses private addresses unless allowed.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from voxdesk.server.core.fetch_guard import guarded_client, own_storage_client
from voxdesk.server.core.ingest import FetchLimits, fetch_recording
from voxdesk.server.core.urls import StorageUrls


class RecordingFetcher:
    """Owns the two HTTP clients between ``open`` and ``aclose``."""

    def __init__(self, urls: StorageUrls, limits: FetchLimits) -> None:
        self._urls = urls
        self._limits = limits
        self._public: httpx.AsyncClient | None = None
        self._own: httpx.AsyncClient | None = None

    def open(self) -> None:
        self._public = guarded_client(
            self._limits.timeout(), allow_private=self._limits.allow_private
        )
        self._own = own_storage_client(self._limits.timeout())

    async def aclose(self) -> None:
        clients, self._public, self._own = (self._public, self._own), None, None
        for client in clients:
            if client is not None:
                await client.aclose()

    async def fetch(self, url: str, recording: Path, tmp: Path) -> None:
        """``url`` into ``recording`` (through ``tmp``); raises ``IngestError``."""
        if self._public is None or self._own is None:
            raise RuntimeError("the recording fetcher is not open")
        own_url = self._urls.own_fetch_url(url)
        if own_url is not None:
            await fetch_recording(self._own, own_url, recording, tmp, self._limits)
        else:
            await fetch_recording(self._public, url, recording, tmp, self._limits)
