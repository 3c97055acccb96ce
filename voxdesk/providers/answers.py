"""Reading a platform's answer into its contract's model, or saying plainly that it
does not match (a ``MalformedResponse``, shown to the user in the banner)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as WireError

from voxdesk.providers.errors import MalformedResponse
from voxdesk.providers.http import NOT_JSON

WireT = TypeVar("WireT", bound=BaseModel)


def parse_answer(model: type[WireT], value: Any, contract: str) -> WireT:
    """``value`` as ``model``; ``contract`` names it in the refusal ("the Voxxi contract")."""
    try:
        return model.model_validate(value)
    except WireError as exc:
        raise MalformedResponse(
            f"The server's answer does not match {contract} ({exc.errors()[0]['msg']})."
        ) from exc


def parse_json_answer(model: type[WireT], raw: bytes, contract: str) -> WireT:
    """``parse_answer`` for a body still in bytes: pydantic reads the JSON itself,
    faster than ``json.loads`` and then validating the objects it made."""
    try:
        return model.model_validate_json(raw)
    except WireError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise MalformedResponse(NOT_JSON) from exc
        raise MalformedResponse(
            f"The server's answer does not match {contract} ({exc.errors()[0]['msg']})."
        ) from exc
