"""The one error shape every client sees: ``{"error": {"code", "message"}}``.

It is Voxxi's error body (``voxdesk.contracts.voxxi.ErrorBody``), answered for every
route outside a platform with an envelope of its own — storage URLs, unknown paths,
unexpected errors — and the voice-bot platform's body extends it with optional fields,
so one client-side reading serves all of them.

Route code raises ``ApiError``; the handlers and middleware installed by
``install_error_handlers`` turn it, Starlette's own HTTP errors (404 for unknown routes,
405) and any unexpected exception into that JSON shape, so no HTML page or stack trace
ever reaches a client.

A platform with an envelope of its own subclasses ``PlatformError`` (which renders that
envelope in ``response``) and wraps its endpoints in ``json_errors_for(its class)``.
"""

from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voxdesk.contracts import voxxi as wire

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]

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


class PlatformError(Exception, ABC):
    """A request the server refuses, with the status, a stable code and a plain message.

    Each subclass answers it in its platform's envelope (``response``); the status, code
    and message are the same everywhere.
    """

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers

    @abstractmethod
    def response(self) -> JSONResponse: ...


class ApiError(PlatformError):
    """A refusal in the server-wide body ``{"error": {"code", "message"}}``."""

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.headers)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = wire.ErrorBody(error=wire.ErrorDetail(code=code, message=message))
    return JSONResponse(body.dump(), status_code=status, headers=headers)


def json_errors_for(error_class: type[PlatformError]) -> Callable[[Endpoint], Endpoint]:
    """A decorator for a platform's endpoints: ``error_class`` becomes its own response and
    anything unexpected is logged and answered as a JSON 500 in that same envelope.

    Answered right there so the exception never reaches Starlette's server-error
    middleware, which re-raises after answering and makes uvicorn reset the keep-alive
    connection. Only ``error_class`` is caught as a refusal: another platform's error
    inside these endpoints is a bug, answered as the 500.
    """

    def json_errors(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def answer(request: Request) -> Response:
            try:
                return await endpoint(request)
            except error_class as exc:
                return exc.response()
            except Exception:
                log.exception("Unexpected error answering %s %s", request.method, request.url.path)
                return error_class(
                    500, "internal_error", "The server hit an unexpected error; see its log."
                ).response()

        return answer

    return json_errors


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


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
