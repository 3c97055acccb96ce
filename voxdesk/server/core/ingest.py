"""Fetching a call's ``audio_url`` into the data directory.

Every call is ingested, even one whose URL points back at this server, so a call
never depends on a URL that may expire or move. The download is streamed to a
temporary file with a size cap, connect/read timeouts, a minimum transfer rate (a
server that sends one byte every few seconds never trips a read timeout) and an
overall deadline, and only an entire recording is moved into place.

Which hosts may be fetched at all is ``fetch_guard``'s job; a refused host gets the
same message as an unreachable one, so the error does not tell which ports are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from voxdesk.server.config import ServerConfig
from voxdesk.server.core.fetch_guard import RefusedUrl
from voxdesk.server.core.private_files import make_private_dirs, open_private

PREFIX = "The recording could not be fetched"
PRIVATE_HINT = (
    " (this server fetches only from public addresses unless it runs with --allow-private-fetch)"
)


class IngestError(Exception):
    """The recording is unreachable or unusable; the message says why in plain words."""


@dataclass(frozen=True)
class FetchLimits:
    """How long and how slowly a download may run, and how large it may be."""

    max_bytes: int
    #: Connect and per-read timeout.
    timeout_seconds: float = 30.0
    #: The whole download, however fast it goes.
    deadline_seconds: float = 300.0
    #: Slower than this over a whole window and the download is abandoned.
    min_bytes_per_second: int = 4096
    rate_window_seconds: float = 30.0
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: ServerConfig) -> FetchLimits:
        """The server's configured limits, the same for every platform that fetches."""
        return cls(
            max_bytes=config.max_upload_bytes,
            timeout_seconds=config.fetch_timeout_seconds,
            deadline_seconds=config.fetch_deadline_seconds,
            min_bytes_per_second=config.fetch_min_bytes_per_second,
            rate_window_seconds=config.fetch_rate_window_seconds,
            allow_private=config.allow_private_fetch,
        )

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_seconds, connect=min(10.0, self.timeout_seconds))


async def fetch_recording(
    client: httpx.AsyncClient, url: str, target: Path, tmp: Path, limits: FetchLimits
) -> int:
    """Download ``url`` to ``target``; returns the size. Raises ``IngestError``."""
    host = urlsplit(url).hostname or url
    unreachable = f"{PREFIX}: could not connect to {host}" + (
        "." if limits.allow_private else f"{PRIVATE_HINT}."
    )
    try:
        async with asyncio.timeout(limits.deadline_seconds):
            size = await _download(client, url, tmp, limits)
        make_private_dirs(target.parent)
        os.replace(tmp, target)
        return size
    except TimeoutError as exc:
        raise IngestError(f"{PREFIX}: {host} did not send it in time.") from exc
    except RefusedUrl as exc:
        raise IngestError(f"{PREFIX}: {exc}.") from exc
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        # Refused by the guard, unknown, or nobody listening: one message for all three.
        raise IngestError(unreachable) from exc
    except httpx.TimeoutException as exc:
        raise IngestError(f"{PREFIX}: {host} did not answer in time.") from exc
    except httpx.TooManyRedirects as exc:
        raise IngestError(f"{PREFIX}: {host} redirected too many times.") from exc
    except httpx.UnsupportedProtocol as exc:
        raise IngestError(f"{PREFIX}: only http and https URLs are fetched.") from exc
    except httpx.HTTPError as exc:
        raise IngestError(f"{PREFIX}: the download from {host} failed ({exc}).") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


async def _download(client: httpx.AsyncClient, url: str, tmp: Path, limits: FetchLimits) -> int:
    max_bytes = limits.max_bytes
    async with client.stream("GET", url) as response:
        if response.status_code >= 400:
            raise IngestError(f"{PREFIX}: the server answered {_status(response)}.")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise IngestError(f"{PREFIX}: it is larger than the {_limit(max_bytes)} limit.")
        size = 0
        window_bytes = int(limits.min_bytes_per_second * limits.rate_window_seconds)
        loop = asyncio.get_running_loop()
        with open_private(tmp) as handle:
            # The window's deadline moves on each time it has received its share, so it
            # only expires when a whole window brought less than the minimum rate.
            try:
                async with asyncio.timeout(limits.rate_window_seconds) as window:
                    floor = window_bytes
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise IngestError(
                                f"{PREFIX}: it is larger than the {_limit(max_bytes)} limit."
                            )
                        handle.write(chunk)
                        if size >= floor:
                            window.reschedule(loop.time() + limits.rate_window_seconds)
                            floor = size + window_bytes
            except TimeoutError:
                if window.expired():
                    raise IngestError(_too_slow(limits)) from None
                raise
    if size == 0:
        raise IngestError(f"{PREFIX}: the server sent an empty file.")
    return size


def _too_slow(limits: FetchLimits) -> str:
    return (
        f"{PREFIX}: it arrived too slowly (under {limits.min_bytes_per_second} bytes/s "
        f"for {limits.rate_window_seconds:g} s)."
    )


def _status(response: httpx.Response) -> str:
    """``404 Not Found``: the standard phrase, whatever wording the server chose."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase
    return f"{response.status_code} {phrase}".strip()


def _limit(max_bytes: int) -> str:
    mib = max_bytes / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{max_bytes}-byte"
