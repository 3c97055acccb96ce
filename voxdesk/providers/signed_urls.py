"""When a signed URL stops working, read from the URL itself.

Platforms rarely say when a recording URL expires, but signed URLs carry it: the local
server's (and many CDNs') ``expires=<unix seconds>``, S3 v2's ``Expires=<unix
seconds>``, S3 v4's ``X-Amz-Date`` plus ``X-Amz-Expires``, Azure SAS's ``se=<ISO-8601
UTC>`` (the voice-bot platform's recording URLs). Knowing it lets voxdesk
fetch a fresh URL before the player is refused, instead of after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit


def url_expiry(url: str) -> datetime | None:
    """The moment ``url`` stops being valid, or ``None`` when it does not say."""
    query = {key.lower(): values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    try:
        if "x-amz-date" in query and "x-amz-expires" in query:
            signed = datetime.strptime(query["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return signed + timedelta(seconds=int(query["x-amz-expires"]))
        if "expires" in query:
            return datetime.fromtimestamp(int(query["expires"]), UTC)
        if "se" in query:
            # Azure reads a date-only or offset-less expiry as UTC.
            moment = datetime.fromisoformat(query["se"])
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
    return None
