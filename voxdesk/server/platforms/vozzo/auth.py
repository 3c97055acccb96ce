"""The contract's key, in any of the three forms it shows: ``Authorization: <key>``,
``Authorization: Bearer <key>`` and ``Authorization: Token <key>``.

The local server's API key is its token (``--token``). Anything else — no header,
another scheme, another key — is a 401 with the contract's message "Invalid or expired
authentication token"; keys are compared in constant time.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

from voxdesk.contracts.vozzo import INVALID_TOKEN
from voxdesk.server.platforms.vozzo.errors import VozzoError

_SCHEMES = ("bearer", "token")
_CHALLENGE = {"WWW-Authenticate": 'Token realm="voxdesk-vozzo"'}


def presented_key(header: str) -> str:
    """The key an ``Authorization`` value carries: after a Bearer or Token scheme
    (any case, as HTTP schemes are), else the whole value."""
    scheme, _, rest = header.strip().partition(" ")
    if rest and scheme.lower() in _SCHEMES:
        return rest.strip()
    return header.strip()


class ApiKey:
    def __init__(self, key: str) -> None:
        self._expected = key.encode()

    def require(self, request: Request) -> None:
        header = request.headers.get("authorization") or ""
        presented = presented_key(header).encode("utf-8", "replace")
        if not header or not hmac.compare_digest(presented, self._expected):
            raise VozzoError(401, "unauthorized", INVALID_TOKEN, headers=_CHALLENGE)
