"""Every refusal on the voice-bot paths is JSON, including routes that do not exist and
methods a route does not take."""

from __future__ import annotations

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/voice-call", 404),
        ("GET", f"{CALLS}/vc_aa7deee1ad/transcript", 404),
        ("DELETE", f"{CALLS}/vc_aa7deee1ad", 405),
        ("PUT", CALLS, 405),
        ("POST", "/recordings/voice-calls/vc_aa7deee1ad.ogg", 405),
        ("GET", "/recordings/voice-calls/vc_aa7deee1ad.ogg", 403),
        ("GET", "/recordings/voice-calls/", 404),
    ],
)
def test_refusals_are_json(api: httpx.Client, method: str, path: str, status: int) -> None:
    response = api.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] and error["message"]


def test_a_huge_json_body_is_refused_before_it_is_read(api: httpx.Client) -> None:
    response = api.post(
        CALLS, content=b"{" + b" " * 200_000 + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
