"""Calls sent from this desk, in the list and followed until VOIX has finished with them.

What the desk sent is known at once (``sent_call``: the outbox's fields, the status its
last answered beat implies: received after beat 1, transcribing after the finishing
beat), so a call is listed the moment VOIX answers. Then ``follow_sent`` reads each
transcribing call through the lifecycle extension (``GET /calls/{callId}``, which the
voxdesk local server has) with a growing delay, until it is completed or failed. A VOIX
without the extension answers 404: the call then stays as the desk knows it sent it.
A received call waits for its finishing beat, so it is not polled.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime

from voxdesk.domain import Call, CallStatus, Direction
from voxdesk.domain.phone import parse_e164
from voxdesk.providers.errors import NotFound, ProviderError
from voxdesk.providers.voix import VoixProvider
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.voix_outbox import OutboxCall

log = logging.getLogger("voxdesk.voix")

FIRST_DELAY = 1.0
MAX_DELAY = 15.0


def _phone(value: object) -> str | None:
    try:
        return None if value is None else parse_e164(str(value))
    except ValueError:
        return None


def sent_call(call: OutboxCall) -> Call:
    """The call as the desk knows it sent it."""
    fields = call.fields
    status = CallStatus.PROCESSING if call.job_id is not None else CallStatus.PENDING
    outgoing = fields.get("outgoing")
    started = datetime.fromisoformat(str(fields["startTime"]).replace("Z", "+00:00"))
    duration = fields.get("duration")
    udfs = {"from": fields.get("from"), "to": fields.get("to"), "jobId": call.job_id}
    return Call(
        id=call.call_id,
        status=status,
        member_id=fields.get("userId"),
        date=started,
        started_at=started,
        duration=None if duration is None else float(duration),
        direction=None
        if outgoing is None
        else (Direction.OUTBOUND if outgoing else Direction.INBOUND),
        from_number=_phone(fields.get("from")),
        to_number=_phone(fields.get("to")),
        udfs={k: v for k, v in udfs.items() if v is not None},
    )


async def remember_sent(catalog: CallCatalog, connection: str, calls: Iterable[OutboxCall]) -> None:
    """List these just-answered calls as the desk knows them."""
    await catalog.upsert_calls(connection, [sent_call(call) for call in calls])


async def follow_sent(
    provider: VoixProvider,
    catalog: CallCatalog,
    connection: str,
    call_ids: Iterable[str],
    *,
    first_delay: float = FIRST_DELAY,
    max_delay: float = MAX_DELAY,
    on_update: Callable[[Call], None] | None = None,
) -> None:
    """Read each call until it is final (or received: it waits for its finishing beat,
    or VOIX has no lifecycle extension), backing off between rounds; every read is
    stored in the catalog. Cancel the task to stop."""
    waiting = set(call_ids)
    delay = first_delay
    while waiting:
        for call_id in sorted(waiting):
            try:
                call = await provider.get_call(call_id)
            except NotFound:
                # No lifecycle here (or not this call): what the desk sent stands.
                waiting.discard(call_id)
                continue
            except ProviderError as exc:
                log.info("following VOIX call %s failed for now: %s", call_id, exc)
                continue
            await catalog.upsert_calls(connection, [call])
            if on_update is not None:
                on_update(call)
            if call.status is not CallStatus.PROCESSING:
                waiting.discard(call_id)
        if not waiting:
            return
        await asyncio.sleep(delay * random.uniform(0.9, 1.1))
        delay = min(delay * 1.5, max_delay)


async def unfinished_ids(catalog: CallCatalog, connection: str) -> list[str]:
    """The connection's calls VOIX is still working on, to follow after a restart."""
    return await catalog.pending_ids(connection)
