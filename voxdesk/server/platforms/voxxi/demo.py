"""Seeding the demo library on a server's first start.

``resources/demo/manifest.json`` lists calls as ``{"file": "<path under
resources/demo>" | "audio_url": "<URL>", "memberId": "<email>", "categoryId",
"date", "udfs"}``. Each file is copied into storage and the call is created through
the same ``create_call`` as ``POST /calls``, with the server's own public URL as
``audio_url``, so the demo calls are ingested and analysed like any other. Seeding
happens once per data directory, and only into an empty store.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from voxdesk.resources import resource_path
from voxdesk.server.context import ServerContext
from voxdesk.server.core.errors import ApiError
from voxdesk.server.core.storage import UnsafeKey, sanitise_filename
from voxdesk.server.platforms.voxxi.calls import create_call, parse_new_call, resolve_member

log = logging.getLogger(__name__)

SEEDED_SETTING = "demo_seeded"


def manifest_path() -> Path:
    return resource_path("demo", "manifest.json")


def _demo_key(relative: str) -> str:
    parts = [sanitise_filename(part) for part in Path(relative).parts if part not in ("", ".")]
    return "demo/" + "/".join(parts)


def _prepare(ctx: ServerContext, manifest: Path) -> list[dict[str, Any]]:
    """Copy demo files into storage and register members; returns create-call bodies."""
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError("the manifest must be a JSON list")
    bodies = []
    for entry in entries:
        body = {k: v for k, v in entry.items() if k != "file"}
        if "file" in entry:
            source = manifest.parent / entry["file"]
            key = _demo_key(entry["file"])
            ctx.storage.import_file(key, source)
            body["audio_url"] = ctx.urls.public_url(key)
        if isinstance(body.get("memberId"), str):
            resolve_member(ctx.store, body["memberId"])
        bodies.append(body)
    return bodies


async def seed_demo(ctx: ServerContext) -> int:
    """Seed the demo calls if this data dir never had them; returns how many."""
    store = ctx.store
    if await asyncio.to_thread(store.get_setting, SEEDED_SETTING):
        return 0
    if await asyncio.to_thread(store.count_calls):
        log.info("Not seeding the demo library: the store already has calls")
        await asyncio.to_thread(store.set_setting, SEEDED_SETTING, "skipped")
        return 0
    manifest = manifest_path()
    if not manifest.is_file():
        log.info("No demo library to seed (%s does not exist)", manifest)
        return 0
    try:
        bodies = await asyncio.to_thread(_prepare, ctx, manifest)
    except (OSError, ValueError, UnsafeKey, ApiError) as exc:
        log.error("The demo library could not be seeded: %s", exc)
        return 0
    created = 0
    for body in bodies:
        try:
            await create_call(store, ctx.pipeline, parse_new_call(body, ctx.scorecards))
            created += 1
        except ApiError as exc:
            log.error("Skipping a demo call: %s", exc.message)
    await asyncio.to_thread(store.set_setting, SEEDED_SETTING, "yes")
    log.info("Seeded %d demo call(s)", created)
    return created
