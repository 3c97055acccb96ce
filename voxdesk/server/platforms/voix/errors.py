"""VOIX's refusals, always as a JSON ``ErrorBody`` saying what was wrong.

Endpoints are wrapped in ``json_errors`` (``core.errors.json_errors_for``): a
``VoixError`` becomes its JSON body and anything unexpected a logged JSON 500.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from voxdesk.contracts.voix import ErrorBody, ErrorDetail, Problem
from voxdesk.server.core.errors import PlatformError, json_errors_for


class VoixError(PlatformError):
    """A refusal whose body lists each problem found (empty when there is no list)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, code, message, headers)
        self.problems = problems or []

    def response(self) -> JSONResponse:
        detail = ErrorDetail(code=self.code, message=self.message, problems=self.problems)
        return JSONResponse(
            ErrorBody(error=detail).dump(), status_code=self.status, headers=self.headers
        )


def invalid_body(problems: list[Problem]) -> VoixError:
    """A 400 whose message lists every problem (``field: what is wrong``)."""
    return VoixError(400, "invalid_body", " ".join(str(p) for p in problems), problems=problems)


json_errors = json_errors_for(VoixError)
