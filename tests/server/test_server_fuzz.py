"""Arbitrary JSON bodies, query strings, path segments and headers at every route:
never a 5xx, every refusal the JSON error shape, and whatever is accepted reads back
(issue 14, point 2).

Examples are derandomised and bounded so the run is the same in CI and takes seconds;
the in-process server keeps each request cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from typing import Any
from urllib.parse import quote, quote_from_bytes, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.audio import wav_bytes
from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig

pytestmark = pytest.mark.timeout(120)

TOKEN = "fuzz-token"
API = "/api/external/v1"
CATEGORY = "support-qa"
# Nothing listens on port 9 (discard): an accepted call fails its fetch at once.
DEAD_AUDIO = "http://127.0.0.1:9/a.wav"

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as JSON can carry it: any code point, lone surrogates included.
SURROGATE_TEXT = st.text(
    st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010, exclude_categories=())
)
ODD_TEXT = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "9" * 5000,
        "99999999999999999999",
        "²",
        "-1",
        "0",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "http://[::1",
        "http://127.0.0.1:99999/a.wav",
        "%",
        "_",
        "\\",
        "x" * 5000,  # long, yet six of them in one URL stay under the client's 64 KiB
    ]
)
TEXT = st.one_of(st.text(max_size=40), SURROGATE_TEXT, ODD_TEXT)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
DEEP = st.integers(min_value=30, max_value=3000).map(lambda n: "[" * n + "]" * n)
# Written out, since Python itself will not print an integer of 4,300+ digits.
LONG_INTEGER = st.integers(min_value=4000, max_value=6000).map(
    lambda n: '{"udfs": {"n": ' + "9" * n + "}}"
)


def encode(value: Any) -> bytes:
    """JSON as Python writes it: ``NaN``, ``Infinity`` and ``\\ud800`` escapes included
    (httpx's own encoder refuses them, but a client in another language may not)."""
    return json.dumps(value).encode()


RAW_BODIES = st.one_of(
    JSON_VALUES.map(encode),
    DEEP.map(str.encode),
    LONG_INTEGER.map(str.encode),
    st.binary(max_size=64),
)


OFFSETS = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-5))]
)
CALL_DATES = st.one_of(
    st.datetimes(timezones=OFFSETS).map(lambda moment: moment.isoformat()),
    st.dates().map(lambda day: day.isoformat()),
    TEXT,
)


@st.composite
def call_bodies(draw: st.DrawFn) -> bytes:
    """Create-call bodies near the valid one, so that much of what is drawn is accepted
    and must then read back: ``udfs`` and ``date`` always vary, a few other fields are
    replaced by arbitrary values, and sometimes one field is left out."""
    body: dict[str, Any] = {
        "memberId": "fuzz.agent@acme.test",
        "categoryId": CATEGORY,
        "audio_url": DEAD_AUDIO + draw(TEXT),
        "udfs": draw(st.one_of(st.dictionaries(TEXT, JSON_VALUES, max_size=4), JSON_VALUES)),
        "date": draw(st.one_of(st.none(), CALL_DATES)),
    }
    for name in draw(st.sets(st.sampled_from(sorted(body)), max_size=2)):
        body[name] = draw(JSON_VALUES)
    for name in draw(st.sets(st.sampled_from(sorted(body)), max_size=1)):
        del body[name]
    return encode(body)


KNOWN_PARAMETERS = (
    *("page", "pageSize", "status", "memberId", "categoryId", "dateFrom", "dateTo", "q"),
    *("expires", "signature"),
)
QUERY_NAMES = st.one_of(st.sampled_from(KNOWN_PARAMETERS), st.text(max_size=8))


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


QUERY_VALUES = st.one_of(ODD_TEXT.map(utf8), TEXT.map(utf8), st.binary(max_size=16))


@st.composite
def query_strings(
    draw: st.DrawFn, names: st.SearchStrategy[str] = QUERY_NAMES, max_pairs: int = 6
) -> str:
    """A raw query string, percent-encoded from arbitrary bytes (not always UTF-8)."""
    pairs = draw(st.lists(st.tuples(names, QUERY_VALUES), min_size=1, max_size=max_pairs))
    return "&".join(f"{quote(name)}={quote_from_bytes(value)}" for name, value in pairs)


