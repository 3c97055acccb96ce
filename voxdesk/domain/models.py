"""The base every domain model shares.

The models themselves live in small modules by subject (``calls``, ``analysis``,
``transcript``, ``grouping``, ``submissions``); ``voxdesk.domain`` re-exports them all.
Every platform's wire format is mapped onto these in ``voxdesk.providers``; the
services, the CLI and the UI only ever see these. No I/O and no Qt here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Frozen: a value read from a platform is replaced, never edited in place."""

    model_config = ConfigDict(frozen=True)
