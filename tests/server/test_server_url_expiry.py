"""A signed URL lives at least as long as it was signed for."""

from __future__ import annotations

import time

from voxdesk.server.core.urls import expiry_after


def test_a_url_signed_for_n_seconds_lives_at_least_n_seconds() -> None:
    # Expiry is a whole second: rounding now down would let a 1 s playback URL
    # (--recording-url-ttl 1) be dead before its first byte is asked for.
    for ttl in (1, 2, 900):
        before = time.time()
        expires = expiry_after(ttl)
        assert expires >= before + ttl
        assert expires <= time.time() + ttl + 1
