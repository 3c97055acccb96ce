"""VOIX's refusals, always as a JSON ``ErrorBody`` saying what was wrong.

Endpoints are wrapped in ``json_errors``: a ``VoixError`` becomes its JSON body and
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

from voxdesk.contracts.voix import ErrorBody, ErrorDetail, Problem

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]


class VoixError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers
        self.detail = ErrorDetail(code=code, message=message, problems=problems or [])

    def response(self) -> JSONResponse:
        return JSONResponse(
            ErrorBody(error=self.detail).dump(), status_code=self.status, headers=self.headers
        )


def invalid_body(problems: list[Problem]) -> VoixError:
    """A 400 whose message lists every problem (``field: what is wrong``)."""
    return VoixError(400, "invalid_body", " ".join(str(p) for p in problems), problems=problems)


def json_errors(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def answer(request: Request) -> Response:
        try:
            return await endpoint(request)
        except VoixError as exc:
            return exc.response()
        except Exception:
            log.exception("Unexpected error answering %s %s", request.method, request.url.path)
            return VoixError(
                500, "internal_error", "The server hit an unexpected error; see its log."
            ).response()

    return answer
