"""The one error shape every client sees: ``{"error": {"code", "message"}}``.

Route code raises ``ApiError``; the handlers and middleware installed by
``install_error_handlers`` turn it, Starlette's own HTTP errors (404 for unknown routes,
405) and any unexpected exception into that JSON shape, so no HTML page or stack trace
ever reaches a client.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
}


class ApiError(Exception):
    """A request the server refuses, with the status, a stable code and a plain message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def validation_error(field_name: str, problem: str) -> ApiError:
    """A 400 that names the offending request field first, so clients can point at it."""
    return ApiError(400, "validation_error", f"{field_name}: {problem}")


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"There is nothing at {request.url.path}."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    code = _CODES.get(exc.status_code, "error" if exc.status_code < 500 else "internal_error")
    return error_response(exc.status_code, code, message, dict(exc.headers or {}))


class UnexpectedErrors:
    """ASGI middleware: any other exception becomes a logged 500 in the JSON shape.

    Not an exception handler: Starlette re-raises after its 500 handler has answered,
    and uvicorn then drops the keep-alive connection, so the client's next request on
    it (perhaps already sent) fails with a reset. Answering here and not re-raising
    keeps the connection serving. Only an exception after the response has started is
    passed on, because nothing can be answered then.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, receive, send_noting_start)
        except Exception:
            log.exception("Unexpected error while answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            response = error_response(
                500,
                "internal_error",
                "The server hit an unexpected error; the details are in its log.",
            )
            await response(scope, receive, send)


def install_error_handlers(app: Starlette) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_middleware(UnexpectedErrors)
