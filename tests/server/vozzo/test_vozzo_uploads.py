"""Uploads: the link (size, type, date and use-case checks; a 15-minute, single-use PUT
of exactly the size and type asked for, the recording appearing only when its audio is
stored) and the direct upload (metadata a JSON string, the contract's pitfall; audio
bytes only)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.server.vozzo.conftest import UPLOAD_CAP
from tests.server.vozzo.vz_support import (
    PREFIX,
    RECORDINGS,
    assert_error,
    create_usecase,
    details,
    put_upload,
    upload_link,
    wait_final,
)
from tests.support.local_server import LocalServer
from voxdesk.contracts.vozzo import INVALID_DATE, MAX_FILE_SIZE, METADATA_NOT_JSON_STRING


@pytest.fixture(scope="module")
def usecase(api: httpx.Client, org: dict) -> dict:
    return create_usecase(api, org, usecase_name="Uploads")


def _listed(api: httpx.Client, usecase: dict) -> list[str]:
    body = api.post(RECORDINGS, json={"usecase_uuid": usecase["usecase_uuid"], "limit": 100})
    return [r["recording_uuid"] for r in body.json()["recordings"]]


def test_link_then_put_then_processing(
    vz_server: LocalServer, api: httpx.Client, org: dict, usecase: dict, tone: bytes
) -> None:
    metadata = {
        "usecase_uuid": usecase["usecase_uuid"],
        "call_date": "2025-12-04",
        "call_type": "sales",
        "client_ref": "file-1",
    }
    asked = time.time()
    response = upload_link(api, org, len(tone), metadata)
    assert response.status_code == 200, response.text
    link = response.json()
    assert list(link) == ["recording_uuid", "upload_url", "s3_key", "expires_at"]
    assert link["s3_key"] == f"local/default/recordings/{link['recording_uuid']}.wav"
    expires = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00")).timestamp()
    assert 15 * 60 - 5 <= expires - asked <= 15 * 60 + 5
    assert parse_qs(urlsplit(link["upload_url"]).query)["expires"] == [str(int(expires))]
    # Not a recording until its audio is stored.
    assert link["recording_uuid"] not in _listed(api, usecase)
    assert_error(api.post(f"{PREFIX}/org-usecases/get-recording-details",
                          json={"recording_uuid": link["recording_uuid"]}), 404)  # fmt: skip

    # Another size or another type than the link was issued for is refused.
    assert_error(put_upload(link["upload_url"], tone[:-2]), 400, f"exactly {len(tone)} bytes")
    assert_error(put_upload(link["upload_url"], tone, "audio/mpeg"), 403)
    tampered = link["upload_url"].replace("signature=", "signature=0")
    assert_error(put_upload(tampered, tone), 403)

    stored = put_upload(link["upload_url"], tone)
    assert stored.status_code == 200, stored.text
    assert_error(put_upload(link["upload_url"], tone), 409, "already been used")

    assert link["recording_uuid"] in _listed(api, usecase)
    # The server's log (uvicorn's access lines included) shows neither link nor key.
    log = vz_server.stderr_text()
    assert "/v1alpha/callintel/uploads/" in log
    assert parse_qs(urlsplit(link["upload_url"]).query)["signature"][0] not in log
    assert vz_server.token not in log
    done = wait_final(api, link["recording_uuid"])
    assert done["state"] == "ANALYSIS_COMPLETED", done
    assert done["metadata"] == metadata
    assert done["call_date"] == "2025-12-04"
    assert done["call_type"] == "sales"
    assert done["file"] == {"name": "call.wav", "size": len(tone), "content_type": "audio/wav"}


def test_link_refusals(api: httpx.Client, org: dict, usecase: dict) -> None:
    good = {"usecase_uuid": usecase["usecase_uuid"], "call_date": "2025-12-04"}
    assert_error(upload_link(api, org, MAX_FILE_SIZE + 1, good), 400, "file_size")
    assert_error(upload_link(api, org, UPLOAD_CAP + 1, good), 400, "file_size")
    assert_error(upload_link(api, org, 0, good), 400, "file_size")
    for content_type in ("video/mp4", "text/plain", "application/octet-stream", ""):
        assert_error(upload_link(api, org, 1000, good, content_type), 400, "content_type")
    for day in ("2025/12/04", "04-12-2025", "2025-13-01", "2025-02-30", "20251204", "yesterday"):
        message = assert_error(upload_link(api, org, 1000, {**good, "call_date": day}), 400)
        assert message == INVALID_DATE, day
    missing = {**good, "usecase_uuid": str(uuid.uuid4())}
    assert_error(upload_link(api, org, 1000, missing), 400, "usecase_uuid")
    assert_error(upload_link(api, org, 1000, "not an object"), 400)  # type: ignore[arg-type]
    body = {"file_name": "a.wav", "file_size": 1000, "content_type": "audio/wav"}
    assert_error(api.post(f"{PREFIX}/someone-else/default/create-upload-link", json=body), 404)
    assert_error(api.post(f"{PREFIX}/local/bad%20profile/create-upload-link", json=body), 400)
    assert_error(api.post(f"{PREFIX}/local/default/create-upload-link", json={}), 400)
    long_name = {**body, "file_name": "a" * 252 + ".wav"}
    assert_error(api.post(f"{PREFIX}/local/default/create-upload-link", json=long_name), 400)


def test_profiles_are_created_on_first_use(api: httpx.Client, org: dict) -> None:
    profile = f"team-{uuid.uuid4().hex[:6]}"
    assert profile not in api.get(f"{PREFIX}/organization").json()["profiles"]
    response = api.post(
        f"{PREFIX}/local/{profile}/create-upload-link",
        json={"file_name": "a.wav", "file_size": 1000, "content_type": "audio/wav"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["s3_key"].startswith(f"local/{profile}/recordings/")
    organization = api.get(f"{PREFIX}/organization").json()
    assert profile in organization["profiles"]
    assert "default" in organization["profiles"]


def _direct(api: httpx.Client, files: dict, data: dict) -> httpx.Response:
    return api.post(f"{PREFIX}/local/default/direct-upload", files=files, data=data)


def test_direct_upload(api: httpx.Client, usecase: dict, tone: bytes) -> None:
    metadata = {"call_date": "2026-01-04", "call_type": "support"}
    response = _direct(
        api,
        {"file": ("call.wav", tone, "application/octet-stream")},
        {"usecase_uuid": usecase["usecase_uuid"], "metadata": json.dumps(metadata)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["recording_uuid", "s3_key", "state"]
    assert body["state"] == "INITIATED"
    assert body["s3_key"] == f"local/default/recordings/{body['recording_uuid']}.wav"
    found = details(api, body["recording_uuid"])
    assert found["call_date"] == "2026-01-04"
    assert found["usecase_uuid"] == usecase["usecase_uuid"]
    assert found["file"]["content_type"] == "audio/wav"
    assert wait_final(api, body["recording_uuid"])["state"] == "ANALYSIS_COMPLETED"


@pytest.mark.parametrize(
    "metadata",
    ["{key: value}", "not json", "[1, 2]", '"a string"', "42", "null", "{'a': 1}"],
)
def test_direct_upload_metadata_must_be_a_json_string_of_an_object(
    api: httpx.Client, usecase: dict, tone: bytes, metadata: str
) -> None:
    response = _direct(
        api,
        {"file": ("call.wav", tone, "audio/wav")},
        {"usecase_uuid": usecase["usecase_uuid"], "metadata": metadata},
    )
    assert assert_error(response, 400) == METADATA_NOT_JSON_STRING


def test_direct_upload_metadata_sent_as_a_file_part_is_refused(
    api: httpx.Client, usecase: dict, tone: bytes
) -> None:
    response = _direct(
        api,
        {
            "file": ("call.wav", tone, "audio/wav"),
            "metadata": ("m.json", b'{"call_type": "x"}', "application/json"),
        },
        {"usecase_uuid": usecase["usecase_uuid"]},
    )
    assert assert_error(response, 400) == METADATA_NOT_JSON_STRING


def test_direct_upload_refusals(api: httpx.Client, usecase: dict, tone: bytes) -> None:
    uc = {"usecase_uuid": usecase["usecase_uuid"]}
    not_audio = b"%PDF-1.7 " + b"x" * 4000
    assert_error(_direct(api, {"file": ("a.wav", not_audio, "audio/wav")}, uc), 415)
    assert_error(_direct(api, {"recording": ("a.wav", tone, "audio/wav")}, uc), 400, "file")
    bad_day = {**uc, "metadata": json.dumps({"call_date": "12/04/2025"})}
    assert assert_error(_direct(api, {"file": ("a.wav", tone, "audio/wav")}, bad_day), 400) == (
        INVALID_DATE
    )
    unknown = {"usecase_uuid": str(uuid.uuid4())}
    assert_error(_direct(api, {"file": ("a.wav", tone, "audio/wav")}, unknown), 400)
    long_name = "a" * 252 + ".wav"
    assert_error(_direct(api, {"file": (long_name, tone, "audio/wav")}, uc), 400, "file name")
    too_big = tone + b"\0" * (UPLOAD_CAP + 10 - len(tone))
    assert_error(_direct(api, {"file": ("a.wav", too_big, "audio/wav")}, uc), 413)
    as_json = api.post(
        f"{PREFIX}/local/default/direct-upload", json={"usecase_uuid": usecase["usecase_uuid"]}
    )
    assert_error(as_json, 400, "multipart/form-data")
    garbled = api.post(
        f"{PREFIX}/local/default/direct-upload",
        content=b"--xyz\r\nno headers end",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert_error(garbled, 400)
