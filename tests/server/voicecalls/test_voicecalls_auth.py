"""Scopes: voice:read for calls and surveys, audio:download for recording URLs; the main
--token holds both, each --scoped-token only its own. 401 without a known token, 403
without the scope, both as JSON naming the scope."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS, DOWNLOADER, READER
from tests.support.local_server import LocalServer

COMPLETED_CALL = "vc_aa7deee1ad"
ENDPOINTS = {
    CALLS: "voice:read",
    f"{CALLS}/{COMPLETED_CALL}": "voice:read",
    f"{CALLS}/{COMPLETED_CALL}/epa-results": "voice:read",
    f"{CALLS}/{COMPLETED_CALL}/recording-url": "audio:download",
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS.items())
def test_the_main_token_reaches_every_endpoint(
    vc_server: LocalServer, path: str, scope: str
) -> None:
    response = httpx.get(vc_server.base_url + path, headers=vc_server.auth)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS.items())
@pytest.mark.parametrize(
    "headers",
    [
        {},
        _bearer("not-a-token"),
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
    ids=["none", "unknown", "basic", "empty"],
)
def test_no_or_unknown_token_is_401(
    vc_server: LocalServer, path: str, scope: str, headers: dict[str, str]
) -> None:
    response = httpx.get(vc_server.base_url + path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["requiredScope"] == scope


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS.items())
@pytest.mark.parametrize("token", [READER, DOWNLOADER])
def test_a_scoped_token_reaches_only_its_scope(
    vc_server: LocalServer, path: str, scope: str, token: str
) -> None:
    response = httpx.get(vc_server.base_url + path, headers=_bearer(token))
    holds = {READER: "voice:read", DOWNLOADER: "audio:download"}[token]
    if holds == scope:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "insufficient_scope"
        assert error["requiredScope"] == scope
        assert scope in error["message"]


def test_the_scope_check_comes_after_the_token_check_not_after_the_lookup(
    vc_server: LocalServer,
) -> None:
    """A reader asking for an unknown call's recording learns nothing about the call."""
    response = httpx.get(
        f"{vc_server.base_url}{CALLS}/vc_nope/recording-url", headers=_bearer(READER)
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "argument",
    ["reader", "reader=", "=voice:read", "reader=voice:write-all", "reader=voice:read,admin"],
)
def test_a_malformed_scoped_token_stops_the_server_with_exit_code_2(
    tmp_path, argument: str
) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "voxdesk.server", "--port", "0", "--no-demo",
            "--data-dir", str(tmp_path / "data"), "--scoped-token", argument,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--scoped-token" in result.stderr
    assert result.stdout == ""
