"""Speed and time left of one transfer, from the progress a PUT reports.

The speed is measured over the last few seconds rather than since the start, so a
stall shows at once and a retried upload (which starts again from byte 0) does not
average in the bytes of the attempt that was cut.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 3.0
MIN_SPAN_SECONDS = 0.2


class TransferMeter:
    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()
        self.sent = 0

    def add(self, sent: int) -> None:
        """Record that ``sent`` bytes have gone so far; fewer than before means a restart."""
        if sent < self.sent:
            self._samples.clear()
        now = self._clock()
        self.sent = sent
        self._samples.append((now, sent))
        while len(self._samples) > 2 and now - self._samples[0][0] > WINDOW_SECONDS:
            self._samples.popleft()

    @property
    def speed(self) -> float | None:
        """Bytes per second over the window, or ``None`` until there is enough to tell."""
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if t1 - t0 < MIN_SPAN_SECONDS:
            return None
        return (b1 - b0) / (t1 - t0)

    @property
    def seconds_left(self) -> float | None:
        speed = self.speed
        if not speed:
            return None
        return max(0.0, self.total - self.sent) / speed
