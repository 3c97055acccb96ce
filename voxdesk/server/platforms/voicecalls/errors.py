"""The voice-bot platform's refusals, always as a JSON ``ErrorBody``.

Endpoints are wrapped in ``json_errors`` (``core.errors.json_errors_for``): a
``VoiceCallsError`` becomes its JSON body and anything unexpected a logged JSON 500.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from voxdesk.contracts.voicecalls import ErrorBody, ErrorDetail
from voxdesk.server.core.errors import PlatformError, json_errors_for


class VoiceCallsError(PlatformError):
    """A refusal whose body may also name the refused parameter or the missing scope."""

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
        super().__init__(status, code, message, headers)
        self.parameter = parameter
        self.required_scope = required_scope

    def response(self) -> JSONResponse:
        detail = ErrorDetail(
            code=self.code,
            message=self.message,
            parameter=self.parameter,
            required_scope=self.required_scope,
        )
        return JSONResponse(
            ErrorBody(error=detail).dump(), status_code=self.status, headers=self.headers
        )


def bad_parameter(name: str, problem: str) -> VoiceCallsError:
    """A 400 naming the refused query parameter (or body field) first."""
    return VoiceCallsError(400, "invalid_parameter", f"{name}: {problem}", parameter=name)


def not_found(message: str) -> VoiceCallsError:
    return VoiceCallsError(404, "not_found", message)


json_errors = json_errors_for(VoiceCallsError)
