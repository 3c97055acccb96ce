"""Bearer-token check for the API routes (storage URLs carry their own signatures)."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from voxdesk.server.errors import error_response


class BearerAuth:
    """ASGI middleware: 401 JSON unless ``Authorization: Bearer <token>`` matches.

    The scheme name is case-insensitive (RFC 7235: ``bearer x`` is the same header), and
    a request with two ``Authorization`` headers is refused outright rather than judged
    by whichever one a header lookup happens to pick.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        given = [value for name, value in scope["headers"] if name == b"authorization"]
        if len(given) > 1:
            response = error_response(
                400,
                "bad_request",
                f"Send one Authorization header; this request has {len(given)}.",
            )
            await response(scope, receive, send)
            return
        scheme, _, credentials = (given[0] if given else b"").strip().partition(b" ")
        if not scheme:
            message = "This API needs an 'Authorization: Bearer <token>' header."
        elif scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self._token):
            await self._app(scope, receive, send)
            return
        else:
            message = "The bearer token is not valid for this server."
        response = error_response(
            401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="voxdesk"'}
        )
        await response(scope, receive, send)
