"""Helpers the signed-storage tests share: a presigned upload URL, and what is on disk."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.local_server import LocalServer


def presign(
    client: httpx.Client,
    server: LocalServer,
    content_type: str = "audio/wav",
    filename: str = "call.wav",
) -> dict:
    response = client.post(
        server.api("/calls/presigned-url"),
        json={"filename": filename, "contentType": content_type},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def stored_files(server: LocalServer) -> set[Path]:
    """Everything under storage/ and tmp/ (temporary upload files included)."""
    return {
        path
        for folder in ("storage", "tmp")
        for path in (server.data_dir / folder).rglob("*")
        if path.is_file()
    }
