"""Seeding Vozzo's demo library on a server's first start.

``resources/demo/vozzo/manifest.json`` (written by ``packaging/make_vozzo_demo.py``)
holds the demo use cases and, for each call, its recording (spoken by the demo's
synthesiser), use case, call date and call type. The use cases are created, each
recording copied into storage as an uploaded recording of the ``default`` profile and
returned for processing, which the platform queues: the first start only copies a few
small files, and transcription and analysis run in the background like any upload's.
Seeding happens once per data dir, and only into an organization with no use cases.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from pydantic import ValidationError

from voxdesk.contracts.vozzo import DEFAULT_PROFILE, UsecaseCreate
from voxdesk.resources import resource_path
from voxdesk.server.core.storage import FORMAT_TYPES, Storage, StorageError
from voxdesk.server.platforms.vozzo.db import VozzoDb
from voxdesk.server.platforms.vozzo.recordings import NewRecording, RecordingStore, storage_key
from voxdesk.server.platforms.vozzo.usecases import UsecaseStore

log = logging.getLogger(__name__)

SEEDED_SETTING = "demo_seeded"


def manifest_path() -> Path:
    return resource_path("demo", "vozzo", "manifest.json")


def seed_demo(
    db: VozzoDb, usecases: UsecaseStore, recordings: RecordingStore, storage: Storage
) -> list[str]:
    """Seed the demo if this data dir never had it; the recordings to process."""
    if db.get_setting(SEEDED_SETTING):
        return []
    if usecases.page(offset=0, limit=1, tag=None)[1]:
        db.set_setting(SEEDED_SETTING, "skipped")
        return []
    manifest = manifest_path()
    if not manifest.is_file():
        log.info("No Vozzo demo library to seed (%s does not exist)", manifest)
        return []
    try:
        entries = json.loads(manifest.read_text("utf-8"))
        created = {
            key: usecases.create(UsecaseCreate(org_uuid=db.org.org_uuid, **fields)).usecase_uuid
            for key, fields in entries["usecases"].items()
        }
        seeded = [
            _seed_call(db, recordings, storage, manifest.parent, call, created)
            for call in entries["calls"]
        ]
    except (OSError, ValueError, KeyError, TypeError, ValidationError, StorageError) as exc:
        log.error("The Vozzo demo library could not be seeded: %s", exc)
        return []
    db.set_setting(SEEDED_SETTING, "yes")
    log.info("Seeded %d Vozzo use case(s) and %d recording(s)", len(created), len(seeded))
    return seeded


def _seed_call(
    db: VozzoDb,
    recordings: RecordingStore,
    storage: Storage,
    folder: Path,
    call: dict,
    usecases: dict[str, str],
) -> str:
    source = folder / call["file"]
    recording_uuid = str(uuid.uuid4())
    s3_key = f"{db.org.client_name}/{DEFAULT_PROFILE}/recordings/{recording_uuid}.ogg"
    storage.import_file(storage_key(s3_key), source)
    usecase_uuid = usecases[call["usecase"]]
    recordings.add(
        NewRecording(
            recording_uuid=recording_uuid,
            usecase_uuid=usecase_uuid,
            profile=DEFAULT_PROFILE,
            file_name=source.name,
            file_size=source.stat().st_size,
            content_type=FORMAT_TYPES["ogg"],
            s3_key=s3_key,
            storage_key=storage_key(s3_key),
            call_date=call["call_date"],
            call_type=call["call_type"],
            metadata={
                "usecase_uuid": usecase_uuid,
                "call_date": call["call_date"],
                "call_type": call["call_type"],
                "demo": True,
            },
        ),
        stored=True,
    )
    return recording_uuid
