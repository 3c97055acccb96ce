"""A real local server for Vozzo tests, a spoken sales call to upload, and reading the
server's recordings straight from its API (not through the client under test)."""

from __future__ import annotations

import contextlib
import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.local_server import LocalServer
from voxdesk.contracts import vozzo as wire
from voxdesk.server.analysis.synth import render, write_wav

QUESTIONS = (
    "Is the customer interested in the loan offer? (Yes/No)",
    "Did the agent introduce themselves? (Yes/No)",
)
BUCKETS = (
    ("Hot Lead", "The customer is interested in the loan offer."),
    ("Warm Lead", "The customer may be interested later."),
    ("Cold Lead", "The customer is not interested in the offer."),
)
SALES_CALL = [
    {"agent": "Hello, this is Dana from Acme Loans. Are you interested in our loan offer?"},
    {"customer": "Yes, I am very interested in the loan offer. Please tell me more."},
    {"agent": "Great. I will send you the details by email today."},
    {"customer": "Thank you, that sounds good."},
]


@contextlib.contextmanager
def vozzo_server(data_dir: Path) -> Iterator[LocalServer]:
    with LocalServer(data_dir, extra_args=["--no-demo", "--workers", "1"]) as server:
        yield server


def auth(server: LocalServer) -> dict[str, str]:
    return {"Authorization": f"Token {server.token}"}


def organization(server: LocalServer) -> dict:
    response = httpx.get(server.base_url + wire.ORGANIZATION_PATH, headers=auth(server))
    response.raise_for_status()
    return response.json()


def recordings(server: LocalServer, usecase_uuid: str) -> list[dict]:
    """Every recording of the use case, page by page."""
    found, page = [], 1
    while True:
        response = httpx.post(
            server.base_url + wire.RECORDINGS_PATH,
            json={"usecase_uuid": usecase_uuid, "page": page, "limit": wire.MAX_LIMIT},
            headers=auth(server),
        )
        response.raise_for_status()
        body = response.json()
        found += body["recordings"]
        if page * wire.MAX_LIMIT >= body["total"]:
            return found
        page += 1


def speech_available() -> bool:
    return shutil.which("flite") is not None


@functools.cache
def _sales_call_samples() -> object:
    audio, _ = render(SALES_CALL)
    return audio


def sales_call_wav(path: Path) -> Path:
    """The spoken sales call as a WAV at ``path`` (rendered once per process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, _sales_call_samples())  # type: ignore[arg-type]
    return path
