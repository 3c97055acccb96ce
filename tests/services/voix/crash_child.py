"""A sender that dies: prepares a call in the outbox, optionally sends beat 1, then
SIGKILLs itself before closing anything (``python -m tests.services.voix.crash_child
DB BASE_URL KEY MODE``; MODE ``before-send`` or ``after-beat-1``). Prints the callId."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.services.voix.outbox_support import CALL_FIELDS_EXAMPLE, CONNECTION, ROW_KEY
from voxdesk.providers.voix import VoixProvider, VoixSettings
from voxdesk.services.voix_outbox import VoixOutbox


async def main(db: str, base_url: str, key: str, mode: str) -> None:
    outbox = VoixOutbox(Path(db))
    await outbox.open()
    call = await outbox.prepare(CONNECTION, ROW_KEY, CALL_FIELDS_EXAMPLE)
    if mode == "after-beat-1":
        provider = VoixProvider.from_settings(VoixSettings(base_url=base_url, token=key))
        result = await outbox.send(provider, call)
        assert result.outcome == "sent", result
    print(call.call_id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
