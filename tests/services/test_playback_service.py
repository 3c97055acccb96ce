"""When a recording URL counts as expiring, and the per-call position memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from voxdesk.domain import Recording
from voxdesk.services.playback import PlaybackService, PositionMemory

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _service(clock: Clock) -> PlaybackService:
    return PlaybackService(service=None, clock=clock)  # type: ignore[arg-type]


def test_a_url_without_an_expiry_never_expires() -> None:
    clock = Clock()
    assert not _service(clock).expiring(Recording(url="http://x/a.wav"))


def test_a_fifteen_minute_url_is_refreshed_in_its_last_twenty_seconds() -> None:
    clock = Clock()
    playback = _service(clock)
    recording = playback._remember(
        Recording(url="http://x/a.wav?e=1", expires_at=T0 + timedelta(minutes=15))
    )
    clock.now = T0 + timedelta(minutes=14, seconds=39)
    assert not playback.expiring(recording)
    clock.now = T0 + timedelta(minutes=14, seconds=41)
    assert playback.expiring(recording)
    clock.now = T0 + timedelta(hours=1)
    assert playback.expiring(recording)


def test_a_short_lived_url_gets_a_margin_in_proportion() -> None:
    clock = Clock()
    playback = _service(clock)
    recording = playback._remember(
        Recording(url="http://x/b.wav?e=2", expires_at=T0 + timedelta(seconds=4))
    )
    clock.now = T0 + timedelta(seconds=2.9)
    assert not playback.expiring(recording)
    clock.now = T0 + timedelta(seconds=3.1)
    assert playback.expiring(recording)


def test_positions_are_remembered_per_call_bounded_and_survive_json() -> None:
    memory = PositionMemory(limit=2)
    memory.set("a", 12.345)
    memory.set("b", 3.0)
    memory.set("a", 14.0)  # most recent again
    memory.set("c", 7.0)  # "b" is the oldest: forgotten
    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (14.0, 0.0, 7.0)
    memory.set("c", 0.0)  # back at the start: nothing to remember
    again = PositionMemory.from_json(memory.to_json(), limit=2)
    assert (again.get("a"), again.get("c")) == (14.0, 0.0)
    assert PositionMemory.from_json("not json").get("a") == 0.0
    assert PositionMemory.from_json('[["a", "x"], 3]').get("a") == 0.0
