"""No bearer token and no URL signature reaches a log line, even at DEBUG."""

from __future__ import annotations

import logging

import httpx

from voxdesk.domain import UploadTarget
from voxdesk.providers.http import HttpClient, RetryPolicy
from voxdesk.providers.redaction import redact_text, redact_url
from voxdesk.providers.voxxi import VoxxiProvider

TOKEN = "tok-SECRET-1234567890"
SIGNATURE = "deadbeefcafe0123456789"


def test_redact_url_hides_signature_values_only() -> None:
    url = f"http://h/storage/k.wav?expires=99&signature={SIGNATURE}"
    assert redact_url(url) == "http://h/storage/k.wav?expires=99&signature=REDACTED"


def test_redact_text_hides_bearer_tokens_and_signed_queries() -> None:
    text = f"Authorization: Bearer {TOKEN} PUT http://h/x?X-Amz-Signature={SIGNATURE}&a=1"
    cleaned = redact_text(text)
    assert TOKEN not in cleaned and SIGNATURE not in cleaned
    assert "a=1" in cleaned


async def test_debug_flow_never_logs_token_or_signature(tmp_path, caplog) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return httpx.Response(503)
        return httpx.Response(500, json={"error": {"message": f"echo Bearer {TOKEN}"}})

    client = HttpClient(
        "http://voxxi.test",
        TOKEN,
        retry=RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.001),
        transport=httpx.MockTransport(answer),
    )
    provider = VoxxiProvider(client)
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF0000")
    target = UploadTarget(
        key="k",
        upload_url=f"http://store.test/k?expires=1&signature={SIGNATURE}",
        public_url="http://store.test/k",
        content_type="audio/wav",
    )
    with caplog.at_level(logging.DEBUG):
        # Even with httpx at DEBUG (it logs full URLs), records are redacted at birth.
        for name in ("httpx", "httpcore", "voxdesk"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            await provider.upload(target, audio)
        except Exception as exc:
            logging.getLogger("voxdesk.test").exception("upload failed: %s", exc)
        try:
            await provider.get_call("c1")
        except Exception as exc:
            logging.getLogger("voxdesk.test").exception("read failed: %s", exc)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "store.test/k?expires=1&signature=REDACTED" in logged  # httpx did log the URL
    assert TOKEN not in logged
    assert SIGNATURE not in logged
    await provider.aclose()
