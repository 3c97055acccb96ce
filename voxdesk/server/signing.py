"""HMAC-SHA256 signatures for storage URLs.

A signature covers the HTTP method, the object key, the content type (for uploads;
empty for downloads) and the expiry, so a URL issued to upload ``a.wav`` as
``audio/wav`` for 15 minutes cannot be reused for another key, another type, a
download or after it expires. Checks use ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from enum import Enum

_EXPIRES = re.compile(r"[0-9]{1,18}")


class Verdict(Enum):
    VALID = "valid"
    INVALID = "invalid"
    EXPIRED = "expired"


class UrlSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, method: str, key: str, content_type: str, expires: int) -> str:
        message = "\n".join((method.upper(), key, content_type.lower(), str(expires)))
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def verify(
        self,
        method: str,
        key: str,
        content_type: str,
        expires: str | None,
        signature: str | None,
        now: float | None = None,
    ) -> Verdict:
        """Whether the signature matches, then whether it is still in date.

        The match is checked first: an expiry an attacker edited is "invalid", not
        "expired".
        """
        # ASCII digits, and few enough to convert: ``str.isdigit`` also takes ``²``, and
        # ``int`` refuses 4,300+ digits. We never sign an expiry of more than 18.
        if not expires or not signature or not _EXPIRES.fullmatch(expires):
            return Verdict.INVALID
        expected = self.sign(method, key, content_type, int(expires))
        # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError).
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return Verdict.INVALID
        if int(expires) < (time.time() if now is None else now):
            return Verdict.EXPIRED
        return Verdict.VALID
