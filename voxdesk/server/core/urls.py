"""The storage URLs this server hands out, and recognising them when they come back.

* upload:   ``PUT {base}/storage/{key}?expires={unix}&signature={hmac}`` — signed for
  PUT, the key and the exact content type; valid ``url_ttl_seconds`` (15 minutes).
* public:   ``GET {base}/storage/{key}?expires={unix}&signature={hmac}`` — signed for
  GET with a long expiry (``public_url_ttl_seconds``), so a media player can fetch it
  without an Authorization header while an unsigned or edited URL gets 403.
* playback: the same GET form, freshly signed per response with a short expiry when
  ``recording_url_ttl_seconds`` is set.

A URL is "ours" when its path is ``/storage/{key}`` and its GET signature verifies
with our key; the host part is ignored so URLs survive a change of port.
"""

from __future__ import annotations

import math
import time
from urllib.parse import parse_qs, quote, unquote, urlsplit

from voxdesk.server.core.signing import UrlSigner, Verdict

STORAGE_PREFIX = "/storage/"


# The URL the pipeline signs for itself just before fetching a stored recording. Its
# lifetime is the pipeline's, not a client's: shortening presigned upload URLs
# (``--upload-url-ttl``) must not let the server's own fetch expire mid-ingest.
INGEST_URL_TTL_SECONDS = 900


def expiry_after(ttl: int) -> int:
    """The whole second a URL valid for ``ttl`` seconds from now expires at: rounded up,
    so it lives at least ``ttl`` seconds (rounded down, a 1 s URL could be dead at once)."""
    return math.ceil(time.time()) + ttl


class StorageUrls:
    def __init__(
        self,
        signer: UrlSigner,
        base_url: str,
        *,
        upload_ttl: int,
        public_ttl: int,
        playback_ttl: int | None,
    ) -> None:
        self._signer = signer
        self.base_url = base_url.rstrip("/")
        self._upload_ttl = upload_ttl
        self._public_ttl = public_ttl
        self._playback_ttl = playback_ttl

    def _url(self, key: str, expires: int, signature: str) -> str:
        path = quote(key, safe="/")
        return f"{self.base_url}{STORAGE_PREFIX}{path}?expires={expires}&signature={signature}"

    def upload_url(self, key: str, content_type: str) -> str:
        expires = expiry_after(self._upload_ttl)
        return self._url(key, expires, self._signer.sign("PUT", key, content_type, expires))

    def download_url(self, key: str, ttl: int) -> str:
        expires = expiry_after(ttl)
        return self._url(key, expires, self._signer.sign("GET", key, "", expires))

    def public_url(self, key: str) -> str:
        return self.download_url(key, self._public_ttl)

    def own_key(self, url: str) -> str | None:
        """The storage key a URL we signed for GET points at, else ``None``."""
        parts = urlsplit(url)
        if not parts.path.startswith(STORAGE_PREFIX):
            return None
        key = unquote(parts.path[len(STORAGE_PREFIX) :])
        query = parse_qs(parts.query)
        expires = query.get("expires", [None])[0]
        signature = query.get("signature", [None])[0]
        verdict = self._signer.verify("GET", key, "", expires, signature, now=0)
        return key if verdict is Verdict.VALID else None

    def own_fetch_url(self, url: str) -> str | None:
        """A fresh URL on this port for a call's audio when it is one of our own
        objects (fetched without the private-address guard), else ``None``."""
        key = self.own_key(url)
        return None if key is None else self.download_url(key, INGEST_URL_TTL_SECONDS)

    def playback_url(self, url: str) -> str:
        """``metadata.audioUrl``: short-lived when configured, else the URL as given
        (our own objects rebased onto the current address)."""
        key = self.own_key(url)
        if key is None:
            return url
        if self._playback_ttl is not None:
            return self.download_url(key, self._playback_ttl)
        return f"{self.base_url}{STORAGE_PREFIX}{quote(key, safe='/')}?{urlsplit(url).query}"
