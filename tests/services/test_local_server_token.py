"""The app passes its child server's token in the environment, never on the command
line, which every user on the machine can read (``ps``)."""

from __future__ import annotations

import httpx
import psutil
import pytest

from voxdesk.services.local_server import LocalServerProcess

pytestmark = pytest.mark.timeout(120)
TOKEN = "app-to-server-token-6f1c2a9e"


async def test_the_token_is_not_on_any_command_line(tmp_path):
    process = LocalServerProcess(tmp_path / "server", TOKEN, demo=False)
    assert TOKEN not in " ".join(process.command())
    base_url = await process.start()
    try:
        command_lines = [
            " ".join(p.info["cmdline"] or [])
            for p in psutil.process_iter(["cmdline"], ad_value=None)
        ]
        assert any("voxdesk.server" in line for line in command_lines)
        assert not [line for line in command_lines if TOKEN in line]
        members = f"{base_url}/api/external/v1/members"
        async with httpx.AsyncClient() as client:
            ok = await client.get(members, headers={"Authorization": f"Bearer {TOKEN}"})
            wrong = await client.get(members, headers={"Authorization": "Bearer nope"})
        assert (ok.status_code, wrong.status_code) == (200, 401)
    finally:
        await process.stop()
