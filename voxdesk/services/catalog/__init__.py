"""The call catalog: ``catalog`` (the SQLite-backed store), ``query`` (filters, sort
orders and list rows as SQL), ``rows`` (calls laid out for writing), ``schema`` (the
layout and its migrations)."""

from voxdesk.services.catalog.catalog import CallCatalog, CallsChanged, SyncState
from voxdesk.services.catalog.query import (
    MIN_INDEXED_SEARCH,
    NARROW_FILTER_ROWS,
    CallFilter,
    CallOrder,
    CallRow,
    SortKey,
)
from voxdesk.services.catalog.rows import CallRows
from voxdesk.services.catalog.schema import SCHEMA, SCHEMA_VERSION

__all__ = [
    "MIN_INDEXED_SEARCH",
    "NARROW_FILTER_ROWS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "CallCatalog",
    "CallFilter",
    "CallOrder",
    "CallRow",
    "CallRows",
    "CallsChanged",
    "SortKey",
    "SyncState",
]
