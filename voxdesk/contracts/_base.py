"""What the voice-bot and Voxpria wire bodies share: camelCase JSON over snake_case
Python names, and times sent as UTC to the second (pydantic writes UTC as ``…Z``).

Voxxi's bodies differ on purpose (not frozen: the server lays out stored records with
``model_construct``), and VOIX's spell each alias out, so they keep their own bases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class CamelWire(BaseModel):
    """A frozen wire body: each field has its camelCase alias, parsing accepts either
    spelling and ignores unknown fields (a platform that adds fields still parses)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    def dump(self) -> dict[str, Any]:
        """The JSON-ready body, field names as the contract spells them."""
        return self.model_dump(mode="json", by_alias=True)


def utc_to_second(value: datetime | None) -> datetime | None:
    """Wire times are UTC to the second; a naive time is taken as UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)
