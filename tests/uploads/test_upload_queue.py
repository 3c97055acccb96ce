"""The upload queue against the real local server: checks, the happy path, cancel,
retry, and the catalog row that follows each upload."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

from tests.support.audio import make_wav
from tests.uploads.conftest import METADATA, file_sha256, marked_calls, stored_sha256
from voxdesk.domain import CallStatus
from voxdesk.services.uploads.checks import check_file
from voxdesk.services.uploads.jobs import MARKER_UDF, UploadState

ROOT = Path(__file__).resolve().parents[2]


async def test_valid_files_become_completed_calls(server, make_queue, catalog, tmp_path) -> None:
    folder = tmp_path / "batch"
    make_wav(folder / "a.wav", 1.0)
    make_wav(folder / "nested" / "b.wav", 1.5)
    queue = await make_queue()
    seen: list[str] = []
    queue.subscribe(seen.append)
    ids = await queue.add([folder], METADATA)
    jobs = await queue.wait(ids)
    assert [j.name for j in jobs] == ["a.wav", "b.wav"]
    for job in jobs:
        assert job.state is UploadState.DONE, job.reason
        assert job.call_id and job.reason is None
        call = await catalog.get_call("local", job.call_id)
        assert call is not None and call.status is CallStatus.COMPLETED
        assert call.udfs == {"ticket": "T-7", MARKER_UDF: job.id}
        [on_server] = marked_calls(server, job.id)
        assert on_server["callId"] == job.call_id
        assert stored_sha256(job.public_url) == file_sha256(job.path)
    assert set(seen) == set(ids)
    totals = queue.totals()
    assert (totals.succeeded, totals.failed, totals.fraction) == (2, 0, 1.0)


async def test_refused_files_are_listed_and_the_rest_proceed(make_queue, tmp_path) -> None:
    good = make_wav(tmp_path / "good.wav", 1.0)
    fake = tmp_path / "notes.wav"
    fake.write_text("this is a text file with a .wav name\n" * 20)
    big = make_wav(tmp_path / "big.wav", 3.0)  # 192 KB, over the 150 KB limit below
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    missing = tmp_path / "gone.wav"
    queue = await make_queue(max_bytes=150_000)
    ids = await queue.add([good, fake, big, empty, missing], METADATA)
    jobs = {j.name: j for j in await queue.wait(ids)}
    assert jobs["good.wav"].state is UploadState.DONE
    refused = {name: j.reason for name, j in jobs.items() if j.state is UploadState.REFUSED}
    assert set(refused) == {"notes.wav", "big.wav", "empty.mp3", "gone.wav"}
    assert "not a recording" in refused["notes.wav"]
    assert "larger than" in refused["big.wav"]
    assert "empty" in refused["empty.mp3"]
    assert "no longer exists" in refused["gone.wav"]
    assert queue.totals().failed == 4


async def test_an_unreadable_file_is_refused(make_queue, tmp_path) -> None:
    locked = make_wav(tmp_path / "locked.wav", 1.0)
    locked.chmod(0)
    try:
        queue = await make_queue()
        [job] = await queue.wait(await queue.add([locked], METADATA))
    finally:
        locked.chmod(0o600)
    if os.geteuid() == 0:
        # Root reads every file, so the refusal is proven by an unprivileged child below.
        assert job.state is UploadState.DONE, job.reason
    else:
        assert job.state is UploadState.REFUSED
        assert "cannot be read" in job.reason


def test_the_checker_refuses_a_file_its_user_cannot_read(tmp_path) -> None:
    """Runs the real check in a forked child that has dropped to an unprivileged user
    when the suite runs as root (as in CI), where every file is readable."""
    locked = make_wav(tmp_path / "locked.wav", 0.5)
    locked.chmod(0)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        status = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)  # nobody
            os.write(write_end, (check_file(locked).reason or "").encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        reason = pipe.read()
    _, status = os.waitpid(child, 0)
    locked.chmod(0o600)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "cannot be read" in reason


async def test_cancel_a_waiting_file_then_retry_it(server, make_queue, tmp_path) -> None:
    files = [make_wav(tmp_path / f"{n}.wav", 1.0, tone_hz=300 + n) for n in range(3)]
    queue = await make_queue(concurrency=1)
    ids = await queue.add(files, METADATA)
    assert queue.cancel(ids[2])
    assert queue.job(ids[2]).state is UploadState.CANCELLED
    assert not queue.cancel(ids[2])  # already over
    jobs = await queue.wait(ids)
    assert [j.state for j in jobs] == [UploadState.DONE, UploadState.DONE, UploadState.CANCELLED]
    assert marked_calls(server, ids[2]) == []

    assert queue.retry(ids[2])
    [job] = await queue.wait([ids[2]])
    assert job.state is UploadState.DONE, job.reason
    assert len(marked_calls(server, ids[2])) == 1


async def test_cancel_all_and_retry_all(make_queue, tmp_path) -> None:
    files = [make_wav(tmp_path / f"{n}.wav", 1.0, tone_hz=500 + n) for n in range(3)]
    queue = await make_queue(concurrency=1)
    ids = await queue.add(files, METADATA)
    cancelled = queue.cancel_all()
    assert cancelled >= 2  # the first may already be past its upload
    await queue.wait(ids)
    assert queue.retry_all() == cancelled
    jobs = await queue.wait(ids)
    assert all(j.state is UploadState.DONE for j in jobs), [j.reason for j in jobs]


async def test_a_file_changed_after_queueing_is_refused(make_queue, tmp_path) -> None:
    first = make_wav(tmp_path / "first.wav", 1.0)
    second = make_wav(tmp_path / "second.wav", 1.0)
    queue = await make_queue(concurrency=1)
    ids = await queue.add([first, second], METADATA)
    # The second waits for the first; re-record it meanwhile (same size, new bytes).
    second.write_bytes(make_wav(tmp_path / "other.wav", 1.0, tone_hz=880).read_bytes())
    os.utime(second, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    jobs = await queue.wait(ids)
    assert jobs[0].state is UploadState.DONE
    assert jobs[1].state is UploadState.REFUSED
    assert "changed on disk" in jobs[1].reason


async def test_the_queue_survives_a_restart(server, make_queue, tmp_path) -> None:
    """Closing mid-way leaves the jobs on disk; a new queue on the same file finishes them."""
    files = [make_wav(tmp_path / f"{n}.wav", 1.0, tone_hz=700 + n) for n in range(3)]
    first = await make_queue(concurrency=1)
    ids = await first.add(files, METADATA)
    await first.close()
    second = await make_queue()
    resumed = await second.resume()
    assert ids[-1] in resumed  # it was still waiting behind the first
    for job in await second.wait(resumed):
        assert job.state is UploadState.DONE, job.reason
    for job_id in ids:
        if job_id not in resumed:
            assert first.job(job_id).state is UploadState.DONE
        assert len(marked_calls(server, job_id)) == 1


def test_a_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch) -> None:
    """(Root reads every file, so the permission error is simulated.)"""
    recording = make_wav(tmp_path / "locked.wav", 1.0)

    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    check = check_file(recording)
    assert not check.ok
    assert check.reason == "The file cannot be read (Permission denied)."


def test_the_type_comes_from_the_header_bytes(tmp_path) -> None:
    heads = {
        "a.wav": b"RIFF\x00\x00\x00\x00WAVEfmt ",
        "b.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00",
        "c.mp3": b"\xff\xfb\x90\x00" + bytes(8),
        "d.opus": b"OggS\x00\x02" + bytes(6),
        "e.webm": b"\x1a\x45\xdf\xa3" + bytes(8),
        "f.flac": b"fLaC" + bytes(8),
        "g.m4a": b"\x00\x00\x00\x20ftypM4A ",
        "h.wav": b"%PDF-1.7\n" + bytes(3),
    }
    types = {}
    for name, head in heads.items():
        (tmp_path / name).write_bytes(head + bytes(100))
        types[name] = check_file(tmp_path / name).content_type
    assert types == {
        "a.wav": "audio/wav",
        "b.mp3": "audio/mpeg",
        "c.mp3": "audio/mpeg",
        "d.opus": "audio/ogg",
        "e.webm": "audio/webm",
        "f.flac": "audio/flac",
        "g.m4a": "audio/mp4",
        "h.wav": None,
    }
