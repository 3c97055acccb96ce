"""Creating calls on a real local server through its HTTP API (no mocks)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.local_server import LocalServer


def create_call(
    server: LocalServer,
    audio: Path,
    *,
    member: str = "ana.lopez@example.com",
    category: str = "support-qa",
    date: str | None = None,
    udfs: dict | None = None,
) -> str:
    """Upload ``audio`` through a presigned URL and create a call from it; its id."""
    with httpx.Client(headers=server.auth, timeout=30) as client:
        signed = client.post(
            server.api("/calls/presigned-url"),
            json={"filename": audio.name, "contentType": "audio/wav"},
        )
        signed.raise_for_status()
        target = signed.json()["data"]
        put = httpx.put(
            target["presignedUrl"],
            content=audio.read_bytes(),
            headers={"Content-Type": "audio/wav"},
            timeout=30,
        )
        put.raise_for_status()
        body = {
            "memberId": member,
            "categoryId": category,
            "audio_url": target["publicUrl"],
            "udfs": udfs or {},
        }
        if date:
            body["date"] = date
        created = client.post(server.api("/calls"), json=body)
        created.raise_for_status()
        return created.json()["data"]["callId"]


def analysis(server: LocalServer, call_id: str) -> dict:
    response = httpx.get(server.api(f"/calls/{call_id}/analysis"), headers=server.auth)
    response.raise_for_status()
    return response.json()["data"]
