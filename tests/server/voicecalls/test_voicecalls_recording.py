"""Recording URLs: SAS-style (sv, se, sp, sig), 15 minutes, downloadable without auth,
seekable with Range, refused (403) when edited or expired."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.server.voicecalls.vc_support import CALLS, SCOPED_ARGS, seed_data_dir
from tests.support.local_server import LocalServer

CALL = "vc_aa7deee1ad"
OTHER_CALL = "vc_68ce596933"
SHORT_TTL = 2


def _recording_url(api: httpx.Client, call_id: str = CALL) -> dict[str, str]:
    response = api.get(f"{CALLS}/{call_id}/recording-url")
    assert response.status_code == 200, response.text
    return response.json()


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


def test_the_url_is_sas_style_and_valid_fifteen_minutes(api: httpx.Client) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    body = _recording_url(api)
    assert list(body) == ["recordingUrl", "expiresAt"]
    expires = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    assert body["expiresAt"].endswith("Z")
    assert before + timedelta(minutes=15) <= expires <= before + timedelta(minutes=15, seconds=5)
    parts = urlsplit(body["recordingUrl"])
    query = parse_qs(parts.query)
    assert {"sv", "se", "sig"} <= set(query)
    assert query["se"] == [body["expiresAt"]]
    assert parts.path.endswith(f"/{CALL}.ogg")


def test_the_recording_downloads_without_auth(api: httpx.Client, tmp_path: Path) -> None:
    url = _recording_url(api)["recordingUrl"]
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/ogg"
    assert response.content.startswith(b"OggS")
    assert int(response.headers["content-length"]) == len(response.content) > 10_000
    assert response.headers["accept-ranges"] == "bytes"


def test_range_requests_return_exactly_those_bytes(api: httpx.Client) -> None:
    url = _recording_url(api)["recordingUrl"]
    whole = httpx.get(url).content
    size = len(whole)
    for header, first, last in [
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, size - 1),
        ("bytes=-500", size - 500, size - 1),
        (f"bytes={size - 10}-{size + 50}", size - 10, size - 1),
    ]:
        response = httpx.get(url, headers={"Range": header})
        assert response.status_code == 206, header
        assert response.content == whole[first : last + 1]
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
    beyond = httpx.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"


def test_head_answers_the_size_without_a_body(api: httpx.Client) -> None:
    url = _recording_url(api)["recordingUrl"]
    size = len(httpx.get(url).content)
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == size


def test_a_tampered_url_is_refused(api: httpx.Client) -> None:
    url = _recording_url(api)["recordingUrl"]
    signature = parse_qs(urlsplit(url).query)["sig"][0]
    later = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    other_path = url.replace(f"/{CALL}.ogg", f"/{OTHER_CALL}.ogg")
    tampered = [
        _with_query(url, sig=signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")),
        _with_query(url, se=later),
        _with_query(url, sv="2020-01-01"),
        _with_query(url, sp="rw"),
        other_path,
        url.split("?")[0],
        _with_query(url, sig=""),
    ]
    for bad in tampered:
        response = httpx.get(bad)
        assert response.status_code == 403, bad
        assert response.json()["error"]["code"] == "signature_invalid"
    # The untouched URL still works, and another call's own URL fetches that call.
    assert httpx.get(url).status_code == 200
    other = httpx.get(_recording_url(api, OTHER_CALL)["recordingUrl"]).content
    assert other != httpx.get(url).content


@pytest.fixture(scope="module")
def short_ttl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("voicecalls-ttl") / "data"
    seed_data_dir(data)
    args = ["--no-demo", "--workers", "1", "--recording-url-ttl", str(SHORT_TTL), *SCOPED_ARGS]
    with LocalServer(data, extra_args=args) as running:
        yield running


def test_recording_url_ttl_shortens_and_an_expired_url_is_refused(
    short_ttl_server: LocalServer,
) -> None:
    response = httpx.get(
        f"{short_ttl_server.base_url}{CALLS}/{CALL}/recording-url", headers=short_ttl_server.auth
    )
    body = response.json()
    expires = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) <= timedelta(seconds=SHORT_TTL)
    # Wait out the lifetime (plus the whole second "se" is rounded to).
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 1.2)
    expired = httpx.get(body["recordingUrl"])
    assert expired.status_code == 403
    assert expired.json()["error"]["code"] == "url_expired"
