"""Hostile and odd input against the real server process: every refusal is a 4xx JSON
error naming the field, nothing accepted breaks a later read, a 500 leaves its
keep-alive connection serving, a chunked body is counted as it arrives, and the bearer
check reads the header the way RFC 7235 writes it (issue 14, points 1 to 5)."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import uuid

import httpx
import psutil
import pytest

from tests.server.test_server_contract import assert_error, new_email
from tests.support.local_server import LocalServer, wait_for_call

pytestmark = pytest.mark.timeout(180)

CATEGORY = "support-qa"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def missing_url(file_server: tuple) -> str:
    """A URL that answers 404: the call fails fast, and its stored record is what counts."""
    return f"{file_server[0]}/no-such-recording.wav"


def raw_call(server: LocalServer, body: str) -> httpx.Response:
    """POST /calls with ``body`` sent byte for byte: ``NaN`` and ``\\ud800`` are what
    Python's json module reads and writes, but httpx's own encoder refuses them."""
    return httpx.post(
        server.api("/calls"),
        content=body.encode(),
        headers={**server.auth, "Content-Type": "application/json"},
    )


def call_body(missing_url: str, **fields: object) -> dict:
    return {"memberId": new_email(), "categoryId": CATEGORY, "audio_url": missing_url, **fields}


def validation_message(response: httpx.Response) -> str:
    return assert_error(response, 400, "validation_error")


# Point 1: values Python reads as JSON but no strict reader can take back.


@pytest.mark.parametrize(
    ("udfs_text", "field_name"),
    [
        ('{"score": NaN}', "udfs.score"),
        ('{"score": Infinity}', "udfs.score"),
        ('{"nested": {"score": [1, -Infinity]}}', "udfs.nested.score[1]"),
        ('{"note": "\\ud800"}', "udfs.note"),
        ('{"\\udfff": 1}', "udfs"),
    ],
)
def test_non_json_numbers_and_lone_surrogates_are_refused_naming_the_field(
    server, missing_url, udfs_text, field_name
):
    body = json.dumps(call_body(missing_url))[:-1] + f', "udfs": {udfs_text}}}'
    message = validation_message(raw_call(server, body))
    assert message.startswith(f"{field_name}: ")


def test_lone_surrogate_member_is_refused_naming_the_field(server, missing_url):
    body = json.dumps(call_body(missing_url, memberId="\ud800@acme.test"))
    assert "\\ud800" in body
    assert validation_message(raw_call(server, body)).startswith("memberId: ")


def test_unsendable_stored_values_do_not_take_a_listing_down(client, server, missing_url):
    """Records an earlier version stored (NaN, a lone surrogate, damaged JSON, bytes that
    are not UTF-8, an analysis of another shape) still list, each as well as it can."""
    member = new_email()
    ids = []
    for _ in range(4):
        response = client.post(server.api("/calls"), json=call_body(missing_url, memberId=member))
        assert response.status_code == 202, response.text
        ids.append(response.json()["data"]["callId"])
    for call_id in ids:
        wait_for_call(server, call_id)
    nan_call, damaged_call, odd_shape_call, bad_bytes_call = ids
    database = sqlite3.connect(server.data_dir / "voxdesk.sqlite3", isolation_level=None)
    try:
        database.execute(
            "UPDATE calls SET udfs = ? WHERE id = ?",
            (json.dumps({"score": float("nan"), "note": "\ud800!"}), nan_call),
        )
        database.execute(
            "UPDATE calls SET status = 'completed', analysis = ? WHERE id = ?",
            ('{"summary": "cut sho', damaged_call),
        )
        database.execute(
            "UPDATE calls SET status = 'completed', analysis = ? WHERE id = ?",
            (json.dumps({"summary": "ok", "sections": 5}), odd_shape_call),
        )
        database.execute(
            "UPDATE calls SET error = CAST(? AS TEXT) WHERE id = ?", (b"\xff\xfe", bad_bytes_call)
        )
    finally:
        database.close()

    for attempt in range(2):  # and again: nothing a read does may depend on the first read
        listing = client.get(server.api("/calls"), params={"q": member})
        assert listing.status_code == 200, (attempt, listing.text)
        by_id = {call["callId"]: call for call in listing.json()["data"]}
        assert set(by_id) == set(ids)
        assert by_id[nan_call]["metadata"]["udfs"] == {"score": None, "note": "\ufffd!"}
        for unreadable in (damaged_call, odd_shape_call):
            assert by_id[unreadable]["status"] == "failed"
            assert "could not read" in by_id[unreadable]["error"]
        assert by_id[bad_bytes_call]["error"] == "\ufffd\ufffd"
    for call_id in ids:
        single = client.get(server.api(f"/calls/{call_id}/analysis"))
        assert single.status_code == 200, single.text
    assert client.get(server.api("/calls")).status_code == 200
    # A text search reads inside every stored analysis, the damaged one included.
    searched = client.get(server.api("/calls"), params={"q": "cut sho"})
    assert searched.status_code == 200, searched.text


# Point 2: inputs that used to reach a 500, or were accepted and failed later.


@pytest.mark.parametrize(
    ("raw_body", "field_name"),
    [
        ('{"udfs": {"id": ' + "9" * 5000 + "}}", "udfs.id"),
        ('{"udfs": {"id": 9007199254740993}}', "udfs.id"),
        ("[" * 5000 + "]" * 5000, "body"),
        ('{"udfs": ' + "[" * 40 + "]" * 40 + "}", "udfs"),
    ],
    ids=["5000-digit-integer", "unsafe-integer", "nested-5000-deep", "nested-40-deep"],
)
def test_huge_numbers_and_deep_nesting_are_400(server, raw_body, field_name):
    assert validation_message(raw_call(server, raw_body)).startswith(f"{field_name}: ")


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"audio_url": "http://127.0.0.1/a\x00.wav"}, "audio_url"),
        ({"audio_url": "http://127.0.0.1/" + "a" * 500_000}, "audio_url"),
        ({"audio_url": "http://[::1/a.wav"}, "audio_url"),
        ({"date": "2026-01-05T10:00:00\x00"}, "date"),
        ({"date": "0001-01-01T00:00:00+05:00"}, "date"),
        ({"date": "9999-12-31T23:59:59-05:00"}, "date"),
    ],
    ids=[
        "nul-url",
        "500kb-url",
        "broken-ipv6-url",
        "nul-date",
        "year-1",
        "year-9999",
    ],
)
def test_unusable_call_fields_are_400_at_the_door(client, server, missing_url, fields, field_name):
    response = client.post(server.api("/calls"), json=call_body(missing_url, **fields))
    assert validation_message(response).startswith(f"{field_name}: ")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0001-01-01", "0001-01-01T03:06:32Z"),  # 09:00 IST, in Kolkata's local mean time
        ("0999-06-01T10:00:00Z", "0999-06-01T10:00:00Z"),
    ],
)
def test_dates_before_year_1000_are_stored_four_digit(client, server, missing_url, given, stored):
    response = client.post(server.api("/calls"), json=call_body(missing_url, date=given))
    assert response.status_code == 202, response.text
    call_id = response.json()["data"]["callId"]
    metadata = client.get(server.api(f"/calls/{call_id}/analysis")).json()["data"]["metadata"]
    assert metadata["date"] == stored
    assert metadata["createdAt"] == stored


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"page": "99999999999999999999"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"page": "²"}, "page"),
        ({"pageSize": "²"}, "pageSize"),
        ({"q": "\x00"}, "q"),
        ({"memberId": "a\x00"}, "memberId"),
        ({"dateFrom": "2026-01-01T00:00:00\x00"}, "dateFrom"),
    ],
)
def test_unusable_listing_parameters_are_400(client, server, params, field_name):
    response = client.get(server.api("/calls"), params=params)
    assert validation_message(response).startswith(f"{field_name}: ")


def test_nul_in_q_does_not_match_every_call(client, server, missing_url):
    response = client.post(server.api("/calls"), json=call_body(missing_url))
    assert response.status_code == 202
    assert client.get(server.api("/calls"), params={"q": "\x00"}).status_code == 400
    # And text that matches nothing still lists nothing.
    nothing = client.get(server.api("/calls"), params={"q": uuid.uuid4().hex})
    assert nothing.status_code == 200, nothing.text
    assert nothing.json()["total"] == 0


def test_huge_page_size_is_still_capped(client, server):
    response = client.get(server.api("/calls"), params={"pageSize": "9" * 5000})
    assert response.status_code == 200
    assert response.json()["pageSize"] == 200


@pytest.mark.parametrize(
    "params",
    [
        {"dateFrom": "0001-01-01T00:00:00+05:00"},
        {"dateFrom": "0001-01-01"},  # midnight IST is in year 0 in UTC
        {"dateTo": "9999-12-31T23:59:59-05:00"},
        {"dateFrom": "9999-12-31T23:59:59-05:00"},
    ],
)
def test_range_bounds_past_either_end_of_time_are_400(client, server, params):
    """A bound outside the years 0001–9999 once in UTC raised OverflowError (a 500)."""
    response = client.get(server.api("/calls"), params=params)
    assert response.status_code == 400, response.text
    (name,) = params
    assert name in response.json()["error"]["message"]


def test_range_bounds_at_the_ends_of_time_in_utc_still_select(client, server):
    everything = client.get(server.api("/calls")).json()["total"]
    wide = {"dateFrom": "0001-01-01T00:00:00Z", "dateTo": "9999-12-31T23:59:59Z"}
    response = client.get(server.api("/calls"), params=wide)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == everything


@pytest.fixture(scope="module")
def stored_tone(client, server, tone) -> str:
    """A signed download URL of an uploaded recording."""
    urls = client.post(
        server.api("/calls/presigned-url"), json={"filename": "t.wav", "contentType": "audio/wav"}
    ).json()["data"]
    put = httpx.put(urls["presignedUrl"], content=tone, headers={"Content-Type": "audio/wav"})
    assert put.status_code == 200
    return urls["publicUrl"]


@pytest.mark.parametrize(
    ("expires", "signature"),
    [("9" * 5000, "0" * 64), ("²", "0" * 64), ("9999999999", "é" * 64)],
    ids=["5000-digit-expiry", "superscript-expiry", "non-ascii-signature"],
)
def test_unreadable_expiry_or_signature_is_403(server, stored_tone, expires, signature):
    key_url = stored_tone.split("?")[0]
    response = httpx.get(key_url, params={"expires": expires, "signature": signature})
    assert_error(response, 403, "signature_invalid")


@pytest.mark.parametrize(
    ("range_header", "status"),
    [
        ("bytes=0-" + "9" * 5000, 206),  # to the end of the file
        ("bytes=-" + "9" * 5000, 206),  # a suffix longer than the file: all of it
        ("bytes=" + "9" * 5000 + "-", 416),  # starts past the end
    ],
)
def test_huge_range_positions_are_answered(server, stored_tone, tone, range_header, status):
    response = httpx.get(stored_tone, headers={"Range": range_header})
    assert response.status_code == status, response.text
    if status == 206:
        assert response.content == tone
    if status == 416:
        assert_error(response, 416, "range_not_satisfiable")


# Point 3: a 500 answers and leaves the keep-alive connection serving.


def read_responses(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """Up to ``count`` ``(status, body)`` answers from ``sock`` (each with a
    Content-Length, as every JSON answer has), stopping early at EOF or a reset."""
    buffer = b""
    answers: list[tuple[int, bytes]] = []
    while len(answers) < count:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buffer[:head_end].decode("latin-1").split("\r\n")
            fields = dict(line.lower().split(": ", 1) for line in head[1:])
            length = int(fields["content-length"])
            body_start = head_end + 4
            if len(buffer) >= body_start + length:
                answers.append((int(head[0].split()[1]), buffer[body_start : body_start + length]))
                buffer = buffer[body_start + length :]
                continue
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            break
        buffer += data
    return answers


def pipelined_get(server: LocalServer, paths: list[str]) -> list[tuple[int, bytes]]:
    """Send the GETs back to back on one keep-alive connection, then read the answers."""
    host = server.base_url.removeprefix("http://")
    requests = b"".join(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.token}\r\n\r\n"
        .encode()
        for path in paths
    )  # fmt: skip
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(requests)
        return read_responses(sock, len(paths))


def test_a_500_leaves_the_keep_alive_connection_serving(tmp_path):
    """A real store fault (the calls table gone) makes ``GET /calls`` fail; the request
    pipelined behind it on the same connection must still be answered."""
    with LocalServer(tmp_path / "data", extra_args=["--no-demo"]) as server:
        database = sqlite3.connect(server.data_dir / "voxdesk.sqlite3", isolation_level=None)
        database.execute("DROP TABLE calls")
        database.close()
        answers = pipelined_get(server, ["/api/external/v1/calls", "/api/external/v1/categories"])
        stderr = server.stderr_text()
    assert [status for status, _ in answers] == [500, 200], stderr[-2000:]
    assert json.loads(answers[0][1])["error"]["code"] == "internal_error"
    assert json.loads(answers[1][1])["data"]
    assert "no such table: calls" in stderr  # logged server-side, not sent


# Point 4: a chunked JSON body is counted as it arrives.


def test_a_300_mb_chunked_body_is_413_without_growing_the_server(server):
    process = psutil.Process(server.process.pid)
    baseline = process.memory_info().rss
    peak = baseline
    sending = threading.Event()
    sending.set()

    def sample() -> None:
        nonlocal peak
        while sending.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    chunk = b" " * MIB
    total = 300

    def body():  # no length: httpx sends it chunked
        for _ in range(total):
            yield chunk

    try:
        response = httpx.post(
            server.api("/calls"),
            content=body(),
            headers={**server.auth, "Content-Type": "application/json"},
            timeout=120,
        )
    finally:
        sending.clear()
        sampler.join()
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "payload_too_large")
    growth = (peak - baseline) / MIB
    assert growth < 20, f"the server grew by {growth:.0f} MB reading a 300 MB chunked body"


# Point 5: the Authorization header as RFC 7235 writes it, and no Host-built redirects.


def test_the_auth_scheme_is_case_insensitive_and_nothing_else_is_loosened(server):
    for scheme in ("bearer", "BEARER", "bEaReR", "Bearer"):
        response = httpx.get(
            server.api("/members"), headers={"Authorization": f"{scheme}  {server.token}"}
        )
        assert response.status_code == 200, (scheme, response.text)
    for value in (f"Basic {server.token}", "bearer wrong", "Bearer", f"Bearer{server.token}"):
        response = httpx.get(server.api("/members"), headers={"Authorization": value})
        assert_error(response, 401, "unauthorized")


@pytest.mark.parametrize("second", ["valid", "invalid"])
def test_two_authorization_headers_are_400(server, second):
    token = server.token if second == "valid" else "wrong"
    headers = [("Authorization", f"Bearer {server.token}"), ("Authorization", f"Bearer {token}")]
    response = httpx.get(server.api("/members"), headers=headers)
    assert assert_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    ("path", "authorised"),
    [
        ("/api/external/v1", False),
        ("/api/external/v1", True),
        ("/api/external/v1/calls/", True),
    ],
)
def test_no_redirect_is_built_from_the_host_header(server, path, authorised):
    headers = {"Host": "attacker.example", **(server.auth if authorised else {})}
    response = httpx.get(f"{server.base_url}{path}", headers=headers, follow_redirects=False)
    assert not response.is_redirect, response.headers.get("location")
    assert "location" not in response.headers
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"error"}
