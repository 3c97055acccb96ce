"""The list endpoint's query parameters, checked one by one into a core ``CallQuery``.

Each refusal is a 400 naming its parameter. Dates are ISO-8601; one without an offset is
UTC, and a bare date covers its whole day (``dateTo=2024-01-15`` includes that day's
calls), since both bounds are inclusive on ``startTime``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from voxdesk.contracts.voicecalls import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CallDirection,
    CallState,
)
from voxdesk.server.core.paging import MAX_PAGE, positive_whole_number
from voxdesk.server.core.store import CallQuery
from voxdesk.server.platforms.voicecalls.errors import bad_parameter
from voxdesk.server.platforms.voicecalls.views import PLATFORM

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ListRequest:
    query: CallQuery
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _choice(
    params: Mapping[str, str], name: str, allowed: type[CallState | CallDirection]
) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    values = [member.value for member in allowed]
    if raw not in values:
        raise bad_parameter(name, f"{raw!r} is not one of {', '.join(values)}.")
    return raw


def _int(params: Mapping[str, str], name: str, default: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        return positive_whole_number(raw.strip(), high)
    except ValueError as exc:
        raise bad_parameter(name, str(exc)) from None


def _moment(params: Mapping[str, str], name: str, end_of_day: bool) -> datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_parameter(
            name, f"{raw!r} is not an ISO-8601 date or time (e.g. 2024-01-15T10:30:00Z)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end_of_day and _BARE_DATE.match(text):
        moment += timedelta(days=1, seconds=-1)
    return moment.astimezone(UTC)


def parse_list_request(params: Mapping[str, str]) -> ListRequest:
    campaign = params.get("campaignId")
    state = _choice(params, "state", CallState)
    direction = _choice(params, "direction", CallDirection)
    date_from = _moment(params, "dateFrom", end_of_day=False)
    date_to = _moment(params, "dateTo", end_of_day=True)
    if date_from and date_to and date_from > date_to:
        raise bad_parameter("dateFrom", "is after dateTo.")
    page = _int(params, "page", 1, MAX_PAGE)
    page_size = _int(params, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    query = CallQuery(
        platform=PLATFORM,
        group_id=campaign,
        disposition=state,
        direction=direction,
        started_from=date_from,
        started_to=date_to,
    )
    return ListRequest(query, page, page_size)