PATH_SEGMENTS = st.one_of(TEXT.map(utf8), st.binary(min_size=1, max_size=16)).map(
    lambda part: quote_from_bytes(part, safe="") or "x"
)
# What a header value may hold (h11 refuses DEL and the client will not send edge spaces).
HEADER_TEXT = st.text(
    st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=30
).map(str.strip)
AUTHORIZATIONS = st.one_of(
    st.just(f"Bearer {TOKEN}"),
    st.just(f"bearer {TOKEN}"),
    HEADER_TEXT,
)
RANGES = st.one_of(
    st.just("bytes=0-" + "9" * 5000),
    HEADER_TEXT.map(lambda tail: ("bytes=" + tail).strip()),
)


@dataclass(frozen=True)
class StoredObject:
    """A real uploaded recording, so storage requests get past the signature check."""

    key: str
    query: str


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    config = ServerConfig(data_dir=data, token=TOKEN, demo=False, workers=1)
    with (
        serve_in_thread(config) as base_url,
        httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def stored(http: httpx.Client) -> StoredObject:
    urls = http.post(
        f"{API}/calls/presigned-url", json={"filename": "t.wav", "contentType": "audio/wav"}
    ).json()["data"]
    upload = httpx.put(
        urls["presignedUrl"], content=wav_bytes(0.2), headers={"Content-Type": "audio/wav"}
    )
    assert upload.status_code == 200
    path, query = urlsplit(urls["publicUrl"])[2:4]
    return StoredObject(key=path.removeprefix("/storage/"), query=query)


def assert_answered(response: httpx.Response) -> Any:
    """No 5xx; a refusal in the JSON error shape; a success as parseable JSON."""
    request = response.request
    assert response.status_code < 500, (request.method, str(request.url)[:300], response.text)
    if not response.content or request.method == "HEAD":
        assert response.status_code < 400 or request.method == "HEAD", response.status_code
        return None
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
    else:
        assert response.status_code < 400, response.text
        return None
    if response.status_code >= 400:
        assert set(body) == {"error"}, body
        assert isinstance(body["error"]["code"], str)
        assert isinstance(body["error"]["message"], str)
        assert body["error"]["message"]
    return body


def post_json(http: httpx.Client, path: str, body: bytes) -> httpx.Response:
    return http.post(path, content=body, headers={"Content-Type": "application/json"})


def create_and_read_back(http: httpx.Client, body: bytes) -> None:
    response = post_json(http, f"{API}/calls", body)
    event(f"create call: {response.status_code}")  # see --hypothesis-show-statistics
    answer = assert_answered(response)
    if answer is not None and "data" in answer:
        # What is accepted must read back, alone and in the listing that holds it.
        call_id = answer["data"]["callId"]
        assert_answered(http.get(f"{API}/calls/{call_id}/analysis"))
        listing = assert_answered(http.get(f"{API}/calls", params={"pageSize": 200}))
        assert listing["total"] >= 1


@FUZZ
@given(body=st.one_of(call_bodies(), RAW_BODIES))
def test_create_call_with_arbitrary_bodies(http, body):
    create_and_read_back(http, body)


@FUZZ
@given(
    udfs=st.dictionaries(TEXT, JSON_VALUES, max_size=4),
    date=st.one_of(st.none(), CALL_DATES),
    url_tail=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=20),
)
def test_whatever_create_call_accepts_reads_back(http, udfs, date, url_tail):
    """Valid required fields, so that most bodies are accepted and then read back."""
    body = {"memberId": "fuzz.agent@acme.test", "categoryId": CATEGORY, "udfs": udfs}
    body["audio_url"] = DEAD_AUDIO + url_tail
    if date is not None:
        body["date"] = date
    create_and_read_back(http, encode(body))


PRESIGN_BODIES = st.one_of(
    st.fixed_dictionaries(
        {"filename": TEXT, "contentType": st.one_of(st.just("audio/wav"), TEXT)}
    ).map(encode),
    RAW_BODIES,
)


@FUZZ
@given(body=PRESIGN_BODIES)
def test_presigned_url_with_arbitrary_bodies(http, body):
    assert_answered(post_json(http, f"{API}/calls/presigned-url", body))


API_READS = st.one_of(
    st.just("/calls"),
    st.sampled_from(["/categories", "/members", "/calls/presigned-url", ""]),
    PATH_SEGMENTS.map(lambda call_id: f"/calls/{call_id}/analysis"),
)


