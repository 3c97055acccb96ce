"""Voxpria's refusals, always the contract's envelope ``{"success": false, "error":
{"code", "message"}}``.

Endpoints are wrapped in ``json_errors``: a ``VoxpriaError`` becomes its body and
anything unexpected is logged and answered as a JSON 500 right there, so it never
reaches Starlette's server-error middleware (which re-raises after answering and makes
uvicorn reset the keep-alive connection).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from voxdesk.contracts.voxpria import ErrorBody, ErrorDetail

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]


class VoxpriaError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers

    def response(self) -> JSONResponse:
        body = ErrorBody(error=ErrorDetail(code=self.code, message=self.message))
        return JSONResponse(body.dump(), status_code=self.status, headers=self.headers)


def invalid(field: str, problem: str) -> VoxpriaError:
    """A 400 whose message starts with the refused field or parameter."""
    return VoxpriaError(400, "invalid_request", f"{field}: {problem}")


def not_found(message: str) -> VoxpriaError:
    return VoxpriaError(404, "not_found", message)


def json_errors(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def answer(request: Request) -> Response:
        try:
            return await endpoint(request)
        except VoxpriaError as exc:
            return exc.response()
        except Exception:
            log.exception("Unexpected error answering %s %s", request.method, request.url.path)
            return VoxpriaError(
                500, "internal_error", "The server hit an unexpected error; see its log."
            ).response()

    return answer
