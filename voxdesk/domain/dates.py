"""Moved to ``voxdesk.contracts.voxxi_dates`` (Voxxi's rules, not neutral ones).

Kept only until ``voxdesk/server/dates.py`` imports the new home; the import-linter
layers contract ignores this one upward import until then (see pyproject.toml).
"""

from voxdesk.contracts.voxxi_dates import (
    ACCEPTED_FORMATS,
    IST,
    WORKDAY_START,
    DateFormatError,
    parse_call_date,
    parse_range_bound,
)

__all__ = [
    "ACCEPTED_FORMATS",
    "IST",
    "WORKDAY_START",
    "DateFormatError",
    "parse_call_date",
    "parse_range_bound",
]
