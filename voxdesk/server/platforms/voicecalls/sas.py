"""Recording URLs signed SAS-style: ``…/recordings/voice-calls/{id}.ogg?sv=&se=&sp=r&sig=``.

``sv`` is the signing version, ``se`` the expiry (ISO-8601 UTC), ``sp`` the permission
(read) and ``sig`` an HMAC-SHA256 (base64url) over the method, the path and those three,
with the server's signing key. The signature is checked first, in constant time, so an
edited expiry is "invalid", not "expired"; only then the expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import quote, urlencode

SIGNING_VERSION = "2024-01-01"
READ = "r"
RECORDINGS_PREFIX = "/recordings/voice-calls/"


class Verdict(Enum):
    VALID = "valid"
    INVALID = "invalid"
    EXPIRED = "expired"


def _expiry_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RecordingSigner:
    def __init__(self, key: bytes, base_url: str, ttl_seconds: int) -> None:
        self._key = key
        self._base_url = base_url.rstrip("/")
        self.ttl_seconds = ttl_seconds

    def _sign(self, path: str, version: str, expiry: str, permission: str) -> str:
        message = "\n".join(("GET", path, version, expiry, permission)).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def url(self, file_name: str, now: datetime | None = None) -> tuple[str, datetime]:
        """A fresh URL for ``file_name`` (``{id}.ogg``) and when it expires."""
        now = now or datetime.now(UTC)
        expires = now.replace(microsecond=0) + timedelta(seconds=self.ttl_seconds)
        path = RECORDINGS_PREFIX + quote(file_name)
        expiry = _expiry_text(expires)
        query = {
            "sv": SIGNING_VERSION,
            "se": expiry,
            "sp": READ,
            "sig": self._sign(path, SIGNING_VERSION, expiry, READ),
        }
        return f"{self._base_url}{path}?{urlencode(query)}", expires

    def verify(self, path: str, query: Mapping[str, str], now: datetime | None = None) -> Verdict:
        version, expiry = query.get("sv", ""), query.get("se", "")
        permission, signature = query.get("sp", ""), query.get("sig", "")
        if not (version and expiry and permission and signature):
            return Verdict.INVALID
        expected = self._sign(path, version, expiry, permission)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return Verdict.INVALID
        if permission != READ:
            return Verdict.INVALID
        try:
            expires = datetime.strptime(expiry, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return Verdict.INVALID
        return Verdict.VALID if (now or datetime.now(UTC)) <= expires else Verdict.EXPIRED
