"""Seeding the demo library on a server's first start.

``resources/demo/manifest.json`` lists calls as ``{"file": "<path under
resources/demo>" | "audio_url": "<URL>", "memberId": "<email>", "categoryId",
"date", "udfs"}``. Each file is copied into storage and the call is created through
the same ``create_call`` as ``POST /calls``, with the server's own public URL as
``audio_url``, so the demo calls are ingested and analysed like any other, except that
a call whose result ships in ``analysis-cache.json.gz`` (``core.result_cache``; same
recording, scorecard and engine version) is recorded completed at once, before the
server answers its first request: on first run the demo is complete when the window
opens. Seeding happens once per data directory, and only into an empty store.
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
from voxdesk.server.platforms.voxxi.calls import (
    NewCall,
    add_analysed_call,
    create_call,
    parse_new_call,
    resolve_member,
)

log = logging.getLogger(__name__)

SEEDED_SETTING = "demo_seeded"


def manifest_path() -> Path:
    return resource_path("demo", "manifest.json")


def shipped_cache_path() -> Path:
    """The demo library's results (``packaging/make_demo_library.py`` writes it)."""
    return resource_path("demo", "analysis-cache.json.gz")


def _demo_key(relative: str) -> str:
    parts = [sanitise_filename(part) for part in Path(relative).parts if part not in ("", ".")]
    return "demo/" + "/".join(parts)


def _prepare(ctx: ServerContext, manifest: Path) -> list[tuple[dict[str, Any], Path | None]]:
    """Copy demo files into storage and register members; returns create-call bodies,
    each with its recording's file in the library (``None`` for a URL)."""
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError("the manifest must be a JSON list")
    bodies = []
    for entry in entries:
        body = {k: v for k, v in entry.items() if k != "file"}
        source = None
        if "file" in entry:
            source = manifest.parent / entry["file"]
            key = _demo_key(entry["file"])
            ctx.storage.import_file(key, source)
            body["audio_url"] = ctx.urls.public_url(key)
        if isinstance(body.get("memberId"), str):
            resolve_member(ctx.store, body["memberId"])
        bodies.append((body, source))
    return bodies


async def _add(ctx: ServerContext, new: NewCall, source: Path | None) -> None:
    """Record the call completed from the shipped results if they hold it, else queue it."""
    scorecard = ctx.scorecards[new.category_id]
    if source is not None:
        recipe = await asyncio.to_thread(ctx.pipeline.recipe, scorecard)
        result = await ctx.pipeline.cached_result(source, recipe)
        if result is not None:
            await add_analysed_call(ctx.store, new, result)
            return
    await create_call(ctx.store, ctx.pipeline, new)


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
    for body, source in bodies:
        try:
            await _add(ctx, parse_new_call(body, ctx.scorecards), source)
            created += 1
        except ApiError as exc:
            log.error("Skipping a demo call: %s", exc.message)
    await asyncio.to_thread(store.set_setting, SEEDED_SETTING, "yes")
    log.info("Seeded %d demo call(s)", created)
    return created
