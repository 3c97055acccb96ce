"""What the desk proposes for a dropped recording, and where VOIX can fetch it from."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.audio import make_wav
from voxdesk.services.voix_recordings import (
    NOWHERE_TO_STAGE,
    StagingPlace,
    recording_defaults,
    staging_refusal,
    time_in_name,
)

LOCAL = StagingPlace("Local", "http://127.0.0.1:8765", "token")


@pytest.mark.parametrize(
    "name",
    [
        "support 2026-06-16 09.05.35",
        "20260616T090535-inbound",
        "call_2026-06-16_09-05-35_ext12",
        "rec-20260616-090535",
    ],
)
def test_a_start_time_in_the_file_name_is_read(name: str) -> None:
    assert time_in_name(name) == datetime(2026, 6, 16, 9, 5, 35).astimezone()


@pytest.mark.parametrize("name", ["voicemail", "2026-13-40 25.61.00", "call 12345678901234"])
def test_a_name_without_a_real_date_time_gives_none(name: str) -> None:
    assert time_in_name(name) is None


def test_without_one_the_file_was_written_as_the_call_ended(tmp_path: Path) -> None:
    path = make_wav(tmp_path / "voicemail.wav", 3.0)
    ended = datetime(2026, 6, 16, 9, 6, 0).timestamp()
    os.utime(path, (ended, ended))
    found = recording_defaults(path)
    assert found.duration == 3
    assert found.started_from == "file modification time"
    assert found.started_at.timestamp() == ended - 3


def test_a_file_that_is_not_audio_has_no_duration(tmp_path: Path) -> None:
    path = tmp_path / "notes 2026-06-16 09.05.35.wav"
    path.write_text("not audio")
    found = recording_defaults(path)
    assert found.duration is None and found.started_from == "file name"


def test_staging_is_refused_where_voix_could_not_fetch() -> None:
    assert staging_refusal("https://ingest.voix.tech", None) == NOWHERE_TO_STAGE
    refusal = staging_refusal("https://ingest.voix.tech", LOCAL)
    assert refusal is not None and "could not fetch recordings staged on 'Local'" in refusal
    for nearby in ("http://localhost:9000", "http://192.168.1.20:8765", "http://box.local"):
        place = StagingPlace("Nearby", nearby, "token")
        assert staging_refusal("https://ingest.voix.tech", place) is not None, nearby
    # A VOIX on this computer fetches from this computer; a public place is fine anywhere.
    assert staging_refusal("http://127.0.0.1:8765", LOCAL) is None
    public = StagingPlace("Stage", "https://stage.example.com", "token")
    assert staging_refusal("https://ingest.voix.tech", public) is None
