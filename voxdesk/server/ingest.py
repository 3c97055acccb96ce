"""Fetching a call's ``audio_url`` into the data directory.

Every call is ingested, even one whose URL points back at this server, so a call
never depends on a URL that may expire or move. The download is streamed to a
temporary file with a size cap and explicit timeouts, and only an entire recording
is moved into place.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import httpx

PREFIX = "The recording could not be fetched"


class IngestError(Exception):
    """The recording is unreachable or unusable; the message says why in plain words."""


def make_client(timeout_seconds: float) -> httpx.AsyncClient:
    timeout = httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds))
    return httpx.AsyncClient(timeout=timeout, follow_redirects=True, max_redirects=5)


async def fetch_recording(
    client: httpx.AsyncClient,
    url: str,
    target: Path,
    tmp: Path,
    *,
    max_bytes: int,
    deadline_seconds: float,
) -> int:
    """Download ``url`` to ``target``; returns the size. Raises ``IngestError``."""
    host = urlsplit(url).hostname or url
    try:
        async with asyncio.timeout(deadline_seconds):
            size = await _download(client, url, tmp, max_bytes)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return size
    except TimeoutError as exc:
        raise IngestError(f"{PREFIX}: {host} did not send it in time.") from exc
    except httpx.TimeoutException as exc:
        raise IngestError(f"{PREFIX}: {host} did not answer in time.") from exc
    except httpx.ConnectError as exc:
        raise IngestError(f"{PREFIX}: could not connect to {host}.") from exc
    except httpx.TooManyRedirects as exc:
        raise IngestError(f"{PREFIX}: {host} redirected too many times.") from exc
    except httpx.HTTPError as exc:
        raise IngestError(f"{PREFIX}: the download from {host} failed ({exc}).") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


async def _download(client: httpx.AsyncClient, url: str, tmp: Path, max_bytes: int) -> int:
    async with client.stream("GET", url) as response:
        if response.status_code >= 400:
            raise IngestError(f"{PREFIX}: the server answered {_status(response)}.")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise IngestError(f"{PREFIX}: it is larger than the {_limit(max_bytes)} limit.")
        size = 0
        with tmp.open("wb") as handle:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise IngestError(f"{PREFIX}: it is larger than the {_limit(max_bytes)} limit.")
                handle.write(chunk)
    if size == 0:
        raise IngestError(f"{PREFIX}: the server sent an empty file.")
    return size


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
