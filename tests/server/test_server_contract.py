"""The Voxxi contract as the local server answers it: envelopes key for key, the date
rules, validation, auth and the JSON error shape, plus the local listing endpoints."""

from __future__ import annotations

import json
import shutil
import uuid

import httpx
import pytest

from tests.support.local_server import LocalServer, wait_for_call
from voxdesk.contracts import voxxi as wire
from voxdesk.server.platforms.voxxi.demo import manifest_path

pytestmark = pytest.mark.timeout(120)

DATA_KEYS = {"callId", "status", "analysis", "metadata"}
LOCAL_DATA_KEYS = {"transcript", "memberId", "categoryId", "error"}
ANALYSIS_KEYS = {
    "score",
    "outcomeLabel",
    "outcomeRationale",
    "callObservations",
    "areasForImprovement",
    "extractions",
    "sections",
}
SECTION_KEYS = {"sectionId", "sectionName", "score", "totalScore", "criterias"}
# The contract's four criterion fields, plus the local autoFail and confidence extensions.
CRITERION_KEYS = {
    "criteriaId",
    "question",
    "result",
    "rationale",
    "autoFail",
    "confidence",
    "uncertain",
    "uncertainReason",
}
METADATA_KEYS = {"date", "duration", "summary", "audioUrl", "udfs", "createdAt", "updatedAt"}
TURN_KEYS = {"speaker", "start", "end", "text", "words"}  # words: a local extension
CATEGORY = "support-qa"


def new_email() -> str:
    return f"agent.{uuid.uuid4().hex[:8]}@acme.test"


def post_call(client: httpx.Client, server: LocalServer, **fields: object) -> httpx.Response:
    body = {"memberId": "qa.lead@acme.test", "categoryId": CATEGORY, **fields}
    body = {key: value for key, value in body.items() if value is not ...}
    return client.post(server.api("/calls"), json=body)


@pytest.fixture(scope="module")
def tone_url(file_server: tuple, tone: bytes) -> str:
    base, root = file_server
    (root / "tone.wav").write_bytes(tone)
    return f"{base}/tone.wav"


@pytest.fixture(scope="module")
def missing_url(file_server: tuple) -> str:
    """A URL that answers 404, for calls whose processing does not matter here."""
    return f"{file_server[0]}/no-such-recording.wav"


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]


def test_create_call_answers_202_processing(client, server, tone_url):
    response = post_call(client, server, audio_url=tone_url, udfs={"ticket": "T-1"})
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"data"}
    assert set(body["data"]) == {"callId", "status"}
    assert body["data"]["status"] == "processing"


def test_analysis_envelope_before_and_after_completion(client, server, tone_url):
    call_id = post_call(client, server, audio_url=tone_url, udfs={"ticket": "T-2"}).json()["data"][
        "callId"
    ]
    early = client.get(server.api(f"/calls/{call_id}/analysis")).json()
    assert set(early) == {"data"}
    data = early["data"]
    assert set(data) == DATA_KEYS | LOCAL_DATA_KEYS
    assert set(data["analysis"]) == ANALYSIS_KEYS
    assert set(data["metadata"]) == METADATA_KEYS
    if data["status"] != "completed":
        assert data["status"] in ("pending", "processing")
        assert data["analysis"]["sections"] == []
        assert all(data["analysis"][key] is None for key in ANALYSIS_KEYS - {"sections"})
        assert data["transcript"] is None

    done = wait_for_call(server, call_id)
    assert done["status"] == "completed", done["error"]
    assert set(done) == DATA_KEYS | LOCAL_DATA_KEYS
    assert done["callId"] == call_id
    assert done["categoryId"] == CATEGORY
    assert done["error"] is None
    assert set(done["analysis"]) == ANALYSIS_KEYS
    for section in done["analysis"]["sections"]:
        assert set(section) == SECTION_KEYS
        for criterion in section["criterias"]:
            assert set(criterion) == CRITERION_KEYS
    assert isinstance(done["transcript"], list)
    for turn in done["transcript"]:
        assert set(turn) == TURN_KEYS
        for word in turn["words"]:
            assert set(word) == {"word", "start", "end"}
            assert turn["start"] <= word["start"] <= word["end"] <= turn["end"] + 0.05
    metadata = done["metadata"]
    assert set(metadata) == METADATA_KEYS
    assert metadata["audioUrl"] == tone_url
    assert metadata["udfs"] == {"ticket": "T-2"}
    assert metadata["duration"] == pytest.approx(2.0, abs=0.1)
    for stamp in (metadata["createdAt"], metadata["updatedAt"], metadata["date"]):
        assert stamp.endswith("Z") and len(stamp) == 20


