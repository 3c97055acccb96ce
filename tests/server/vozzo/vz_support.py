"""Constants and helpers Vozzo's server tests share."""

from __future__ import annotations

import io
import json
import time
from fractions import Fraction
from typing import Any

import av
import httpx
import numpy as np

from voxdesk.server.analysis.synth import RATE

PREFIX = "/v1alpha/callintel"
USECASE = f"{PREFIX}/usecase"
RECORDINGS = f"{PREFIX}/org-usecases/recordings"
DETAILS = f"{PREFIX}/org-usecases/get-recording-details"
TRANSCRIPT = f"{PREFIX}/org-usecases/recording/transcript-analytics"
COUNTS = f"{PREFIX}/org-usecases/analytics/summary-counts"
SUMMARY = f"{PREFIX}/org-usecases/analytics/summary-details"
AUDIO_URL = f"{PREFIX}/org-usecases/recording/get-audio-presigned-url"
FINAL = {"ANALYSIS_COMPLETED", "FAILED"}

QUESTION = "Is the customer interested in the loan offer?"
#: Worded so that pocketsphinx hears enough of it to decide (it mishears "loan" often).
CALL_SCRIPT = [
    {"agent": "Hello. We have a new loan offer for you. Would you like to hear about it?"},
    {"customer": "Yes please. I am interested in the loan."},
    {"agent": "Great. I will send you the forms."},
]
LEAD_CONFIG = {
    "analysis_questions": [QUESTION],
    "analysis_buckets": [
        {"objective_bucket_name": "Hot Lead", "description": "If user is interested in the loan."},
        {"objective_bucket_name": "Cold Lead", "description": "If user shows no interest."},
    ],
}


def create_usecase(api: httpx.Client, org: dict, **fields: Any) -> dict:
    body = {"org_uuid": org["org_uuid"], "usecase_name": "Test use case", **fields}
    response = api.post(USECASE, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def direct_upload(
    api: httpx.Client,
    org: dict,
    audio: bytes,
    usecase_uuid: str | None,
    metadata: dict | None = None,
    file_name: str = "call.wav",
    profile: str = "default",
) -> dict:
    data = {}
    if usecase_uuid is not None:
        data["usecase_uuid"] = usecase_uuid
    if metadata is not None:
        data["metadata"] = json.dumps(metadata)
    response = api.post(
        f"{PREFIX}/{org['client_name']}/{profile}/direct-upload",
        files={"file": (file_name, audio, "audio/wav")},
        data=data,
    )
    assert response.status_code == 200, response.text
    return response.json()


def upload_link(
    api: httpx.Client, org: dict, size: int, metadata: dict, content_type: str = "audio/wav"
) -> httpx.Response:
    return api.post(
        f"{PREFIX}/{org['client_name']}/default/create-upload-link",
        json={
            "file_name": "call.wav",
            "file_size": size,
            "content_type": content_type,
            "metadata": metadata,
        },
    )


def put_upload(url: str, audio: bytes, content_type: str = "audio/wav") -> httpx.Response:
    return httpx.put(
        url,
        content=audio,
        headers={"Content-Type": content_type, "Content-Length": str(len(audio))},
        timeout=30,
    )


def details(api: httpx.Client, recording_uuid: str) -> dict:
    response = api.post(DETAILS, json={"recording_uuid": recording_uuid})
    assert response.status_code == 200, response.text
    return response.json()


def wait_final(api: httpx.Client, recording_uuid: str, timeout: float = 180.0) -> dict:
    """The recording's details once it is ANALYSIS_COMPLETED or FAILED."""
    deadline = time.monotonic() + timeout
    while True:
        body = details(api, recording_uuid)
        if body["state"] in FINAL:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def assert_error(response: httpx.Response, status: int, message: str | None = None) -> str:
    """The JSON error body ``{"error": {"code", "message"}}`` with ``status``."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert list(body) == ["error"], body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"], body
    if message is not None:
        assert message in body["error"]["message"], body
    return body["error"]["message"]


def webm_bytes(samples: np.ndarray, size: int | None = None) -> bytes:
    """Stereo 16 kHz float samples as WebM/Opus (the contract's example format); with
    ``size``, padded to exactly that many bytes by a trailing EBML Void element, which
    every Matroska reader skips."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=RATE)
        stream.layout = "stereo"
        stream.bit_rate = 24_000
        for offset in range(0, len(pcm), 960):
            chunk = np.ascontiguousarray(pcm[offset : offset + 960]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="stereo")
            frame.sample_rate = RATE
            frame.pts = offset
            frame.time_base = Fraction(1, RATE)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = buffer.getvalue()
    if size is None:
        return data
    padding = size - len(data) - 9  # the Void's ID and 8-byte size
    assert padding >= 0, f"the recording is already {len(data)} bytes"
    return data + b"\xec\x01" + padding.to_bytes(7, "big") + b"\0" * padding
