"""The upload flow under faults injected between client and server by ``FaultyProxy``:
a cut PUT, an expired URL, a failed or lost create, a cancel mid-upload. Whatever
happens, one file becomes exactly one call, with exactly the file's bytes."""

from __future__ import annotations

import pytest

from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from tests.uploads.conftest import (
    METADATA,
    file_sha256,
    marked_calls,
    stored_sha256,
    until,
)
from tests.uploads.faulty_proxy import (
    ANSWER_503,
    CREATE_PATH,
    CUT_HALFWAY,
    HOLD,
    PRESIGN_PATH,
    STORAGE_PATH,
    SWALLOW_RESPONSE,
    THROTTLE,
    Fault,
    FaultyProxy,
)
from voxdesk.providers.voxxi import VoxxiProvider
from voxdesk.services.uploads.jobs import UploadState


@pytest.fixture
async def proxy(server):
    proxy = await FaultyProxy(server.port).start()
    yield proxy
    await proxy.stop()


async def _upload_one(make_queue, proxy, path, **options):
    queue = await make_queue(proxy.base_url, **options)
    [job_id] = await queue.add([path], METADATA)
    [job] = await queue.wait([job_id])
    return queue, job


async def test_a_put_cut_halfway_restarts_from_byte_zero(server, make_queue, proxy, tmp_path):
    recording = make_wav(tmp_path / "long.wav", 3.0)  # 192 KB: several proxy reads
    proxy.faults.append(Fault("PUT", STORAGE_PATH, CUT_HALFWAY))
    _, job = await _upload_one(make_queue, proxy, recording)
    assert job.state is UploadState.DONE, job.reason
    assert proxy.count("PUT", STORAGE_PATH) == 2
    assert proxy.count("POST", PRESIGN_PATH) == 1  # the same URL, replayed whole
    assert stored_sha256(job.public_url) == file_sha256(recording)
    assert len(marked_calls(server, job.id)) == 1


@pytest.fixture(scope="module")
def short_url_server(tmp_path_factory):
    """A server whose presigned upload URLs live one second, so they really expire."""
    with LocalServer(
        tmp_path_factory.mktemp("short-url") / "data",
        extra_args=["--no-demo", "--upload-url-ttl", "1"],
    ) as srv:
        yield srv


@pytest.fixture
async def short_url_proxy(short_url_server):
    proxy = await FaultyProxy(short_url_server.port).start()
    yield proxy
    await proxy.stop()


async def test_an_expired_url_gets_one_fresh_url_and_one_retry(
    short_url_server, make_queue, short_url_proxy, tmp_path
):
    proxy = short_url_proxy
    recording = make_wav(tmp_path / "a.wav", 1.0)
    proxy.faults.append(Fault("PUT", STORAGE_PATH, HOLD, seconds=2.5))
    _, job = await _upload_one(make_queue, proxy, recording)
    assert job.state is UploadState.DONE, job.reason
    assert proxy.count("POST", PRESIGN_PATH) == 2
    assert proxy.count("PUT", STORAGE_PATH) == 2
    assert stored_sha256(job.public_url) == file_sha256(recording)
    assert len(marked_calls(short_url_server, job.id)) == 1


async def test_a_url_refused_twice_fails_without_looping(
    short_url_server, make_queue, short_url_proxy, tmp_path
):
    proxy = short_url_proxy
    recording = make_wav(tmp_path / "a.wav", 1.0)
    proxy.faults.append(Fault("PUT", STORAGE_PATH, HOLD, times=5, seconds=2.5))
    _, job = await _upload_one(make_queue, proxy, recording)
    assert job.state is UploadState.FAILED
    assert "expired" in job.reason
    assert proxy.count("POST", PRESIGN_PATH) == 2
    assert proxy.count("PUT", STORAGE_PATH) == 2
    assert marked_calls(short_url_server, job.id) == []


async def test_503_on_create_then_success_makes_exactly_one_call(
    server, make_queue, proxy, tmp_path
):
    recording = make_wav(tmp_path / "a.wav", 1.0)
    proxy.faults.append(Fault("POST", CREATE_PATH, ANSWER_503))
    _, job = await _upload_one(make_queue, proxy, recording)
    assert job.state is UploadState.DONE, job.reason
    assert proxy.count("POST", CREATE_PATH) == 2
    [call] = marked_calls(server, job.id)
    assert call["callId"] == job.call_id


async def test_a_lost_create_answer_is_reconciled_not_replayed(
    server, make_queue, proxy, tmp_path, catalog
):
    recording = make_wav(tmp_path / "a.wav", 1.0)
    proxy.faults.append(Fault("POST", CREATE_PATH, SWALLOW_RESPONSE))
    queue = await make_queue(proxy.base_url)
    states: list[UploadState] = []
    queue.subscribe(lambda job_id: states.append(queue.job(job_id).state))
    [job_id] = await queue.add([recording], METADATA)
    [job] = await queue.wait([job_id])
    assert job.state is UploadState.DONE, job.reason
    assert UploadState.OUTCOME_UNKNOWN in states
    assert proxy.count("POST", CREATE_PATH) == 1
    [call] = marked_calls(server, job.id)
    assert call["callId"] == job.call_id
    row = await catalog.get_row("local", job.call_id)
    assert row is not None and row.status.value == "completed"


async def test_without_a_call_list_a_lost_answer_stays_unknown(server, make_queue, proxy, tmp_path):
    recording = make_wav(tmp_path / "a.wav", 1.0)
    proxy.faults.append(Fault("POST", CREATE_PATH, SWALLOW_RESPONSE))
    _, job = await _upload_one(make_queue, proxy, recording, provider_type=VoxxiProvider)
    assert job.state is UploadState.OUTCOME_UNKNOWN
    assert "cannot list calls" in job.reason and "Retry creates it again" in job.reason
    assert job.can_retry
    assert len(marked_calls(server, job.id)) == 1  # it was made; voxdesk did not guess


async def test_cancel_mid_upload_then_retry(server, make_queue, proxy, tmp_path):
    recording = make_wav(tmp_path / "slow.wav", 3.0)
    proxy.faults.append(Fault("PUT", STORAGE_PATH, THROTTLE, bytes_per_second=40_000))
    queue = await make_queue(proxy.base_url)
    [job_id] = await queue.add([recording], METADATA)
    await until(lambda: any(p.startswith(STORAGE_PATH) for p in proxy.body_bytes))
    assert queue.job(job_id).state is UploadState.UPLOADING
    assert queue.cancel(job_id)
    [job] = await queue.wait([job_id])
    assert job.state is UploadState.CANCELLED
    assert marked_calls(server, job_id) == []
    assert queue.retry(job_id)
    [job] = await queue.wait([job_id])
    assert job.state is UploadState.DONE, job.reason
    assert stored_sha256(job.public_url) == file_sha256(recording)
    assert len(marked_calls(server, job_id)) == 1