@pytest.mark.parametrize(
    ("given", "created_at"),
    [
        ("2026-03-05", "2026-03-05T03:30:00Z"),
        ("2026-03-05T14:30:00", "2026-03-05T09:00:00Z"),
        ("2026-03-05T14:30:00Z", "2026-03-05T14:30:00Z"),
        ("2026-03-05T14:30:00+02:00", "2026-03-05T12:30:00Z"),
        ("2026-03-05 14:30", "2026-03-05T09:00:00Z"),
        ("2026/03/05", "2026-03-05T03:30:00Z"),
        ("2026/03/05 14:30", "2026-03-05T09:00:00Z"),
        ("2026/03/05 14:30:15", "2026-03-05T09:00:15Z"),
        ("05-03-2026", "2026-03-05T03:30:00Z"),
        ("05-03-2026 18:45", "2026-03-05T13:15:00Z"),
        ("05/03/2026", "2026-03-05T03:30:00Z"),
        ("05/03/2026 00:10:00", "2026-03-04T18:40:00Z"),
    ],
)
def test_every_date_format_initialises_created_at(client, server, missing_url, given, created_at):
    response = post_call(client, server, audio_url=missing_url, date=given)
    assert response.status_code == 202, response.text
    call_id = response.json()["data"]["callId"]
    metadata = client.get(server.api(f"/calls/{call_id}/analysis")).json()["data"]["metadata"]
    assert metadata["createdAt"] == created_at
    assert metadata["date"] == created_at


def test_created_at_without_date_is_now(client, server, missing_url):
    call_id = post_call(client, server, audio_url=missing_url).json()["data"]["callId"]
    metadata = client.get(server.api(f"/calls/{call_id}/analysis")).json()["data"]["metadata"]
    assert metadata["createdAt"][:4] >= "2025"


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"memberId": ...}, "memberId"),
        ({"memberId": 42}, "memberId"),
        ({"memberId": "not a member"}, "memberId"),
        ({"categoryId": ...}, "categoryId"),
        ({"categoryId": "no-such-scorecard"}, "categoryId"),
        ({"audio_url": ...}, "audio_url"),
        ({"audio_url": "ftp://example.com/a.wav"}, "audio_url"),
        ({"audio_url": "not a url"}, "audio_url"),
        ({"udfs": ["a", "b"]}, "udfs"),
        ({"udfs": "text"}, "udfs"),
        ({"date": "yesterday"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "31/13/2026"}, "date"),
        ({"date": 20260305}, "date"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(client, server, missing_url, fields, field_name):
    response = post_call(client, server, **{"audio_url": missing_url, **fields})
    message = assert_error(response, 400, "validation_error")
    assert field_name in message


def test_body_must_be_a_json_object(client, server):
    for content in (b"not json", b"[1, 2]"):
        response = client.post(
            server.api("/calls"), content=content, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 400, "validation_error")


def test_unknown_email_registers_a_member_and_is_reused(client, server, missing_url):
    email = new_email()
    first = post_call(client, server, memberId=email, audio_url=missing_url).json()["data"]
    members = client.get(server.api("/members")).json()["data"]
    registered = [m for m in members if m["email"] == email]
    assert len(registered) == 1
    member = registered[0]
    assert set(member) == {"id", "email", "name"}
    assert member["name"].startswith("Agent ")
    second = post_call(client, server, memberId=member["id"], audio_url=missing_url).json()["data"]
    third = post_call(client, server, memberId=email.upper(), audio_url=missing_url).json()["data"]
    for call in (first, second, third):
        data = client.get(server.api(f"/calls/{call['callId']}/analysis")).json()["data"]
        assert data["memberId"] == member["id"]
    assert len(client.get(server.api("/members")).json()["data"]) == len(members)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/calls", {"memberId": "a@b.c", "categoryId": CATEGORY, "audio_url": "http://x"}),
        ("GET", "/calls", None),
        ("POST", "/calls/presigned-url", {"filename": "a.wav", "contentType": "audio/wav"}),
        ("GET", "/calls/call_x/analysis", None),
        ("GET", "/categories", None),
        ("GET", "/members", None),
    ],
)
def test_every_api_route_needs_the_bearer_token(server, method, path, body):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": server.token}):
        response = httpx.request(method, server.api(path), json=body, headers=headers)
        assert_error(response, 401, "unauthorized")


