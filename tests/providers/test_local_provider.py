"""The Voxxi provider against the real local server on loopback: upload through a
presigned URL, create the call, follow it to completion, list it, open it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tests.support.audio import make_wav
from tests.support.local_server import LocalServer
from voxdesk.domain import CallRef, CallStatus, Direction, Disposition, NewCall
from voxdesk.providers.base import CallQuery, Capability
from voxdesk.providers.errors import (
    AuthError,
    NotFound,
    UnsupportedOperation,
    ValidationError,
)
from voxdesk.providers.http import HttpClient
from voxdesk.providers.voxxi import LocalProvider, VoxxiProvider
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LocalServer(tmp_path_factory.mktemp("srv") / "data", extra_args=["--no-demo"]) as srv:
        yield srv


@pytest.fixture
async def provider(server):
    provider = LocalProvider(HttpClient(server.base_url, server.token))
    yield provider
    await provider.aclose()


async def _upload_call(provider, tmp_path, *, seconds: float = 2.0, udfs=None) -> str:
    audio = make_wav(tmp_path / "call.wav", seconds)
    target = await provider.request_upload(audio.name, "audio/wav", audio.stat().st_size)
    await provider.upload(target, audio)
    created = await provider.create_call(
        NewCall(
            member_id="dana@acme.example",
            category_id="support-qa",
            audio_url=target.public_url,
            udfs=udfs or {"ticket": "T-42"},
            date="2026-03-05",
        )
    )
    assert created.status is CallStatus.PROCESSING
    return created.call_id


async def test_upload_create_follow_list(provider, tmp_path) -> None:
    call_id = await _upload_call(provider, tmp_path)
    catalog = CallCatalog(tmp_path / "catalog.sqlite3")
    await catalog.open()
    service = CallService("local", provider, catalog)
    updates = []
    call = await service.follow(call_id, updates.append, first_delay=0.1, max_delay=0.3)
    assert call.status is CallStatus.COMPLETED, call.error
    assert call.duration == pytest.approx(2.0, abs=0.1)
    assert call.udfs == {"ticket": "T-42"}
    assert call.date == datetime(2026, 3, 5, 3, 30, tzinfo=UTC)  # 09:00 IST
    assert call.analysis is not None
    assert updates[-1] == call

    await service.refresh()
    rows = await catalog.query("local", CallFilter(text=call_id), CallOrder())
    assert [r.call_id for r in rows] == [call_id]
    assert rows[0].agent == "Dana"  # the member registered from the email, by name
    assert (await service.open_call(call_id)).id == call_id
    await catalog.close()


async def test_list_categories_members_and_pages(provider, tmp_path) -> None:
    assert provider.supports(Capability.LIST_CALLS)
    categories = {c.id for c in await provider.list_categories()}
    assert "support-qa" in categories
    await _upload_call(provider, tmp_path)
    page = await provider.list_calls(CallQuery(page=1, page_size=1))
    assert len(page.calls) == 1 and page.total >= 1
    members = await provider.list_members()
    assert any(m.email == "dana@acme.example" for m in members)


@pytest.mark.parametrize(
    "query",
    [CallQuery(disposition=Disposition.NO_ANSWER), CallQuery(direction=Direction.INBOUND)],
)
async def test_telephony_filters_are_refused_not_ignored(provider, query) -> None:
    """Ignoring them would list every call as if it matched."""
    with pytest.raises(UnsupportedOperation, match="no direction or disposition"):
        await provider.list_calls(query)


async def test_a_call_ref_names_the_platform_and_the_id(provider, tmp_path) -> None:
    call = await provider.get_call(await _upload_call(provider, tmp_path))
    ref = provider.call_ref(call)
    assert ref.encode() == f"local:{call.id}"
    assert CallRef.decode(ref.encode()).key == call.id


async def test_server_errors_become_typed_errors(server, provider) -> None:
    with pytest.raises(NotFound):
        await provider.get_call("no-such-call")
    with pytest.raises(ValidationError, match="categoryId"):
        await provider.create_call(
            NewCall(member_id="x@y.example", category_id="nope", audio_url="http://a/b.wav")
        )
    wrong = VoxxiProvider(HttpClient(server.base_url, "wrong-token"))
    with pytest.raises(AuthError):
        await wrong.get_call("anything")
    await wrong.aclose()


async def test_cli_shows_a_completed_call(server, provider, tmp_path) -> None:
    call_id = await _upload_call(provider, tmp_path, udfs={"queue": "billing"})
    service = CallService("local", provider, CallCatalog(tmp_path / "c.sqlite3"))
    await service.catalog.open()
    await service.follow(call_id, first_delay=0.1, max_delay=0.3)
    await service.catalog.close()
    env = {"VOXDESK_BASE_URL": server.base_url, "VOXDESK_TOKEN": server.token}
    shown = subprocess.run(
        [sys.executable, "-m", "voxdesk", "calls", "show", call_id],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert shown.returncode == 0, shown.stderr
    assert f"Call {call_id}: completed" in shown.stdout
    assert "Duration: 0:02" in shown.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "voxdesk", "calls", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert listed.returncode == 0, listed.stderr
    assert call_id in listed.stdout
    assert server.token not in shown.stdout + shown.stderr + listed.stdout + listed.stderr
