"""What the VOIX client tests share."""

from __future__ import annotations

CONNECTION = "voix-test-connection"
ROW_KEY = "+31612345678|+31201234567|2026-06-16T09:05:35.000Z"
CALL_FIELDS_EXAMPLE = {
    "from": "+31612345678",
    "to": "+31201234567",
    "startTime": "2026-06-16T09:05:35.000Z",
    "outgoing": True,
}