def test_unknown_call_is_404_json(client, server):
    assert_error(client.get(server.api("/calls/call_nope/analysis")), 404, "not_found")


def test_unknown_routes_and_methods_are_json(client, server):
    assert_error(client.get(server.api("/nothing-here")), 404, "not_found")
    assert_error(client.get(f"{server.base_url}/nothing-here"), 404, "not_found")
    assert_error(client.delete(server.api("/members")), 405, "method_not_allowed")
    assert_error(client.get(server.api("/calls/presigned-url")), 405, "method_not_allowed")


def test_presigned_url_envelope(client, server):
    response = client.post(
        server.api("/calls/presigned-url"),
        json={"filename": "../../Weird name (1).WAV", "contentType": "audio/wav"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data"}
    assert set(body["data"]) == {"key", "presignedUrl", "publicUrl"}
    key = body["data"]["key"]
    assert key.startswith("uploads/") and key.endswith("/Weird_name_1_.WAV")
    assert ".." not in key
    for url in (body["data"]["presignedUrl"], body["data"]["publicUrl"]):
        assert url.startswith(f"{server.base_url}/storage/{key}?expires=")
        assert "&signature=" in url


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"contentType": "audio/wav"}, "filename"),
        ({"filename": "", "contentType": "audio/wav"}, "filename"),
        ({"filename": "a.wav"}, "contentType"),
        ({"filename": "a.txt", "contentType": "text/plain"}, "contentType"),
        ({"filename": "a.mp4", "contentType": "video/mp4"}, "contentType"),
    ],
)
def test_presigned_url_validation(client, server, body, field_name):
    response = client.post(server.api("/calls/presigned-url"), json=body)
    assert field_name in assert_error(response, 400, "validation_error")


def test_categories_lists_loaded_scorecards(client, server):
    body = client.get(server.api("/categories")).json()
    assert set(body) == {"data"}
    support = next(c for c in body["data"] if c["id"] == CATEGORY)
    assert set(support) == {"id", "name", "sections"}
    assert support["name"] == "Customer support QA"
    assert [s["id"] for s in support["sections"]] == ["opening", "conduct", "closing"]
    assert all(set(s) == {"id", "name"} for s in support["sections"])


