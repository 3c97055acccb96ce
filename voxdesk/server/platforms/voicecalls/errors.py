"""The voice-bot platform's refusals, always as a JSON ``ErrorBody``.

Endpoints are wrapped in ``json_errors``: a ``VoiceCallsError`` becomes its JSON body
and anything unexpected is logged and answered as a JSON 500 right there, so it never
reaches Starlette's server-error middleware (which would re-raise after answering and
make uvicorn reset the keep-alive connection).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from voxdesk.contracts.voicecalls import ErrorBody, ErrorDetail

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]


class VoiceCallsError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        parameter: str | None = None,
        required_scope: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers
        self.detail = ErrorDetail(
            code=code, message=message, parameter=parameter, required_scope=required_scope
        )

    def response(self) -> JSONResponse:
        return JSONResponse(
            ErrorBody(error=self.detail).dump(), status_code=self.status, headers=self.headers
        )


def bad_parameter(name: str, problem: str) -> VoiceCallsError:
    """A 400 naming the refused query parameter (or body field) first."""
    return VoiceCallsError(400, "invalid_parameter", f"{name}: {problem}", parameter=name)


def not_found(message: str) -> VoiceCallsError:
    return VoiceCallsError(404, "not_found", message)


def json_errors(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def answer(request: Request) -> Response:
        try:
            return await endpoint(request)
        except VoiceCallsError as exc:
            return exc.response()
        except Exception:
            log.exception("Unexpected error answering %s %s", request.method, request.url.path)
            return VoiceCallsError(
                500, "internal_error", "The server hit an unexpected error; see its log."
            ).response()

    return answer
