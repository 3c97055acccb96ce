"""The call-date rules of the Voxxi contract, shared by the Voxxi provider and the local server.

Voxxi accepts a call ``date`` as ``YYYY-MM-DD`` (stored as 09:00 IST, the start of the
workday), an ISO-8601 date-time, or ``YYYY/MM/DD``, ``DD-MM-YYYY``, ``DD/MM/YYYY`` with
an optional ``HH:MM`` or ``HH:MM:SS``. A time without an offset is Indian Standard
Time, as it is in Voxxi.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
WORKDAY_START = time(9, 0)

_TIME = r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
_FORMATS = (
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME + "$"),
    re.compile(r"^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})" + _TIME + "$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})" + _TIME + "$"),
)
_PRINTABLE_ASCII = re.compile(r"[ -~]*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

ACCEPTED_FORMATS = (
    "YYYY-MM-DD, an ISO-8601 date-time, or YYYY/MM/DD, DD-MM-YYYY or DD/MM/YYYY "
    "with an optional HH:MM[:SS]"
)


class DateFormatError(ValueError):
    """A date string in none of the accepted formats, or naming a day that does not exist."""


def _parse(value: str) -> tuple[datetime, bool]:
    """The parsed moment and whether the input carried a time of day."""
    text = value.strip()
    if not _PRINTABLE_ASCII.fullmatch(text):
        # Every accepted format is plain ASCII; ``fromisoformat`` would let a NUL or
        # another control character through, and ``\d`` matches non-ASCII digits.
        raise DateFormatError(f"{value!r} contains characters no date format has")
    try:
        if _ISO_DATE.match(text):
            return datetime.combine(date.fromisoformat(text), WORKDAY_START, IST), False
        if _ISO_DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            return (moment if moment.tzinfo else moment.replace(tzinfo=IST)), True
        for pattern in _FORMATS:
            match = pattern.match(text)
            if match is None:
                continue
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            if match["H"] is None:
                return datetime.combine(day, WORKDAY_START, IST), False
            clock = time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
            return datetime.combine(day, clock, IST), True
    except ValueError as exc:
        raise DateFormatError(f"{value!r} is not a real date or time ({exc})") from exc
    raise DateFormatError(f"{value!r} is not a date in an accepted format ({ACCEPTED_FORMATS})")


def parse_call_date(value: str) -> datetime:
    """A call ``date`` as an aware UTC datetime; a date without a time is 09:00 IST."""
    try:
        return _parse(value)[0].astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+05:00 is in year 0 in UTC
        raise DateFormatError(
            f"{value!r} falls outside the years 0001 to 9999 once converted to UTC"
        ) from exc


def _utc_bound(moment: datetime, value: str) -> datetime:
    """``moment`` in UTC; a bound that falls outside the years 0001–9999 once converted
    is refused like any unreadable date (a 400, never an OverflowError)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise DateFormatError(
            f"{value!r} falls outside the years 0001 to 9999 once converted to UTC"
        ) from exc


def parse_range_bound(value: str, *, end: bool) -> datetime:
    """A ``dateFrom``/``dateTo`` filter; a bare day covers the whole IST day."""
    moment, has_time = _parse(value)
    if has_time:
        return _utc_bound(moment, value)
    midnight = datetime.combine(moment.date(), time(0, 0), IST)
    if end:
        midnight += timedelta(days=1) - timedelta(microseconds=1)
    return _utc_bound(midnight, value)
