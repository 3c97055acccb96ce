"""Vozzo's refusals: the server-wide body ``{"error": {"code", "message"}}`` (the contract
shows no error body; its messages, where it names one, are used word for word).

Endpoints are wrapped in ``json_errors`` (``core.errors.json_errors_for``): a
``VozzoError`` becomes its body and anything unexpected a logged JSON 500.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from voxdesk.contracts.vozzo import ErrorBody, ErrorDetail
from voxdesk.server.core.errors import PlatformError, json_errors_for


class VozzoError(PlatformError):
    def response(self) -> JSONResponse:
        body = ErrorBody(error=ErrorDetail(code=self.code, message=self.message))
        return JSONResponse(body.dump(), status_code=self.status, headers=self.headers)


def bad_request(message: str) -> VozzoError:
    return VozzoError(400, "bad_request", message)


def not_found(message: str) -> VozzoError:
    return VozzoError(404, "not_found", message)


json_errors = json_errors_for(VozzoError)