@settings(FUZZ, max_examples=150)
# Few parameters each: with many, one refused early hides what the others would do.
@given(path=API_READS, query=query_strings(st.sampled_from(KNOWN_PARAMETERS), max_pairs=3))
def test_api_reads_with_arbitrary_paths_and_query_strings(http, path, query):
    assert_answered(http.get(f"{API}{path}?{query}"))


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "DELETE"]),
    keys=st.lists(PATH_SEGMENTS, min_size=1, max_size=3).map("/".join),
    queries=query_strings(),
    range_header=RANGES,
    data=st.data(),
)
def test_storage_with_arbitrary_keys_queries_and_ranges(
    http, stored, method, keys, queries, range_header, data
):
    key = data.draw(st.sampled_from([stored.key, keys]), label="key")
    query = data.draw(
        st.sampled_from([stored.query, queries, f"{stored.query}&{queries}"]), label="query"
    )
    response = http.request(
        method,
        f"/storage/{key}?{query}",
        headers={"Range": range_header.encode("latin-1"), "Content-Type": "audio/wav"},
        content=b"RIFF" if method == "PUT" else None,
    )
    assert_answered(response)


@FUZZ
@given(
    authorization=AUTHORIZATIONS,
    path=st.sampled_from(["", "/", "/calls", "/calls/", "/members", "/nowhere"]),
    host=st.sampled_from(["127.0.0.1", "attacker.example", "a:1"]),
)
def test_any_authorization_and_host_is_answered_without_redirect(http, authorization, path, host):
    response = http.get(
        f"{API}{path}",
        headers={"Authorization": authorization.encode("latin-1"), "Host": host},
    )
    assert not response.is_redirect, response.headers.get("location")
    assert_answered(response)


# The other platforms on the same server: their writes take arbitrary bodies and their
# reads arbitrary query strings, under the same rules (no 5xx, errors as JSON).
VOZZO = "/v1alpha/callintel"
PLATFORM_WRITES = (
    "/api/v1/calls",
    "/submit",
    "/api/v1/voice-calls",
    *(
        f"{VOZZO}/{path}"
        for path in (
            "usecase",
            "org-usecases/recordings",
            "org-usecases/get-recording-details",
            "org-usecases/recording/transcript-analytics",
            "org-usecases/analytics/summary-counts",
            "org-usecases/analytics/summary-details",
            "org-usecases/recording/get-audio-presigned-url",
            "local/default/create-upload-link",
            "local/default/direct-upload",
        )
    ),
)
PLATFORM_READS = ("/api/v1/calls", "/calls", "/api/v1/voice-calls", "/api/v1/agents")
# Reads that take a path segment (an id) after them.
PLATFORM_ID_READS = (*PLATFORM_READS[:3], f"{VOZZO}/usecase", f"{VOZZO}/org-usecases")
PLATFORM_PARAMETERS = st.sampled_from(
    ("page", "limit", "pageSize", "campaignId", "state", "direction", "dateFrom", "dateTo", "tag")
)


@FUZZ
@given(path=st.sampled_from(PLATFORM_WRITES), body=RAW_BODIES)
def test_every_platform_write_with_arbitrary_bodies(http, path, body):
    response = post_json(http, path, body)
    event(f"{path}: {response.status_code}")
    assert response.status_code != 401, "the fuzz token must pass auth to reach the body"
    assert "There is nothing at" not in response.text, "every write path is a route"
    assert_platform_answered(response)


@FUZZ
@given(
    path=st.one_of(
        st.sampled_from((*PLATFORM_READS, f"{VOZZO}/organization")),
        st.tuples(st.sampled_from(PLATFORM_ID_READS), PATH_SEGMENTS).map("/".join),
    ),
    query=query_strings(st.one_of(PLATFORM_PARAMETERS, st.text(max_size=8)), max_pairs=3),
)
def test_every_platform_read_with_arbitrary_paths_and_query_strings(http, path, query):
    response = http.get(f"{path}?{query}")
    event(f"{path.split('/')[-1]}: {response.status_code}")
    assert_platform_answered(response)


def assert_platform_answered(response: httpx.Response) -> None:
    """No 5xx, and every refusal is JSON with an error message in plain words, in the
    platform's own envelope (Voxpria's adds ``"success": false``)."""
    request = response.request
    assert response.status_code < 500, (request.method, str(request.url)[:300], response.text)
    if response.status_code < 400:
        response.json()
        return
    body = response.json()
    error = body["error"]
    assert isinstance(error["message"], str) and error["message"], body
    assert set(body) <= {"error", "success"}, body
    assert body.get("success", False) is False, body
