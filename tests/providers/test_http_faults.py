"""Client faults: each becomes the right typed error, retried only where safe."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from voxdesk.domain import NewCall
from voxdesk.providers.errors import (
    AuthError,
    MalformedResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    Timeout,
    ValidationError,
)
from voxdesk.providers.http import HttpClient, RetryPolicy
from voxdesk.providers.queries import CallQuery
from voxdesk.providers.voicecalls import VoiceCallsProvider
from voxdesk.providers.voxxi import VoxxiProvider

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, max_retry_after=0.5)
NEW_CALL = NewCall(member_id="a@b.example", category_id="support-qa", audio_url="http://x/a.wav")


def _analysis_body(call_id: str = "c1") -> dict:
    return {"data": {"callId": call_id, "status": "pending", "analysis": None, "metadata": None}}


class Script:
    """A transport answering each request with the next scripted response."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0)


def _provider(script: Script, **kwargs) -> VoxxiProvider:
    transport = httpx.MockTransport(script)
    return VoxxiProvider(
        HttpClient("http://voxxi.test", "tok", retry=FAST, transport=transport, **kwargs)
    )


async def test_429_honours_retry_after_then_succeeds() -> None:
    script = Script(
        httpx.Response(429, headers={"Retry-After": "0.2"}, json={"error": "slow down"}),
        httpx.Response(200, json=_analysis_body()),
    )
    provider = _provider(script)
    loop = asyncio.get_running_loop()
    started = loop.time()
    call = await provider.get_call("c1")
    assert call.id == "c1"
    assert len(script.requests) == 2
    assert loop.time() - started >= 0.2


async def test_429_on_create_is_retried_because_the_server_did_not_act() -> None:
    script = Script(
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(202, json={"data": {"callId": "new", "status": "processing"}}),
    )
    created = await _provider(script).create_call(NEW_CALL)
    assert created.call_id == "new"
    assert len(script.requests) == 2


async def test_429_until_attempts_run_out_is_rate_limited() -> None:
    script = Script(*[httpx.Response(429, headers={"Retry-After": "0"}) for _ in range(3)])
    with pytest.raises(RateLimited) as caught:
        await _provider(script).get_call("c1")
    assert caught.value.retry_after == 0


async def test_503_then_success_on_a_read() -> None:
    script = Script(httpx.Response(503), httpx.Response(200, json=_analysis_body()))
    assert (await _provider(script).get_call("c1")).id == "c1"
    assert len(script.requests) == 2


async def test_503_on_create_is_not_replayed() -> None:
    script = Script(httpx.Response(503), httpx.Response(202))
    with pytest.raises(ServerError):
        await _provider(script).create_call(NEW_CALL)
    assert len(script.requests) == 1


async def test_connection_refused_is_a_network_error_with_nothing_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = VoxxiProvider(HttpClient(f"http://127.0.0.1:{port}", "tok", retry=FAST))
    with pytest.raises(NetworkError) as caught:
        await provider.get_call("c1")
    assert caught.value.request_sent is False
    assert "Cannot reach the server" in str(caught.value)
    await provider.aclose()


async def test_read_timeout_on_create_is_not_replayed() -> None:
    """A real socket server that reads the request and never answers."""
    received: list[bytes] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read(65536))
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    timeout = httpx.Timeout(connect=1.0, read=0.3, write=1.0, pool=1.0)
    provider = VoxxiProvider(
        HttpClient(f"http://127.0.0.1:{port}", "tok", retry=FAST, timeout=timeout)
    )
    try:
        with pytest.raises(Timeout) as caught:
            await provider.create_call(NEW_CALL)
        assert caught.value.request_sent is True
        assert len(received) == 1
        assert b"POST /api/external/v1/calls" in received[0]
    finally:
        await provider.aclose()
        server.close()


async def test_malformed_json_is_a_typed_error() -> None:
    script = Script(httpx.Response(200, content=b"<html>not json</html>"))
    with pytest.raises(MalformedResponse, match="not JSON"):
        await _provider(script).get_call("c1")


async def test_a_voice_call_page_that_is_not_json_says_so() -> None:
    # The list is parsed from its bytes on a worker thread, not through request_json.
    def provider(answer: httpx.Response) -> VoiceCallsProvider:
        transport = httpx.MockTransport(Script(answer))
        return VoiceCallsProvider(HttpClient("http://voice.test", "tok", transport=transport))

    with pytest.raises(MalformedResponse, match="not JSON"):
        await provider(httpx.Response(200, content=b"<html>not json</html>")).list_calls(
            CallQuery()
        )
    not_a_page = httpx.Response(200, json={"data": [{"id": "v1"}], "page": 1})
    with pytest.raises(MalformedResponse, match="does not match the voice-call contract"):
        await provider(not_a_page).list_calls(CallQuery())


async def test_body_not_matching_the_contract_is_malformed() -> None:
    script = Script(httpx.Response(200, json={"data": {"status": "completed"}}))
    with pytest.raises(MalformedResponse):
        await _provider(script).get_call("c1")


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (401, AuthError, "token"),
        (404, NotFound, "no such call"),
        (400, ValidationError, "categoryId is unknown"),
        (500, ServerError, "failed"),
    ],
)
async def test_status_codes_map_to_typed_errors(status, error, text) -> None:
    body = {"error": {"code": "x", "message": text}} if status in (400, 404) else {}
    script = Script(httpx.Response(status, content=json.dumps(body).encode()))
    with pytest.raises(error, match=text):
        await _provider(script).get_call("c1")


async def test_presigned_put_sends_exact_type_and_length_and_no_token(tmp_path) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF" + bytes(2_000_000))
    script = Script(httpx.Response(200))
    provider = _provider(script)
    from voxdesk.domain import UploadTarget

    target = UploadTarget(
        key="k",
        upload_url="http://store.test/k?signature=abc",
        public_url="http://store.test/k",
        content_type="audio/wav",
    )
    seen: list[tuple[int, int]] = []
    await provider.upload(target, audio, progress=lambda sent, total: seen.append((sent, total)))
    request = script.requests[0]
    assert request.headers["Content-Type"] == "audio/wav"
    assert request.headers["Content-Length"] == str(audio.stat().st_size)
    assert "Authorization" not in request.headers
    assert seen[-1] == (audio.stat().st_size, audio.stat().st_size)
    assert len(seen) == 4  # 512 KiB chunks, never the whole file at once


async def test_a_retried_put_reopens_the_file_and_sends_every_byte(tmp_path) -> None:
    from voxdesk.domain import UploadTarget

    audio = tmp_path / "a.wav"
    payload = b"RIFF" + bytes(range(256)) * 5000
    audio.write_bytes(payload)
    script = Script(httpx.Response(503), httpx.Response(200))
    target = UploadTarget(
        key="k", upload_url="http://store.test/k", public_url="u", content_type="audio/wav"
    )
    await _provider(script).upload(target, audio)
    assert [r.content for r in script.requests] == [payload, payload]
