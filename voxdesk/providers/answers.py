"""Reading a platform's answer into its contract's model, or saying plainly that it
does not match (a ``MalformedResponse``, shown to the user in the banner)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as WireError

from voxdesk.providers.errors import MalformedResponse

WireT = TypeVar("WireT", bound=BaseModel)


def parse_answer(model: type[WireT], value: Any, contract: str) -> WireT:
    """``value`` as ``model``; ``contract`` names it in the refusal ("the Voxxi contract")."""
    try:
        return model.model_validate(value)
    except WireError as exc:
        raise MalformedResponse(
            f"The server's answer does not match {contract} ({exc.errors()[0]['msg']})."
        ) from exc
