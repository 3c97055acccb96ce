"""``Range: bytes=...`` for recordings, so players can seek: a single range of the
forms ``a-b``, ``a-`` and ``-n``. Anything else (several ranges, other units, junk)
is ignored and the whole file is served, as RFC 9110 allows."""

from __future__ import annotations

import re

_SINGLE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
# Any position this long is past the end of every file; ``int`` refuses 4,300+ digits.
_BEYOND_ANY_FILE = 10**18


def _position(digits: str) -> int:
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) < 18 else _BEYOND_ANY_FILE


class Unsatisfiable(Exception):
    """The range lies entirely outside the file (answer 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` byte positions to send, or ``None`` for all."""
    if not header:
        return None
    match = _SINGLE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:
        suffix = _position(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    first = _position(first_text)
    last = _position(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        raise Unsatisfiable
    return first, min(last, size - 1)
