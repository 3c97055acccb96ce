"""Reading Vozzo's request bodies: JSON through core's counted I-JSON reader, then the
wire model, every problem a 400 naming the field (with the contract's own message where
it has one, such as "Invalid date format") — never a 500."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from voxdesk.server.core.wire_json import (
    BodyTooLarge,
    IncompleteBody,
    WireValueError,
    read_json_body,
)
from voxdesk.server.platforms.vozzo.errors import VozzoError, bad_request

MAX_BODY_BYTES = 256 * 1024
ModelT = TypeVar("ModelT", bound=BaseModel)


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await read_json_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise VozzoError(
            413, "payload_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes."
        ) from None
    except IncompleteBody:
        raise bad_request("The body ended before all of it arrived.") from None
    except WireValueError as exc:
        where = "The body" if exc.field == "body" else exc.field + ":"
        raise bad_request(f"{where} {exc.problem}") from None
    if not isinstance(body, dict):
        raise bad_request("The body must be a JSON object.")
    return body


def problem_text(exc: ValidationError) -> str:
    """One sentence per problem: ``field: what is wrong``; a validator's own message
    (the contract's wording) as it is."""
    problems = []
    for error in exc.errors(include_url=False):
        own = (error.get("ctx") or {}).get("error")
        message = str(own) if isinstance(own, ValueError) else error["msg"]
        if error["type"] == "missing":
            message = "is required"
        field = ".".join(str(part) for part in error["loc"])
        problems.append(message if isinstance(own, ValueError) else f"{field}: {message}")
    return "; ".join(dict.fromkeys(problems))


def parse(model: type[ModelT], body: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise bad_request(problem_text(exc)) from None


async def read(request: Request, model: type[ModelT]) -> ModelT:
    return parse(model, await json_object(request))
