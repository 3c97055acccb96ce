"""Voxpria's refusals, always the contract's envelope ``{"success": false, "error":
{"code", "message"}}``.

Endpoints are wrapped in ``json_errors`` (``core.errors.json_errors_for``): a
``VoxpriaError`` becomes its body and anything unexpected a logged JSON 500.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from voxdesk.contracts.voxpria import ErrorBody, ErrorDetail
from voxdesk.server.core.errors import PlatformError, json_errors_for


class VoxpriaError(PlatformError):
    def response(self) -> JSONResponse:
        body = ErrorBody(error=ErrorDetail(code=self.code, message=self.message))
        return JSONResponse(body.dump(), status_code=self.status, headers=self.headers)


def invalid(field: str, problem: str) -> VoxpriaError:
    """A 400 whose message starts with the refused field or parameter."""
    return VoxpriaError(400, "invalid_request", f"{field}: {problem}")


def not_found(message: str) -> VoxpriaError:
    return VoxpriaError(404, "not_found", message)


json_errors = json_errors_for(VoxpriaError)
