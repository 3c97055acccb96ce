"""Upload jobs survive an upgrade from 0.1.0 and a rename of their connection, and
finish exactly once against a real local server: one call per file, stored bytes equal
to the file's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.fixtures.release import (
    CACHED_CALLS,
    CREATED_NOT_CONFIRMED,
    DONE,
    FAILED,
    TEAM,
    UNFINISHED,
    install_release_home,
    point_job_at,
)
from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from tests.uploads.conftest import (
    FAST,
    FAST_RETRY,
    METADATA,
    file_sha256,
    marked_calls,
    stored_sha256,
)
from voxdesk.domain import Call, CallStatus
from voxdesk.providers.http import HttpClient
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.services import paths
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog, CallFilter
from voxdesk.services.connections import Connection, ConnectionStore
from voxdesk.services.uploads.checks import check_file
from voxdesk.services.uploads.jobs import MARKER_UDF, UploadJob, UploadState
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.store import UploadStore


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LocalServer]:
    """A server of this test's own: the release's job ids are fixed, so calls made for
    them on a shared server would be counted by the next test."""
    with LocalServer(tmp_path / "server", extra_args=["--no-demo"]) as srv:
        yield srv


@pytest.fixture
async def provider(own_server: LocalServer) -> AsyncIterator[LocalProvider]:
    provider = LocalProvider(HttpClient(own_server.base_url, own_server.token, retry=FAST_RETRY))
    yield provider
    await provider.aclose()


async def _run_queue(connection_id: str, provider: LocalProvider) -> tuple[list[UploadJob], int]:
    """Open the app's files as the app does, resume the connection's queue and wait for
    it; returns its jobs and how many cached calls the catalog then had."""
    catalog, store = CallCatalog(paths.catalog_path()), UploadStore()
    await catalog.open()
    await store.open()
    queue = UploadQueue(CallService(connection_id, provider, catalog), store, timings=FAST)
    try:
        resumed = await queue.resume()
        jobs = await queue.wait(resumed)
        return jobs, await catalog.count(connection_id, CallFilter())
    finally:
        await queue.close()
        await store.close()
        await catalog.close()


def _assert_finished_once(server: LocalServer, jobs: list[UploadJob]) -> None:
    for job in jobs:
        assert job.state is UploadState.DONE, (job.name, job.reason)
        [on_server] = marked_calls(server, job.id)
        assert on_server["callId"] == job.call_id
        assert stored_sha256(job.public_url) == file_sha256(job.path)


@pytest.mark.parametrize("create_landed", [False, True], ids=["create-lost", "create-landed"])
async def test_release_uploads_finish_exactly_once_after_the_upgrade(
    tmp_path, monkeypatch, own_server, provider, create_landed
) -> None:
    home = tmp_path / "home"
    recordings = install_release_home(home)
    monkeypatch.setenv("VOXDESK_HOME", str(home))
    # The created-not-confirmed job had its bytes in storage when 0.1.0 quit; whether
    # its create reached the platform is what the quit left unknown. Both happen.
    created = recordings / "created.wav"
    target = await provider.request_upload(created.name, "audio/wav", created.stat().st_size)
    await provider.upload(target, created)
    point_job_at(home, CREATED_NOT_CONFIRMED, target.public_url)
    if create_landed:
        body = {
            "memberId": METADATA.member_id,
            "categoryId": "support-qa",
            "audio_url": target.public_url,
            "udfs": {"ticket": "T-crea", MARKER_UDF: CREATED_NOT_CONFIRMED},
        }
        httpx.post(own_server.api("/calls"), json=body, headers=own_server.auth).raise_for_status()

    team = ConnectionStore().find(TEAM)
    jobs, cached = await _run_queue(team.id, provider)

    assert [job.id for job in jobs] == list(UNFINISHED)
    _assert_finished_once(own_server, jobs)
    # The cached calls stayed with the connection, joined by the three new ones.
    assert cached == CACHED_CALLS + len(UNFINISHED)
    store = UploadStore()
    await store.open()
    try:
        assert (await store.get(DONE)).state is UploadState.DONE
        assert (await store.get(FAILED)).state is UploadState.FAILED
        assert marked_calls(own_server, DONE) == marked_calls(own_server, FAILED) == []
    finally:
        await store.close()


async def test_renaming_a_connection_orphans_neither_calls_nor_uploads(
    tmp_path, monkeypatch, own_server, provider
) -> None:
    monkeypatch.setenv("VOXDESK_HOME", str(tmp_path / "home"))
    connections = ConnectionStore()
    original = Connection("Team", "local", own_server.base_url, settings={"team": "qa-1"})
    connections.save(original)
    catalog = CallCatalog(paths.catalog_path())
    await catalog.open()
    await catalog.upsert_calls(
        original.id, [Call(id=f"cached-{n}", status=CallStatus.COMPLETED) for n in range(4)]
    )
    await catalog.close()
    # Two uploads the app was quit in the middle of: one waiting, one mid-upload.
    store = UploadStore()
    await store.open()
    for n, state in enumerate((UploadState.WAITING, UploadState.UPLOADING)):
        path = make_wav(tmp_path / "recordings" / f"r{n}.wav", 1.0, tone_hz=600 + n)
        check = check_file(path)
        job = await store.add(
            UploadJob(
                id=f"rename-job-{n}",
                seq=0,
                connection=original.id,
                path=path,
                member_id=METADATA.member_id,
                category_id=METADATA.category_id,
                call_date=None,
                udfs={},
                state=UploadState.WAITING,
                size=check.size,
                mtime_ns=check.mtime_ns,
                fingerprint=check.fingerprint,
                content_type=check.content_type,
            )
        )
        await store.save(replace(job, state=state))
    await store.close()

    connections.save(replace(original, name="Team QA"))

    renamed = ConnectionStore().find("Team QA")
    assert renamed is not None and renamed.id == original.id
    assert renamed.settings == {"team": "qa-1"} and ConnectionStore().find("Team") is None
    jobs, cached = await _run_queue(renamed.id, provider)
    assert [job.id for job in jobs] == ["rename-job-0", "rename-job-1"]
    _assert_finished_once(own_server, jobs)
    assert cached == 4 + len(jobs)
