"""Page numbers and page sizes from a query string, read the same way on every platform.

Only ASCII digits count (``int`` would also take ``" 1_0"`` or full-width digits), and a
number of thousands of digits is refused without being converted (see ``whole_number``).
Each platform turns the ``ValueError`` into a 400 in its own envelope, naming the
parameter.
"""

from __future__ import annotations

from voxdesk.server.core.wire_json import whole_number

#: Far past any real library; keeps the SQL row offset inside SQLite's 64-bit integers.
MAX_PAGE = 10_000_000


def positive_whole_number(text: str, maximum: int) -> int:
    """``text`` as a whole number from 1 to ``maximum``; a ``ValueError`` whose message
    says what is wrong otherwise."""
    value = whole_number(text, maximum)
    if value is None:
        raise ValueError(f"{text!r} is not a whole number.")
    if not 1 <= value <= maximum:
        raise ValueError(f"must be between 1 and {maximum}, got {text}.")
    return value
