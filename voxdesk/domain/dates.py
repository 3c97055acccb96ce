"""The call-date rules of the Voxxi contract, shared by client and local server.

Voxxi accepts ``YYYY-MM-DD`` (stored as 09:00 IST, the start of the workday), ISO-8601
date-times, and ``YYYY/MM/DD``, ``DD-MM-YYYY``, ``DD/MM/YYYY`` each with an optional
time. A time without an offset is Indian Standard Time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
WORKDAY_START = time(9, 0)

_TIME = r"(?:[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
_PATTERNS = (
    re.compile(rf"^(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}})-(?P<y>\d{{4}}){_TIME}$"),
    re.compile(rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}}){_TIME}$"),
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CallDateError(ValueError):
    """A date string none of the contract's formats accepts."""


def parse_call_date(text: str) -> datetime:
    """An aware datetime for a Voxxi ``date`` value; raises ``CallDateError``."""
    value = text.strip()
    if _DATE_ONLY.match(value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError as exc:
            raise CallDateError(f"{text!r} is not a real date") from exc
        return datetime.combine(day, WORKDAY_START, tzinfo=IST)
    for pattern in _PATTERNS:
        match = pattern.match(value)
        if match:
            return _from_parts(text, match)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CallDateError(
            f"{text!r} is not a supported date: use YYYY-MM-DD, an ISO-8601 date-time, "
            "YYYY/MM/DD, DD-MM-YYYY or DD/MM/YYYY (optionally with HH:MM[:SS])"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=IST)


def _from_parts(text: str, match: re.Match[str]) -> datetime:
    hour = match.group("h")
    try:
        clock = (
            time(int(hour), int(match.group("mi")), int(match.group("s") or 0))
            if hour is not None
            else WORKDAY_START
        )
        day = datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError as exc:
        raise CallDateError(f"{text!r} is not a real date or time") from exc
    return datetime.combine(day.date(), clock, tzinfo=IST)


def to_utc_iso(moment: datetime) -> str:
    """``2026-01-01T03:30:00Z``: the contract's timestamp form."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
