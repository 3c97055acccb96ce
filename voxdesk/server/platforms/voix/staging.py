"""Recordings staged on this server for VOIX to fetch, and the rule by which they go.

VOIX takes no upload: it fetches each call's ``recordingUrl``. A voxdesk client puts a
file it sends here first (local extension ``POST /staging``: a signed upload URL and
the signed URL VOIX fetches), under ``staged/{expires}/{random}/{file name}``: the
fetch URL's expiry is part of the key, so the rule needs no index and survives a
restart. A staged recording is removed

1. **once fetched**: when a VOIX job on this server that fetched it (it keeps its own
   copy under ``voix/{jobId}``, which the lifecycle extension plays) has ended,
   completed or failed, and no job still waiting names the same URL;
2. **once its URL has expired** (``EXPIRY_MARGIN_SECONDS`` later): nobody, a VOIX
   elsewhere included, can fetch it any more. Swept at start, at each staging request
   and every ``SWEEP_EVERY_SECONDS``.

So nothing is removed that VOIX could still fetch and has not; a job that failed before
fetching leaves the staged copy to its expiry. Nothing outside ``staged/`` (Voxxi's
uploads, VOIX's own copies) is ever touched here.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

from voxdesk.server.core.storage import AUDIO_TYPES, Storage, sanitise_filename
from voxdesk.server.core.urls import StorageUrls, expiry_after

log = logging.getLogger(__name__)

STAGED_PREFIX = "staged/"
#: How long a staged recording's URL lives unless the client asks otherwise: long
#: enough for a VOIX elsewhere with a queue; at most ``MAX_TTL_SECONDS``.
DEFAULT_TTL_SECONDS = 7 * 24 * 3600
MAX_TTL_SECONDS = 30 * 24 * 3600
#: After the expiry, for a download that verified its signature at the last second.
EXPIRY_MARGIN_SECONDS = 10
SWEEP_EVERY_SECONDS = 3600


class StagedRecordings:
    def __init__(self, storage: Storage, urls: StorageUrls) -> None:
        self._storage = storage
        self._urls = urls
        #: Staged keys → how many jobs not yet ended will fetch them.
        self._pending: Counter[str] = Counter()

    def issue(self, filename: str, content_type: str, ttl: int) -> dict[str, str]:
        """Where to upload one recording and the URL VOIX fetches it from (``ttl``
        seconds, already checked), as the route's body."""
        expires = expiry_after(ttl)
        key = f"{STAGED_PREFIX}{expires}/{uuid.uuid4().hex}/{sanitise_filename(filename)}"
        assert content_type in AUDIO_TYPES
        return {
            "uploadUrl": self._urls.upload_url(key, content_type),
            "recordingUrl": self._urls.download_url(key, ttl),
            "expiresAt": datetime.fromtimestamp(expires, UTC).isoformat().replace("+00:00", "Z"),
        }

    def key_of(self, url: str) -> str | None:
        """The staged key a URL this server signed points at, else ``None``."""
        key = self._urls.own_key(url)
        return key if key is not None and key.startswith(STAGED_PREFIX) else None

    def job_queued(self, url: str) -> None:
        if (key := self.key_of(url)) is not None:
            self._pending[key] += 1

    def job_ended(self, url: str, fetched: bool) -> None:
        """Rule 1: the last waiting job that fetched a staged recording has ended."""
        key = self.key_of(url)
        if key is None:
            return
        self._pending[key] -= 1
        if self._pending[key] > 0:
            return
        del self._pending[key]
        if fetched and self._storage.delete(key):
            log.info("staged recording %s removed: VOIX fetched it", key)

    def sweep(self, now: float | None = None) -> int:
        """Rule 2: remove every staged recording whose URL has expired; how many."""
        now = time.time() if now is None else now
        folder = self._storage.root / STAGED_PREFIX.rstrip("/")
        if not folder.is_dir():
            return 0
        removed = 0
        for batch in folder.iterdir():
            if not batch.name.isdigit() or int(batch.name) + EXPIRY_MARGIN_SECONDS > now:
                continue
            removed += sum(1 for path in batch.rglob("*") if path.is_file())
            shutil.rmtree(batch, ignore_errors=True)  # a file still open: the next sweep
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
        if removed:
            log.info("%d expired staged recording(s) removed", removed)
        return removed
