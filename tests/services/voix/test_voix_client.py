"""The VOIX client against the real server: invalid input never leaves the machine; a
sender killed between the beats (or before its first send) reuses its callId when run
again; a finishing beat whose answer was lost is sent again and makes one job."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.voix.conftest import RecordingServer
from tests.server.voix.voix_support import TEAM, TEAM_KEY, WORKSPACE_KEY, wait_final
from tests.services.voix.outbox_support import CALL_FIELDS_EXAMPLE, CONNECTION, ROW_KEY
from tests.support.local_server import LocalServer
from tests.uploads.faulty_proxy import SWALLOW_RESPONSE, Fault, FaultyProxy
from voxdesk.contracts.voix import InvalidSubmission
from voxdesk.domain import IngestEvent
from voxdesk.providers.http import RetryPolicy
from voxdesk.providers.voix import KeyKind, RefusedBeforeSending, VoixProvider, VoixSettings
from voxdesk.services.voix_outbox import Sent, VoixOutbox

REPO = Path(__file__).resolve().parents[3]
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.05, max_delay=0.2)
NO_RETRY = RetryPolicy(attempts=1)


@pytest.fixture
async def proxy(voix_server: LocalServer) -> AsyncIterator[FaultyProxy]:
    running = await FaultyProxy(voix_server.port).start()
    yield running
    await running.stop()


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[VoixOutbox]:
    opened = VoixOutbox(tmp_path / "voix-outbox.sqlite3")
    await opened.open()
    yield opened
    await opened.close()


def _provider(base_url: str, retry: RetryPolicy = FAST_RETRY, **settings: Any) -> VoixProvider:
    provider = VoixProvider.from_settings(
        VoixSettings(base_url=base_url, token=settings.pop("token", TEAM_KEY), **settings),
        retry=retry,
    )
    assert isinstance(provider, VoixProvider)
    return provider


BAD_CALLS = [
    ({**CALL_FIELDS_EXAMPLE, "from": ""}, None, "from: must be a non-empty string"),
    ({**CALL_FIELDS_EXAMPLE, "startTime": "16/06/2026 09:05"}, None, "startTime: must be an ISO"),
    ({**CALL_FIELDS_EXAMPLE, "outgoing": "yes"}, None, "outgoing: must be true or false"),
    ({**CALL_FIELDS_EXAMPLE, "duration": 12.5}, None, "duration: must be a whole number"),
    ({**CALL_FIELDS_EXAMPLE, "userId": "agent-7"}, None, "userId: must be a UUID"),
    ({**CALL_FIELDS_EXAMPLE, "language": "nl"}, None, "language: is not a VOIX field"),
    ({"from": "+31612345678"}, None, "to: is required"),
    (CALL_FIELDS_EXAMPLE, "file:///tmp/call.wav", "recordingUrl: must be an http or https URL"),
]


@pytest.mark.parametrize(("fields", "recording", "said"), BAD_CALLS)
async def test_invalid_input_is_refused_before_any_request(
    proxy: FaultyProxy, outbox: VoixOutbox, fields: dict[str, Any], recording: str | None, said: str
) -> None:
    with pytest.raises(InvalidSubmission, match=said):
        await outbox.prepare(CONNECTION, "row-1", fields, recording)
    assert await outbox.get(CONNECTION, "row-1") is None
    provider = _provider(proxy.base_url)
    try:
        body = {"callId": str(uuid.uuid4()), **fields}
        if recording is not None:
            body["recordingUrl"] = recording
        with pytest.raises(RefusedBeforeSending, match=said) as refused:
            await provider.submit(body)
        assert str(refused.value).startswith("Not sent to VOIX: ")
        assert refused.value.request_sent is False
    finally:
        await provider.aclose()
    assert proxy.requests == []


async def test_a_workspace_key_without_a_team_is_refused_before_any_request(
    proxy: FaultyProxy,
) -> None:
    with pytest.raises(ValueError, match="workspace-wide key needs the team id"):
        VoixSettings(base_url=proxy.base_url, token=WORKSPACE_KEY, key_kind=KeyKind.WORKSPACE)
    provider = _provider(proxy.base_url, token=WORKSPACE_KEY)  # a team key, really
    workspace = _provider(
        proxy.base_url, token=WORKSPACE_KEY, key_kind=KeyKind.WORKSPACE, team_id=TEAM
    )
    try:
        event = IngestEvent(
            call_id=str(uuid.uuid4()),
            from_number="+31612345678",
            to_number="+31201234567",
            started_at="2026-06-16T09:05:35Z",
            duration=12.5,
        )
        with pytest.raises(RefusedBeforeSending, match="duration: must be a whole number"):
            await provider.submit_event(event)
        body = {"callId": str(uuid.uuid4()), **CALL_FIELDS_EXAMPLE}
        workspace.settings = workspace.settings.model_copy(update={"team_id": None})
        with pytest.raises(RefusedBeforeSending, match="teamId: is required"):
            await workspace.submit(body)
    finally:
        await provider.aclose()
        await workspace.aclose()
    assert proxy.requests == []


async def test_submit_event_sends_both_beats_under_one_call_id(
    voix_server: LocalServer, workspace: httpx.Client, recordings: RecordingServer
) -> None:
    provider = _provider(
        voix_server.base_url, token=WORKSPACE_KEY, key_kind="workspace", team_id=TEAM
    )
    event = IngestEvent(
        call_id=str(uuid.uuid4()),
        from_number="+31612345678",
        to_number="+31201234567",
        started_at="2026-06-16T09:05:35Z",
        direction="inbound",
    )
    try:
        started = await provider.submit_event(event)
        assert (started.call_id, started.status) == (event.call_id, "pending")
        finishing = event.model_copy(
            update={
                "recording_url": recordings.url("support-01-modem-reset.ogg") + "?event",
                "duration": 57,
            }
        )
        ended = await provider.submit_event(finishing)
        assert ended.status == "processing"
        record = wait_final(workspace, event.call_id)
        call = await provider.get_call(event.call_id)
    finally:
        await provider.aclose()
    assert record["teamId"] == TEAM and record["outgoing"] is False
    assert call.status == "completed" and call.direction == "inbound"
    assert call.duration == 57 and call.transcript
    assert call.from_number == "+31612345678"


@pytest.mark.parametrize("mode", ["before-send", "after-beat-1"])
async def test_a_sender_killed_between_the_beats_reuses_the_call_id(
    voix_server: LocalServer,
    workspace: httpx.Client,
    recordings: RecordingServer,
    tmp_path: Path,
    mode: str,
) -> None:
    db = tmp_path / "voix-outbox.sqlite3"
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.services.voix.crash_child",
            str(db),
            voix_server.base_url,
            TEAM_KEY,
            mode,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr
    minted = child.stdout.strip()
    uuid.UUID(minted)
    if mode == "after-beat-1":
        assert workspace.get(f"/calls/{minted}").json()["status"] == "received"
    else:
        assert workspace.get(f"/calls/{minted}").status_code == 404

    outbox = VoixOutbox(db)
    await outbox.open()
    provider = _provider(voix_server.base_url)
    url = recordings.url("sales-01-good-sale.ogg") + f"?crash={mode}"
    try:
        again = await outbox.prepare(CONNECTION, ROW_KEY, CALL_FIELDS_EXAMPLE)
        assert again.call_id == minted
        first = await outbox.send(provider, again)
        # Beat 1 again only if the killed run never got it answered.
        assert first.outcome is (Sent.SKIPPED if mode == "after-beat-1" else Sent.SENT)
        finishing = await outbox.prepare(CONNECTION, ROW_KEY, CALL_FIELDS_EXAMPLE, url)
        assert finishing.call_id == minted
        sent = await outbox.send(provider, finishing)
        assert sent.outcome is Sent.SENT and sent.call.job_id
        assert (await outbox.send(provider, sent.call)).outcome is Sent.SKIPPED
    finally:
        await provider.aclose()
        await outbox.close()
    record = workspace.get(f"/calls/{minted}").json()
    assert [job["jobId"] for job in record["jobs"]] == [sent.call.job_id]
    assert (record["from"], record["to"], record["outgoing"]) == (
        "+31612345678",
        "+31201234567",
        True,
    )
    assert [c["callId"] for c in workspace.get("/calls").json()["calls"]].count(minted) == 1


@pytest.mark.parametrize("retry", [NO_RETRY, FAST_RETRY], ids=["re-run", "client-retry"])
async def test_a_lost_answer_to_the_finishing_beat_makes_one_job(
    proxy: FaultyProxy,
    outbox: VoixOutbox,
    workspace: httpx.Client,
    recordings: RecordingServer,
    retry: RetryPolicy,
) -> None:
    """The server acts on the beat, the answer never arrives; sent again (by the
    client's own retry, or by running the send again), VOIX answers the same job."""
    name = "support-01-modem-reset.ogg"
    url = recordings.url(name) + f"?lost-{retry.attempts}"
    before = recordings.fetches[f"/{name}"]
    provider = _provider(proxy.base_url, retry=retry)
    try:
        call = await outbox.prepare(CONNECTION, f"lost-{retry.attempts}", CALL_FIELDS_EXAMPLE, url)
        proxy.faults.append(Fault("POST", "/submit", SWALLOW_RESPONSE))
        result = await outbox.send(provider, call)
        if retry is NO_RETRY:
            assert result.outcome is Sent.FAILED
            assert result.call.job_id is None
            result = await outbox.send(provider, result.call)
        assert result.outcome is Sent.SENT
    finally:
        await provider.aclose()
    assert proxy.count("POST", "/submit") == 2
    record = wait_final(workspace, call.call_id)
    assert [job["jobId"] for job in record["jobs"]] == [result.call.job_id]
    assert recordings.fetches[f"/{name}"] == before + 1
