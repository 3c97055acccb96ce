"""Bearer-token check for the API routes (storage URLs carry their own signatures)."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from voxdesk.server.errors import error_response


class BearerAuth:
    """ASGI middleware: 401 JSON unless ``Authorization: Bearer <token>`` matches."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"authorization", b"")
        if not given:
            message = "This API needs an 'Authorization: Bearer <token>' header."
        elif hmac.compare_digest(given, self._expected):
            await self._app(scope, receive, send)
            return
        else:
            message = "The bearer token is not valid for this server."
        response = error_response(
            401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="voxdesk"'}
        )
        await response(scope, receive, send)
