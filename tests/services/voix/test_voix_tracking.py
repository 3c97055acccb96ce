"""Calls sent from the desk, followed through the lifecycle extension until VOIX is done
with them; where VOIX has no lifecycle for a call (404), what the desk sent stands."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.server.voix.conftest import RecordingServer
from tests.server.voix.voix_support import TEAM_KEY
from tests.services.voix.outbox_support import CALL_FIELDS_EXAMPLE
from tests.support.local_server import LocalServer
from voxdesk.domain import CallStatus, Direction
from voxdesk.providers.voix import VoixProvider, VoixSettings
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.voix_outbox import Sent, VoixOutbox
from voxdesk.services.voix_tracking import follow_sent, remember_sent, sent_call

CONNECTION = "voix-desk"


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[tuple[VoixOutbox, CallCatalog]]:
    outbox, catalog = VoixOutbox(tmp_path / "outbox.sqlite3"), CallCatalog(tmp_path / "c.sqlite3")
    await outbox.open()
    await catalog.open()
    yield outbox, catalog
    await catalog.close()
    await outbox.close()


def _provider(voix_server: LocalServer) -> VoixProvider:
    provider = VoixProvider.from_settings(
        VoixSettings(base_url=voix_server.base_url, token=TEAM_KEY)
    )
    assert isinstance(provider, VoixProvider)
    return provider


async def test_a_sent_call_is_listed_at_once_and_followed_to_completed(
    voix_server: LocalServer,
    recordings: RecordingServer,
    stores: tuple[VoixOutbox, CallCatalog],
) -> None:
    outbox, catalog = stores
    provider = _provider(voix_server)
    try:
        url = recordings.url("support-01-modem-reset.ogg") + "?tracking"
        call = await outbox.prepare(CONNECTION, "row", CALL_FIELDS_EXAMPLE, url)
        result = await outbox.send(provider, call)
        assert result.outcome is Sent.SENT
        await remember_sent(catalog, CONNECTION, [result.call])
        listed = await catalog.get_call(CONNECTION, call.call_id)
        assert listed is not None and listed.status is CallStatus.PROCESSING

        seen: list[CallStatus] = []
        await asyncio.wait_for(
            follow_sent(
                provider,
                catalog,
                CONNECTION,
                [call.call_id],
                first_delay=0.2,
                max_delay=1.0,
                on_update=lambda found: seen.append(found.status),
            ),
            timeout=240,
        )
        final = await catalog.get_call(CONNECTION, call.call_id)
        assert final is not None and final.status is CallStatus.COMPLETED
        assert final.transcript and seen[-1] is CallStatus.COMPLETED
    finally:
        await provider.aclose()


async def test_without_a_lifecycle_for_the_call_what_the_desk_sent_stands(
    voix_server: LocalServer, stores: tuple[VoixOutbox, CallCatalog]
) -> None:
    outbox, catalog = stores
    provider = _provider(voix_server)
    try:
        # Known to the desk only (never answered by this VOIX): its lifecycle is a 404.
        call = await outbox.prepare(CONNECTION, "unsent", {**CALL_FIELDS_EXAMPLE}, None)
        known = sent_call(call)
        assert known.status is CallStatus.PENDING
        assert known.direction is Direction.OUTBOUND  # the example's outgoing: true
        await remember_sent(catalog, CONNECTION, [call])
        await asyncio.wait_for(
            follow_sent(provider, catalog, CONNECTION, [call.call_id], first_delay=0.1),
            timeout=10,
        )
        kept = await catalog.get_call(CONNECTION, call.call_id)
        assert kept is not None and kept == known
    finally:
        await provider.aclose()
