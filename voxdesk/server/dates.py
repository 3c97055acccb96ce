"""The one timestamp format the local server stores and answers (UTC with a ``Z``).

The contract's date *input* rules live in ``voxdesk.contracts.voxxi_dates``, shared with
the Voxxi provider.
"""

from __future__ import annotations

from datetime import UTC, datetime

from voxdesk.contracts.voxxi_dates import DateFormatError, parse_call_date, parse_range_bound

__all__ = [
    "DateFormatError",
    "parse_call_date",
    "parse_range_bound",
    "to_storage",
    "to_wire",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_storage(moment: datetime) -> str:
    """Fixed-width UTC text that sorts chronologically in SQLite.

    ``isoformat`` rather than ``strftime("%Y")``, which writes year 1 as ``1``, not
    ``0001``, on glibc: neither fixed-width nor sortable.
    """
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def to_wire(stored: str) -> str:
    """The contract's timestamp form, ``2026-01-01T00:00:00Z``, from the stored text."""
    return stored[:19] + "Z"
