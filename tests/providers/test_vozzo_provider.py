"""The Vozzo provider against the real local server on loopback: the three auth forms,
the organization read from the server, use cases kept, a spoken call uploaded through
an upload link and read back as a call with its answers, bucket and transcript, its
audio streamed, the recording list filtered, and the upload marker found again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.vozzo_server import (
    BUCKETS,
    QUESTIONS,
    organization,
    recordings,
    sales_call_wav,
    vozzo_server,
)
from voxdesk.contracts import vozzo as wire
from voxdesk.domain import CallStatus, CriterionResult, GroupingKind
from voxdesk.providers.base import CallQuery
from voxdesk.providers.errors import AuthError, NotFound, UnsupportedOperation
from voxdesk.providers.queries import UsecaseDraft, UseCaseUpload
from voxdesk.providers.registry import make_provider
from voxdesk.providers.vozzo import VozzoProvider
from voxdesk.providers.vozzo_mapping import QUESTIONS_SECTION, split_ref

DRAFT = UsecaseDraft(
    name="Loan leads",
    description="Sales calls about the personal loan",
    tags=("sales", "quality"),
    questions=QUESTIONS,
    buckets=BUCKETS,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with vozzo_server(tmp_path_factory.mktemp("vozzo") / "data") as srv:
        yield srv


def _provider(server, **settings) -> VozzoProvider:
    provider = make_provider(
        "vozzo", {"base_url": server.base_url, "token": server.token, **settings}
    )
    assert isinstance(provider, VozzoProvider)
    return provider


@pytest.fixture
async def provider(server):
    provider = _provider(server)
    yield provider
    await provider.aclose()


@pytest.mark.parametrize("form", list(wire.AuthForm))
async def test_each_auth_form_is_sent_and_accepted(server, form) -> None:
    provider = _provider(server, auth_form=form.value)
    try:
        sent = provider.http._client.headers["Authorization"]
        assert sent == wire.authorization_header(server.token, form)
        org = await provider.organization()
        assert org.org_uuid == organization(server)["org_uuid"]
        await provider.list_usecases()
    finally:
        await provider.aclose()


async def test_a_wrong_key_is_refused_in_plain_words(server) -> None:
    provider = make_provider("vozzo", {"base_url": server.base_url, "token": "not-the-key"})
    try:
        with pytest.raises(AuthError, match="Invalid or expired authentication token"):
            await provider.list_usecases()
    finally:
        await provider.aclose()


async def test_typed_account_names_are_used_as_typed(server) -> None:
    """A real account types its org and client name: nothing is read from the server,
    and a client name that is not the organization's is the server's 404."""
    org = organization(server)
    provider = _provider(server, org_uuid=org["org_uuid"], client_name="someone-else")
    try:
        assert (await provider.organization()).client_name == "someone-else"
        usecase = await provider.create_usecase(DRAFT)
        with pytest.raises(NotFound):
            await provider.create_upload_link(
                UseCaseUpload(usecase.usecase_uuid, "a.wav", 1000, "audio/wav", "m1")
            )
        await provider.delete_usecase(usecase.usecase_uuid)
    finally:
        await provider.aclose()


async def test_use_cases_are_created_listed_updated_and_deleted(provider) -> None:
    created = await provider.create_usecase(DRAFT)
    assert created.usecase_name == DRAFT.name and created.tags == ["sales", "quality"]
    assert created.analysis_config.analysis_questions == list(QUESTIONS)
    assert [
        (b.objective_bucket_name, b.description) for b in created.analysis_config.analysis_buckets
    ] == list(BUCKETS)

    listed = {u.usecase_uuid: u for u in await provider.list_usecases(tag="quality")}
    assert listed[created.usecase_uuid].total_recordings == 0
    assert created.usecase_uuid not in {u.usecase_uuid for u in await provider.list_usecases("x")}

    edited = UsecaseDraft(
        name="Loan leads (Q3)", tags=("sales",), questions=QUESTIONS[:1], buckets=BUCKETS[:2]
    )
    updated = await provider.update_usecase(created.usecase_uuid, edited)
    again = await provider.get_usecase(created.usecase_uuid)
    assert again == updated
    assert again.usecase_name == "Loan leads (Q3)" and again.tags == ["sales"]
    assert again.analysis_config.analysis_questions == list(QUESTIONS[:1])
    assert len(again.analysis_config.analysis_buckets) == 2

    await provider.delete_usecase(created.usecase_uuid)
    with pytest.raises(NotFound):
        await provider.get_usecase(created.usecase_uuid)


async def _until_final(provider: VozzoProvider, call_id: str, timeout: float = 120.0):
    async with asyncio.timeout(timeout):
        while True:
            call = await provider.get_call(call_id)
            if call.status.is_final:
                return call
            await asyncio.sleep(0.3)


async def test_an_uploaded_call_reads_back_with_answers_bucket_and_transcript(
    provider, server, tmp_path
) -> None:
    usecase = await provider.create_usecase(DRAFT)
    path = sales_call_wav(tmp_path / "sale.wav")
    marker = uuid.uuid4().hex
    request = UseCaseUpload(
        usecase.usecase_uuid, path.name, path.stat().st_size, "audio/wav", marker, "2026-11-20"
    )
    assert await provider.find_upload(request) is None

    link = await provider.create_upload_link(request)
    sent: list[int] = []
    await provider.put_recording(
        link.upload_url, request, path, lambda done, _total: sent.append(done)
    )
    assert sent[-1] == path.stat().st_size
    found = await provider.find_upload(request)
    assert found is not None and found.recording_uuid == link.recording_uuid

    call_id = await provider.upload_call_id(request, link.recording_uuid)
    assert split_ref(call_id)[1:] == (usecase.usecase_uuid, link.recording_uuid)
    call = await _until_final(provider, call_id)
    assert call.status is CallStatus.COMPLETED, call.error
    assert call.grouping is not None and call.grouping.kind is GroupingKind.USE_CASE
    assert call.date == datetime(2026, 11, 20, tzinfo=UTC)
    assert call.duration and call.duration > 5

    # The answers: one per question, in order, each as a criterion of one section.
    assert call.analysis is not None
    assert [a.question for a in call.analysis.answers] == list(QUESTIONS)
    [section] = call.analysis.sections
    assert section.name == QUESTIONS_SECTION
    for answer, criterion in zip(call.analysis.answers, section.criteria, strict=True):
        assert answer.answer in {a.value for a in wire.Answer}
        assert (
            criterion.result
            is {
                "Yes": CriterionResult.YES,
                "No": CriterionResult.NO,
                "Not clear": CriterionResult.NOT_CLEAR,
            }[answer.answer]
        )
        if answer.time is not None:
            assert 0 <= answer.time <= call.duration
            minutes, seconds = divmod(int(answer.time), 60)
            assert f"[{minutes:02d}:{seconds:02d}]" in criterion.rationale
    server_view = await provider.transcript_analytics(call_id)
    assert server_view.analytics is not None
    bucket = server_view.analytics.bucket
    assert call.analysis.outcome_label == (bucket.name if bucket else None)
    if bucket and bucket.name:
        assert bucket.name in {name for name, _ in BUCKETS}

    # Listed, an analysed recording is whole: its answers, bucket and transcript, as
    # read one by one (the list shows the bucket, the export the answers, unopened).
    [listed] = (await provider.list_calls(CallQuery(grouping_id=usecase.usecase_uuid))).calls
    assert listed.analysis == call.analysis and listed.transcript == call.transcript

    # The transcript: speakers, times, confidence per turn and per word.
    assert call.transcript and len(call.transcript) >= 2
    assert {turn.speaker.value for turn in call.transcript} <= {"agent", "customer", "speaker"}
    for turn in call.transcript:
        assert turn.confidence is not None and 0 <= turn.confidence <= 1
        assert all(w.confidence is not None for w in turn.words)

    # Playback: a fresh signed URL that streams with Range.
    recording = await provider.recording_url(call_id)
    assert recording is not None and recording.expires_at is not None
    async with httpx.AsyncClient() as client:
        part = await client.get(recording.url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100

    # Summaries count the same recording.
    counts = await provider.summary_counts(usecase.usecase_uuid)
    assert (counts.total_calls, counts.completed) == (1, 1)
    details = await provider.summary_details(usecase.usecase_uuid)
    assert [a.question for a in details.answers] == list(QUESTIONS)


async def test_the_list_filters_by_state_and_day_and_needs_a_use_case(provider, server) -> None:
    usecase = await provider.create_usecase(DRAFT)
    with pytest.raises(UnsupportedOperation, match="choose a use case"):
        await provider.list_calls(CallQuery())
    with pytest.raises(UnsupportedOperation, match="text"):
        await provider.list_calls(CallQuery(grouping_id=usecase.usecase_uuid, text="x"))
    page = await provider.list_calls(
        CallQuery(grouping_id=usecase.usecase_uuid, status=CallStatus.COMPLETED)
    )
    assert page.calls == [] and page.total == 0
    day = datetime.now(UTC) - timedelta(days=3)
    page = await provider.list_calls(
        CallQuery(grouping_id=usecase.usecase_uuid, date_from=day, date_to=day)
    )
    assert page.total == len(recordings(server, usecase.usecase_uuid)) == 0


async def test_direct_upload_is_the_documented_fallback(provider, server, tmp_path) -> None:
    usecase = await provider.create_usecase(DRAFT)
    path = sales_call_wav(tmp_path / "direct.wav")
    request = UseCaseUpload(usecase.usecase_uuid, path.name, path.stat().st_size, "audio/wav", "d1")
    result = await provider.direct_upload(request, path)
    assert result.state is wire.RecordingState.INITIATED
    [listed] = recordings(server, usecase.usecase_uuid)
    assert listed["recording_uuid"] == result.recording_uuid
    found = await provider.find_upload(
        UseCaseUpload(usecase.usecase_uuid, path.name, path.stat().st_size, "audio/wav", "d1")
    )
    assert found is not None and found.recording_uuid == result.recording_uuid
