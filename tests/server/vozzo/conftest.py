"""Vozzo's server tests: one real local server process (``--no-demo``) per package,
a client holding its key in the plain ``Authorization: <key>`` form, and recordings —
a tone and a short scripted call spoken by the demo's synthesiser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.vozzo.vz_support import CALL_SCRIPT
from tests.support.audio import wav_bytes
from tests.support.local_server import LocalServer
from voxdesk.server.analysis.synth import flite_available, render, write_wav

#: Small enough for a quick too-large refusal, large enough for the scripted call.
UPLOAD_CAP = 2_000_000


@pytest.fixture(scope="package")
def vz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("vozzo") / "data"
    args = ["--no-demo", "--max-upload-bytes", str(UPLOAD_CAP)]
    with LocalServer(data, extra_args=args) as running:
        yield running


@pytest.fixture(scope="package")
def api(vz_server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=vz_server.base_url, headers={"Authorization": vz_server.token}, timeout=30
    ) as http:
        yield http


@pytest.fixture(scope="package")
def org(api: httpx.Client) -> dict:
    response = api.get("/v1alpha/callintel/organization")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def tone() -> bytes:
    """Two seconds of a stereo tone: audio with no speech."""
    return wav_bytes(2.0)


@pytest.fixture(scope="session")
def spoken_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``CALL_SCRIPT`` spoken by flite, agent on the left and customer on the right."""
    if not flite_available():
        pytest.fail("flite is not installed: run packaging/install-prereqs.sh")
    path = tmp_path_factory.mktemp("vozzo-speech") / "call.wav"
    stereo, _ = render(CALL_SCRIPT)
    write_wav(path, stereo)
    return path
