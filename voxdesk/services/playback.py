"""Where a call's recording can be played from right now, and where the reviewer left it.

Several platforms sign recording URLs for a few minutes (15 in the contracts), and a
reviewer may leave a call open far longer. A URL known to expire within
``REFRESH_MARGIN`` is replaced by a fresh one from the provider before it is used; one
that fails anyway (its expiry was not known) is replaced on demand by ``fresh``. A URL
that lives only a short while gets a margin in proportion (a quarter of its life).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from voxdesk.domain import Call, Recording
from voxdesk.services.calls import CallService

#: A URL this close to its expiry is refreshed before it is handed to the player.
REFRESH_MARGIN = timedelta(seconds=20)
#: Calls whose playing position is remembered (the most recently left ones).
REMEMBERED_POSITIONS = 500
#: URLs whose first sighting is kept (to know their lifetime); forgotten all at once.
REMEMBERED_URLS = 1000


def _now() -> datetime:
    return datetime.now(UTC)


class PlaybackService:
    """``source(call)`` before playing; ``fresh(call)`` when the URL was refused."""

    def __init__(self, service: CallService, clock: Callable[[], datetime] = _now) -> None:
        self.service = service
        self._clock = clock
        #: When each URL handed out was first seen, to know how long it lives.
        self._seen: dict[str, datetime] = {}

    def expiring(self, recording: Recording) -> bool:
        """Whether ``recording``'s URL expires too soon to be handed to the player."""
        expires = recording.expires_at
        if expires is None:
            return False
        now = self._clock()
        lifetime = expires - self._seen.get(recording.url, now)
        margin = min(REFRESH_MARGIN, max(lifetime, timedelta(0)) / 4)
        return expires - now <= margin

    async def source(self, call: Call) -> Recording | None:
        """The call's recording URL, refreshed first if it is about to expire."""
        if call.recording is not None and not self.expiring(call.recording):
            return self._remember(call.recording)
        return await self.fresh(call)

    async def fresh(self, call: Call) -> Recording | None:
        """A newly issued URL (raises ``ProviderError`` when the platform refuses)."""
        recording = await self.service.provider.playback(call)
        return self._remember(recording) if recording is not None else None

    def _remember(self, recording: Recording) -> Recording:
        if recording.url not in self._seen:
            if len(self._seen) >= REMEMBERED_URLS:
                self._seen.clear()
            self._seen[recording.url] = self._clock()
        return recording


class PositionMemory:
    """Where playback stopped in each call, most recent last, bounded in size."""

    def __init__(self, limit: int = REMEMBERED_POSITIONS) -> None:
        self.limit = limit
        self._positions: OrderedDict[str, float] = OrderedDict()

    def get(self, call_id: str) -> float:
        return self._positions.get(call_id, 0.0)

    def set(self, call_id: str, seconds: float) -> None:
        self._positions.pop(call_id, None)
        if seconds > 0:
            self._positions[call_id] = round(seconds, 2)
        while len(self._positions) > self.limit:
            self._positions.popitem(last=False)

    def to_json(self) -> str:
        return json.dumps(list(self._positions.items()))

    @classmethod
    def from_json(cls, text: str | None, limit: int = REMEMBERED_POSITIONS) -> PositionMemory:
        memory = cls(limit)
        try:
            pairs = json.loads(text or "[]")
        except ValueError:
            return memory
        for pair in pairs if isinstance(pairs, list) else ():
            if isinstance(pair, list) and len(pair) == 2:
                call_id, seconds = pair
                if isinstance(call_id, str) and isinstance(seconds, int | float):
                    memory.set(call_id, float(seconds))
        return memory
