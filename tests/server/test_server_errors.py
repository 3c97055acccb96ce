"""Unexpected failures reach clients as the JSON error shape, never as a stack trace,
and a server restart clears partial files a killed process left behind."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig

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
