"""Recordings dropped on a VOIX connection: what the desk proposes for each file, where
the file is staged so VOIX can fetch it, and one finishing beat per file.

VOIX takes no upload: it fetches each recording from a ``recordingUrl``. So a file must
first be put somewhere VOIX can reach (``StagingPlace``): a voxdesk local server's own
storage, whose signed URL that server fetches from itself. A place VOIX cannot reach
(this computer's loopback or private network, seen from a VOIX elsewhere) is refused in
plain words before anything is staged or sent (``staging_refusal``): never a URL VOIX
cannot fetch.

Each file is one call in the outbox, known by its path (``recording_key``): sending the
same file again reuses its callId and staged URL, and VOIX's answer to its finishing
beat is skipped rather than repeated.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import av
import av.error

from voxdesk.providers.http import HttpClient
from voxdesk.providers.voix import VoixProvider
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.services.voix_call_log import LogRow, RowReport, send_call_log, stage_on_local_server
from voxdesk.services.voix_outbox import Sent, VoixOutbox

#: A date and time in a file name, as phone systems and recorders write them:
#: ``2026-06-16_09-05-35``, ``20260616T090535``, ``call 2026-06-16 09.05.35``.
NAME_TIME = re.compile(
    r"(?<!\d)(20\d\d)[-_.]?(\d\d)[-_.]?(\d\d)[-_T .]?(\d\d)[-_.:h]?(\d\d)[-_.:m]?(\d\d)(?!\d)"
)
NOWHERE_TO_STAGE = (
    "VOIX takes no uploads: it fetches each recording from a URL, so the file must first "
    "be staged where VOIX can reach it, and this connection has no such place. Choose a "
    "voxdesk local server connection under 'Stage recordings on' in File ▸ Connections…, "
    "or send a call log whose rows give a recordingUrl VOIX can fetch."
)


@dataclass(frozen=True)
class RecordingDefaults:
    """What the send dialog proposes for one file."""

    path: Path
    started_at: datetime
    #: Where the start time came from: "file name" or "file modification time".
    started_from: str
    #: Whole seconds of audio, or ``None`` when the file cannot be decoded.
    duration: int | None


def audio_seconds(path: Path) -> float | None:
    """The recording's length from its container (decoding the whole file only when the
    container does not say); ``None`` for a file that is not audio."""
    try:
        with av.open(str(path), mode="r") as container:
            if not container.streams.audio:
                return None
            if container.duration is not None and container.duration > 0:
                return container.duration / av.time_base
            stream = container.streams.audio[0]
            samples, rate = 0, 0
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate or rate
            return samples / rate if rate else None
    except (av.error.FFmpegError, OSError, ValueError):
        return None


def time_in_name(name: str) -> datetime | None:
    """The first plausible date-time in a file name, as local time; ``None`` if none."""
    for match in NAME_TIME.finditer(name):
        try:
            return datetime(*(int(part) for part in match.groups())).astimezone()
        except ValueError:
            continue
    return None


def recording_defaults(path: Path) -> RecordingDefaults:
    """Start time from the file's name when it holds one, else from its modification
    time (recorders write the file as the call ends: minus the duration); duration from
    the audio."""
    seconds = audio_seconds(path)
    duration = None if seconds is None else round(seconds)
    named = time_in_name(path.stem)
    if named is not None:
        return RecordingDefaults(path, named, "file name", duration)
    ended = path.stat().st_mtime
    started = datetime.fromtimestamp(ended - (duration or 0), tz=UTC).astimezone()
    return RecordingDefaults(
        path, started.replace(microsecond=0), "file modification time", duration
    )


def recording_key(path: Path) -> str:
    """The outbox key of a dropped file: its absolute path."""
    return f"recording:{path.resolve()}"


@dataclass(frozen=True)
class StagingPlace:
    """A voxdesk local server whose storage holds recordings for VOIX to fetch."""

    #: What the user calls it (a connection's name), for messages.
    name: str
    base_url: str
    token: str | None


def reachable_only_nearby(url: str) -> bool:
    """Loopback, link-local or private addresses (and ``localhost``): only this computer
    or its own network reaches them."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.endswith((".local", ".lan", ".internal", ".home.arpa"))
    return address.is_loopback or address.is_private or address.is_link_local


def staging_refusal(voix_base_url: str, place: StagingPlace | None) -> str | None:
    """Why recordings cannot be sent to the VOIX at ``voix_base_url`` through ``place``,
    in plain words, or ``None`` when VOIX can fetch what is staged there."""
    if place is None:
        return NOWHERE_TO_STAGE
    if not reachable_only_nearby(voix_base_url) and reachable_only_nearby(place.base_url):
        voix_host = urlsplit(voix_base_url).hostname
        place_host = urlsplit(place.base_url).hostname
        return (
            f"VOIX at {voix_host} could not fetch recordings staged on {place.name!r}: "
            f"{place_host} is reachable only from this computer or its network. Stage "
            "recordings on a server VOIX can reach (Stage recordings on, in File ▸ "
            "Connections…)."
        )
    return None


def recording_rows(files: list[tuple[Path, dict[str, Any]]]) -> list[LogRow]:
    """One outbox row per file (``line`` numbers the files from 1)."""
    return [
        LogRow(line, recording_key(path), fields, None, path.resolve())
        for line, (path, fields) in enumerate(files, start=1)
    ]


@asynccontextmanager
async def staging(place: StagingPlace) -> AsyncIterator[Callable[[Path], Any]]:
    """A stager for ``place`` (its client closed on leaving)."""
    storage = LocalProvider(HttpClient(place.base_url, place.token))
    try:
        yield stage_on_local_server(storage)
    finally:
        await storage.aclose()


async def send_recordings(
    outbox: VoixOutbox,
    provider: VoixProvider,
    connection_id: str,
    files: list[tuple[Path, dict[str, Any]]],
    place: StagingPlace | None,
    on_report: Callable[[RowReport], None] | None = None,
) -> list[RowReport]:
    """Stage each file where VOIX can fetch it and send its finishing beat. With no
    place VOIX can reach, nothing is staged or sent: each file is refused with why."""
    rows = recording_rows(files)
    refusal = staging_refusal(provider.http.base_url, place)
    if refusal is not None or place is None:
        reports = []
        for row in rows:
            report = RowReport(row.line, Sent.REFUSED, "the finishing beat", reason=refusal)
            reports.append(report)
            if on_report is not None:
                on_report(report)
        return reports
    async with staging(place) as stage:
        return await send_call_log(outbox, provider, connection_id, rows, stage, on_report)
