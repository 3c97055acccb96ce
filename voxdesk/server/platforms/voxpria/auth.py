"""The contract's key scheme: ``Authorization: Bearer YOUR_API_KEY`` on every request.

The local server's API key is its token (``--token``). No header, another scheme or
an unknown key is a 401 in the contract's envelope; the key is compared in constant
time.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

from voxdesk.server.platforms.voxpria.errors import VoxpriaError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="voxdesk-voxpria"'}


class ApiKey:
    def __init__(self, key: str) -> None:
        self._expected = f"Bearer {key}".encode()

    def require(self, request: Request) -> None:
        header = request.headers.get("authorization")
        if not header:
            raise VoxpriaError(
                401,
                "unauthorized",
                "This API needs an 'Authorization: Bearer YOUR_API_KEY' header.",
                headers=_CHALLENGE,
            )
        if not hmac.compare_digest(header.encode("latin-1", "replace"), self._expected):
            raise VoxpriaError(
                401, "unauthorized", "The API key is not valid for this server.", _CHALLENGE
            )