def test_call_list_pages_and_filters(client, server, missing_url):
    email = new_email()
    ids = []
    for day in ("2025-01-10", "2025-01-11", "2025-01-12"):
        response = post_call(client, server, memberId=email, audio_url=missing_url, date=day)
        ids.append(response.json()["data"]["callId"])
    member_id = client.get(server.api(f"/calls/{ids[0]}/analysis")).json()["data"]["memberId"]

    page = client.get(server.api("/calls"), params={"memberId": member_id, "pageSize": 2}).json()
    assert set(page) == {"data", "page", "pageSize", "total"}
    assert (page["page"], page["pageSize"], page["total"]) == (1, 2, 3)
    assert [c["callId"] for c in page["data"]] == [ids[2], ids[1]]
    assert set(page["data"][0]) == DATA_KEYS | LOCAL_DATA_KEYS
    second = client.get(
        server.api("/calls"), params={"memberId": member_id, "pageSize": 2, "page": 2}
    ).json()
    assert [c["callId"] for c in second["data"]] == [ids[0]]

    dated = client.get(
        server.api("/calls"),
        params={"memberId": member_id, "dateFrom": "2025-01-11", "dateTo": "2025-01-11"},
    ).json()
    assert [c["callId"] for c in dated["data"]] == [ids[1]]
    by_text = client.get(server.api("/calls"), params={"q": ids[1][-10:]}).json()
    assert [c["callId"] for c in by_text["data"]] == [ids[1]]
    by_member_text = client.get(server.api("/calls"), params={"q": email.split("@")[0]}).json()
    assert by_member_text["total"] == 3
    by_category = client.get(
        server.api("/calls"), params={"categoryId": "nope", "memberId": member_id}
    ).json()
    assert by_category["total"] == 0

    wait_for_call(server, ids[0])
    failed = client.get(
        server.api("/calls"), params={"status": "failed", "memberId": member_id}
    ).json()
    assert ids[0] in [c["callId"] for c in failed["data"]]
    capped = client.get(server.api("/calls"), params={"pageSize": 5000}).json()
    assert capped["pageSize"] == 200


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page": "x"}, {"pageSize": "0"}, {"status": "done"}, {"dateFrom": "soon"}],
)
def test_call_list_rejects_bad_parameters(client, server, params):
    response = client.get(server.api("/calls"), params=params)
    assert next(iter(params)) in assert_error(response, 400, "validation_error")


def _json_text(value: object) -> str:
    """The exact JSON, key order included (``==`` on dicts ignores order)."""
    return json.dumps(value)


def test_every_answer_is_exactly_what_the_shared_wire_models_write(client, server, file_server):
    """One description of Voxxi's JSON (``voxdesk.contracts.voxxi``) for the server and
    the provider: each answer, read with the models the provider parses with and
    written back, is the same JSON, key for key and in the same order — so no field
    the server sends is unknown to the models, and none is missing."""
    base, root = file_server
    shutil.copy(manifest_path().parent / "calls" / "sales-02-pressure.ogg", root / "speech.ogg")
    created = post_call(
        client, server, categoryId="sales-qa", audio_url=f"{base}/speech.ogg", udfs={"t": "T-9"}
    ).json()
    assert _json_text(wire.Envelope[wire.CreatedCall].model_validate(created).dump()) == (
        _json_text(created)
    )
    done = wait_for_call(server, created["data"]["callId"])
    assert done["status"] == "completed", done["error"]
    assert done["transcript"][0]["words"] and done["analysis"]["sections"][0]["criterias"]
    answers = {
        wire.Envelope[wire.CallAnalysis]: client.get(
            server.api(f"/calls/{done['callId']}/analysis")
        ).json(),
        wire.CallPage: client.get(server.api("/calls"), params={"pageSize": 5}).json(),
        wire.Envelope[list[wire.Category]]: client.get(server.api("/categories")).json(),
        wire.Envelope[list[wire.Member]]: client.get(server.api("/members")).json(),
        wire.Envelope[wire.PresignedUrl]: client.post(
            server.api("/calls/presigned-url"),
            json=wire.PresignedUrlRequest(filename="a.wav", content_type="audio/wav").dump(),
        ).json(),
        wire.ErrorBody: client.get(server.api("/calls/call_nope/analysis")).json(),
    }
    for model, answer in answers.items():
        assert _json_text(model.model_validate(answer).dump()) == _json_text(answer), model
