"""Bodies near the valid ones at Vozzo's writes, with any field replaced by an arbitrary
JSON value or left out: never a 5xx, every refusal the JSON error body, and whatever is
accepted reads back (derandomised and bounded, as the server-wide fuzz tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.server.vozzo.vz_support import LEAD_CONFIG, PREFIX, RECORDINGS, USECASE
from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig

pytestmark = pytest.mark.timeout(180)
TOKEN = "vozzo-fuzz-token"
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ODD_TEXT = st.sampled_from(
    ["", "\x00", "9" * 5000, "2025-02-30", "2025-12-04", "INITIATED", "FAILED", "-1", "%", "²"]
)
TEXT = st.one_of(st.text(max_size=30), ODD_TEXT)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    config = ServerConfig(
        data_dir=tmp_path_factory.mktemp("vozzo-fuzz") / "data", token=TOKEN, demo=False
    )
    with (
        serve_in_thread(config) as base_url,
        httpx.Client(base_url=base_url, headers={"Authorization": TOKEN}, timeout=30) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def ids(http: httpx.Client) -> dict[str, str]:
    org = http.get(f"{PREFIX}/organization").json()
    usecase = http.post(
        USECASE,
        json={"org_uuid": org["org_uuid"], "usecase_name": "Fuzz", "analysis_config": LEAD_CONFIG},
    ).json()
    return {"org_uuid": org["org_uuid"], "usecase_uuid": usecase["usecase_uuid"]}


def answered(response: httpx.Response) -> Any:
    assert response.status_code < 500, (str(response.request.url)[:200], response.text)
    body = response.json()
    if response.status_code >= 400:
        assert list(body) == ["error"], body
        assert body["error"]["message"], body
    return body


@st.composite
def near(draw: st.DrawFn, valid: dict[str, Any]) -> dict[str, Any]:
    body = dict(valid)
    for name in draw(st.lists(st.sampled_from(sorted(valid)), max_size=2, unique=True)):
        if draw(st.booleans()):
            body[name] = draw(JSON_VALUES)
        else:
            body.pop(name)
    return body


def _post(http: httpx.Client, path: str, body: Any) -> httpx.Response:
    return http.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})


@FUZZ
@given(data=st.data())
def test_use_cases(http: httpx.Client, ids: dict[str, str], data: st.DataObject) -> None:
    valid = {
        "org_uuid": ids["org_uuid"],
        "usecase_name": "n",
        "usecase_desc": "d",
        "tags": ["t"],
        "buckets": ["b"],
        "analysis_config": LEAD_CONFIG,
    }
    created = answered(_post(http, USECASE, data.draw(near(valid))))
    event(f"create: {'error' not in created}")
    if "error" in created:
        return
    path = f"{USECASE}/{created['usecase_uuid']}"
    assert answered(http.get(path)) == created
    change = data.draw(near(valid))
    updated = answered(http.put(path, content=json.dumps(change)))
    if "error" not in updated:
        assert answered(http.get(path)) == updated
    answered(http.get(f"{PREFIX}/org-usecases/{ids['org_uuid']}", params={"tag": "t"}))


@FUZZ
@given(data=st.data())
def test_upload_links_and_lists(http: httpx.Client, ids: dict[str, str], data: st.DataObject):
    metadata = {"usecase_uuid": ids["usecase_uuid"], "call_date": "2025-12-04", "call_type": "x"}
    link = {
        "file_name": "a.wav",
        "file_size": 1000,
        "content_type": "audio/wav",
        "metadata": data.draw(st.one_of(st.just(metadata), near(metadata))),
    }
    body = answered(
        _post(http, f"{PREFIX}/local/default/create-upload-link", data.draw(near(link)))
    )
    event(f"link: {'error' not in body}")
    listing = {
        "usecase_uuid": ids["usecase_uuid"],
        "page": 1,
        "limit": 10,
        "state": "INITIATED",
        "start_date": "2025-01-01",
        "end_date": "2026-01-01",
    }
    answered(_post(http, RECORDINGS, data.draw(near(listing))))
    ref = {"recording_uuid": body.get("recording_uuid", "x"), **ids}
    for path in ("get-recording-details", "recording/transcript-analytics"):
        answered(_post(http, f"{PREFIX}/org-usecases/{path}", data.draw(near(ref))))
    for path in ("summary-counts", "summary-details"):
        answered(_post(http, f"{PREFIX}/org-usecases/analytics/{path}", data.draw(near(ids))))
    audio = {"s3_key": body.get("s3_key", "x")}
    answered(
        _post(
            http, f"{PREFIX}/org-usecases/recording/get-audio-presigned-url", data.draw(near(audio))
        )
    )
