"""The voice-bot provider against the real local server on loopback: pages and filters,
calls with estimated turn ends, survey results, SAS recording URLs, and the server's
own words in every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from voxdesk.domain import CallStatus, Direction, Disposition, GroupingKind
from voxdesk.providers.base import CallQuery
from voxdesk.providers.errors import AuthError, NotFound, ValidationError
from voxdesk.providers.http import HttpClient
from voxdesk.providers.registry import make_provider
from voxdesk.providers.voicecalls import VoiceCallsProvider
from voxdesk.providers.voxxi import LocalProvider

BULK_CALLS = 60
READER_TOKEN = "reader-token-0123456789"
SURVEY_CAMPAIGNS = {"camp_bulk_renewals", "camp_bulk_billing"}  # bulk.py: the two with one


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    args = [
        "--no-demo",
        "--bulk-voice-calls",
        str(BULK_CALLS),
        "--scoped-token",
        f"{READER_TOKEN}=voice:read",
    ]
    with LocalServer(tmp_path_factory.mktemp("srv") / "data", extra_args=args) as srv:
        yield srv


@pytest.fixture
async def provider(server):
    provider = make_provider("voicecalls", {"base_url": server.base_url, "token": server.token})
    yield provider
    await provider.aclose()


async def _all_calls(provider, **filters) -> list:
    calls, page = [], 1
    while True:
        result = await provider.list_calls(CallQuery(page=page, page_size=25, **filters))
        calls += result.calls
        if page * 25 >= result.total:
            return calls
        page += 1


async def test_pages_cover_the_library_once(provider) -> None:
    first = await provider.list_calls(CallQuery(page=1, page_size=25))
    assert (first.total, first.page, first.page_size, len(first.calls)) == (BULK_CALLS, 1, 25, 25)
    calls = await _all_calls(provider)
    assert len({c.id for c in calls}) == BULK_CALLS
    assert all(c.status is CallStatus.COMPLETED and c.disposition.is_final for c in calls)
    assert all(c.grouping.kind is GroupingKind.CAMPAIGN for c in calls)


async def test_neutral_filters_reach_the_server(provider) -> None:
    everything = await _all_calls(provider)
    unanswered = await _all_calls(provider, disposition=Disposition.NO_ANSWER)
    assert unanswered and len(unanswered) < BULK_CALLS
    assert {c.id for c in unanswered} == {
        c.id for c in everything if c.disposition is Disposition.NO_ANSWER
    }
    inbound = await _all_calls(provider, direction=Direction.INBOUND)
    assert {c.id for c in inbound} == {c.id for c in everything if c.direction is Direction.INBOUND}
    renewals = await _all_calls(provider, grouping_id="camp_bulk_renewals")
    assert renewals and {c.grouping.id for c in renewals} == {"camp_bulk_renewals"}

    starts = sorted(c.started_at for c in everything)
    low, high = starts[10], starts[40]
    ranged = await _all_calls(provider, date_from=low, date_to=high)
    assert {c.id for c in ranged} == {c.id for c in everything if low <= c.started_at <= high}


async def test_a_call_has_its_transcript_with_estimated_ends_and_its_survey(provider) -> None:
    connected = await _all_calls(provider, disposition=Disposition.COMPLETED)
    with_survey = next(c for c in connected if c.grouping.id in SURVEY_CAMPAIGNS)
    call = await provider.get_call(with_survey.id)
    assert call == with_survey
    turns = call.transcript
    assert len(turns) >= 2 and all(t.end_estimated for t in turns)
    assert [t.end for t in turns[:-1]] == [t.start for t in turns[1:]]
    assert turns[-1].end == call.duration
    assert call.talk_time <= call.duration

    assert await provider.survey_results(call.id) == call.analysis.survey is not None

    without = next(c for c in connected if c.grouping.id not in SURVEY_CAMPAIGNS)
    assert await provider.survey_results(without.id) is None
    with pytest.raises(NotFound, match="no voice call 'vc_nope'"):
        await provider.survey_results("vc_nope")


async def test_a_call_that_never_connected_is_not_asked_for_audio(provider, server) -> None:
    (busy, *_) = await _all_calls(provider, disposition=Disposition.BUSY)
    assert busy.transcript is None
    assert await provider.playback(busy) is None
    with pytest.raises(NotFound, match="never connected"):
        await provider.recording_url(busy.id)


async def test_a_recording_url_expires_when_its_se_says_and_plays(provider, server, tmp_path):
    # A recording in this server's storage (the Voxxi upload flow), then a voice call
    # made from it through the local server's POST extension.
    local = LocalProvider(HttpClient(server.base_url, server.token))
    audio = make_wav(tmp_path / "bot-call.wav", 2.0)
    target = await local.request_upload(audio.name, "audio/wav", audio.stat().st_size)
    await local.upload(target, audio)
    await local.aclose()
    made = httpx.post(
        f"{server.base_url}/api/v1/voice-calls",
        headers={"Authorization": f"Bearer {server.token}"},
        json={
            "recordingUrl": target.public_url,
            "campaignId": "camp_provider_test",
            "direction": "Inbound",
            "state": "Completed",
            "startTime": "2026-02-01T09:00:00Z",
        },
        timeout=120,
    )
    assert made.status_code == 201, made.text
    call = await provider.get_call(made.json()["id"])

    asked = datetime.now(UTC)
    recording = await provider.playback(call)
    se = httpx.URL(recording.url).params["se"]
    assert recording.expires_at == datetime.fromisoformat(se)
    assert timedelta(minutes=14) < recording.expires_at - asked <= timedelta(minutes=15, seconds=2)
    fetched = httpx.get(recording.url, timeout=30)  # pre-signed: no token
    assert fetched.status_code == 200
    assert fetched.content == audio.read_bytes()


async def test_refusals_are_typed_and_carry_the_servers_words(server) -> None:
    wrong = VoiceCallsProvider(HttpClient(server.base_url, "not-the-token"))
    reader = VoiceCallsProvider(HttpClient(server.base_url, READER_TOKEN))
    try:
        with pytest.raises(AuthError, match=r"refused the access token.*not valid") as refused:
            await wrong.list_calls(CallQuery())
        assert refused.value.status == 401

        some = (await reader.list_calls(CallQuery(page_size=1))).calls[0]
        with pytest.raises(AuthError, match="lacks the 'audio:download' scope") as lacking:
            await reader.recording_url(some.id)
        assert lacking.value.status == 403

        with pytest.raises(NotFound, match="There is no voice call 'vc_missing'"):
            await reader.get_call("vc_missing")
        with pytest.raises(ValidationError, match="pageSize: must be between 1 and 200"):
            await reader.list_calls(CallQuery(page_size=500))
    finally:
        await wrong.aclose()
        await reader.aclose()
