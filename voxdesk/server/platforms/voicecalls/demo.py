"""Seeding the voice-bot demo library on a server's first start.

``resources/demo/voicecalls/manifest.json`` (written by
``packaging/make_voicecalls_demo.py``) lists each call as its contract body plus
``"recording": "<file under resources/demo/voicecalls>"`` for calls that connected.
Recordings are copied into storage (``voicecalls/demo/…``) and the calls inserted in
one transaction — once per data dir, and only into a platform with no calls yet.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from voxdesk.contracts.voicecalls import VoiceCall
from voxdesk.resources import resource_path
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.store import CoreStore
from voxdesk.server.platforms.voicecalls.views import PLATFORM, core_call

log = logging.getLogger(__name__)

SEEDED_SETTING = "voicecalls_demo_seeded"


def manifest_path() -> Path:
    return resource_path("demo", "voicecalls", "manifest.json")


def seed_demo(store: CoreStore, storage: Storage) -> int:
    """Seed the demo voice calls if this data dir never had them; returns how many."""
    if store.get_setting(SEEDED_SETTING):
        return 0
    if store.count_calls(PLATFORM):
        store.set_setting(SEEDED_SETTING, "skipped")
        return 0
    manifest = manifest_path()
    if not manifest.is_file():
        log.info("No voice-call demo library to seed (%s does not exist)", manifest)
        return 0
    calls = []
    for entry in json.loads(manifest.read_text("utf-8"))["calls"]:
        wire = VoiceCall.model_validate(entry)
        key = None
        if entry.get("recording"):
            key = f"voicecalls/demo/{Path(entry['recording']).name}"
            storage.import_file(key, manifest.parent / entry["recording"])
        calls.append(core_call(wire, key))
    count = store.insert_calls(calls)
    store.set_setting(SEEDED_SETTING, "yes")
    log.info("Seeded %d demo voice call(s)", count)
    return count
