"""Unexpected failures reach clients as the JSON error shape, never as a stack trace,
and a server restart clears partial files a killed process left behind."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig
from voxdesk.server.core.errors import json_errors_for
from voxdesk.server.platforms.voix.errors import VoixError
from voxdesk.server.platforms.voxpria.errors import VoxpriaError

pytestmark = pytest.mark.timeout(60)


def add_broken_route(app: Starlette) -> None:
    async def broken(request: Request) -> None:
        raise RuntimeError("internal detail: /secret/path and a stack")

    app.add_route("/broken", broken)


def test_an_unexpected_error_is_a_500_json_without_details(tmp_path, caplog):
    config = ServerConfig(data_dir=tmp_path / "data", token="t", demo=False)
    with serve_in_thread(config, customise=add_broken_route) as base_url:
        response = httpx.get(f"{base_url}/broken")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "The server hit an unexpected error; the details are in its log.",
        }
    }
    assert "internal detail" in caplog.text  # logged server-side, not sent


def test_leftover_partial_files_are_cleared_at_start(tmp_path):
    config = ServerConfig(data_dir=tmp_path / "data", token="t", demo=False)
    (config.data_dir / "tmp").mkdir(parents=True)
    (config.data_dir / "tmp" / "abc.part").write_bytes(b"half an upload")
    with serve_in_thread(config):
        assert list((config.data_dir / "tmp").iterdir()) == []


def add_platform_routes(app: Starlette) -> None:
    """Routes wrapped like a platform's: one refusing, one broken, one refusing in
    another platform's envelope (a bug there, so a 500 here)."""

    async def refusing(request: Request) -> None:
        raise VoxpriaError(409, "busy", "Try again.", {"Retry-After": "1"})

    async def broken(request: Request) -> None:
        raise RuntimeError("internal detail")

    async def foreign(request: Request) -> None:
        raise VoixError(400, "invalid_body", "not ours")

    wrap = json_errors_for(VoxpriaError)
    app.add_route("/p/refusing", wrap(refusing))
    app.add_route("/p/broken", wrap(broken))
    app.add_route("/p/foreign", wrap(foreign))


def test_a_platform_answers_its_refusals_and_surprises_in_its_own_envelope(tmp_path, caplog):
    config = ServerConfig(data_dir=tmp_path / "data", token="t", demo=False)
    with (
        serve_in_thread(config, customise=add_platform_routes) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        refused = http.get("/p/refusing")
        broken = http.get("/p/broken")
        foreign = http.get("/p/foreign")
        after = http.get("/p/refusing")  # the same keep-alive connection still serves
    assert (refused.status_code, refused.headers["retry-after"]) == (409, "1")
    assert refused.json() == {"success": False, "error": {"code": "busy", "message": "Try again."}}
    unexpected = {
        "success": False,
        "error": {
            "code": "internal_error",
            "message": "The server hit an unexpected error; see its log.",
        },
    }
    assert (broken.status_code, broken.json()) == (500, unexpected)
    assert (foreign.status_code, foreign.json()) == (500, unexpected)
    assert after.status_code == 409
    assert "internal detail" in caplog.text
