"""The audio URL: scoped to the organization's recordings (another organization's
``s3_key``, another platform's stored object or a recording whose upload never finished
is a 404), signed, time-limited, and streaming with ``Range``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.server.vozzo.vz_support import (
    AUDIO_URL,
    assert_error,
    create_usecase,
    direct_upload,
    upload_link,
)
from tests.support.local_server import LocalServer


@pytest.fixture(scope="module")
def uploaded(api: httpx.Client, org: dict, tone: bytes) -> dict:
    usecase = create_usecase(api, org, usecase_name="Audio")
    return direct_upload(api, org, tone, usecase["usecase_uuid"])


def test_url_streams_the_recording_with_range(api: httpx.Client, uploaded: dict, tone: bytes):
    response = api.post(AUDIO_URL, json={"s3_key": uploaded["s3_key"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["url", "expires_at"]
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert 0 < expires.timestamp() - datetime.now().timestamp() <= 15 * 60 + 5

    whole = httpx.get(body["url"])  # no Authorization: the signature is the permission
    assert whole.status_code == 200
    assert whole.content == tone
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "audio/wav"

    part = httpx.get(body["url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == tone[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(tone)}"
    tail = httpx.get(body["url"], headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == tone[-10:]
    beyond = httpx.get(body["url"], headers={"Range": f"bytes={len(tone) + 5}-"})
    assert beyond.status_code == 416

    edited = body["url"].replace("expires=", "expires=9")
    assert httpx.get(edited).status_code == 403


def test_keys_outside_the_organization_are_not_found(
    api: httpx.Client, org: dict, uploaded: dict, tone: bytes, tmp_path: Path
) -> None:
    for key in (
        "vozzodev-org/default/recordings/4d2d68a1-5d25-4154-9dc4-b862196903ca.webm",
        f"vozzo/{uploaded['s3_key']}",  # the storage key itself is not an s3_key
        uploaded["s3_key"] + "x",
        "../" + uploaded["s3_key"],
    ):
        assert_error(api.post(AUDIO_URL, json={"s3_key": key}), 404)
    assert_error(api.post(AUDIO_URL, json={}), 400, "s3_key")
    assert_error(api.post(AUDIO_URL, json={"s3_key": ""}), 400, "s3_key")

    # A recording whose upload never came has no audio to hand out.
    pending = upload_link(api, org, len(tone), {}).json()
    assert_error(api.post(AUDIO_URL, json={"s3_key": pending["s3_key"]}), 404)

    # Another organization (another server's data dir) with its own key and recording:
    # neither server hands out the other's audio, whichever key asks.
    with LocalServer(
        tmp_path / "other-org", token="other-org-key", extra_args=["--no-demo"]
    ) as other:
        other_api = httpx.Client(
            base_url=other.base_url, headers={"Authorization": "Token other-org-key"}
        )
        other_org = other_api.get("/v1alpha/callintel/organization").json()
        assert other_org["org_uuid"] != org["org_uuid"]
        theirs = direct_upload(other_api, other_org, tone, None)
        assert other_api.post(AUDIO_URL, json={"s3_key": theirs["s3_key"]}).status_code == 200
        assert_error(api.post(AUDIO_URL, json={"s3_key": theirs["s3_key"]}), 404)
        assert_error(other_api.post(AUDIO_URL, json={"s3_key": uploaded["s3_key"]}), 404)
        # And the other organization's key opens nothing here.
        assert_error(
            httpx.post(
                f"{api.base_url}{AUDIO_URL}",
                json={"s3_key": uploaded["s3_key"]},
                headers={"Authorization": "Token other-org-key"},
            ),
            401,
        )
        other_api.close()
