"""Typed errors of every provider, phrased for the person who will read them.

The UI shows ``str(error)`` in its banner, so messages say what happened and what to
do, never a traceback or a raw status line.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base of every failure talking to a call-intelligence platform."""

    #: True when the request may have reached the server (its outcome is unknown).
    request_sent: bool = True

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(ProviderError):
    """The token was refused (401) or lacks the right (403)."""


class NotFound(ProviderError):
    pass


class ValidationError(ProviderError):
    """The server refused the request's content; the message is the server's own."""


class RateLimited(ProviderError):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class ServerError(ProviderError):
    """The platform failed (5xx) or answered with something that is not its contract."""


class MalformedResponse(ServerError):
    """The body was not the JSON the contract promises."""


class NetworkError(ProviderError):
    """The connection failed. ``request_sent`` tells whether the server may have acted."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class Timeout(NetworkError):
    pass


class UnsupportedOperation(ProviderError):
    """The platform's API has no such operation (see ``Provider.capabilities``)."""

    request_sent = False
