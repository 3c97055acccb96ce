"""A slow download never holds up other calls: downloads run apart from the analysis
runners, a download below the minimum rate over a window is abandoned, and every
download has an overall deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support.inprocess_server import serve_in_thread
from voxdesk.server.config import ServerConfig

pytestmark = pytest.mark.timeout(180)
TOKEN = "slow-fetch-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STOP = threading.Event()


class _Trickle(BaseHTTPRequestHandler):
    """``/trickle``: promises 200 kB and sends one byte every 0.25 s (never trips a read
    timeout). ``/firehose``: sends 8 kB every 50 ms, without end."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        if self.path == "/trickle":
            self.send_header("Content-Length", "200000")
        self.end_headers()
        piece, pause = (b"R", 0.25) if self.path == "/trickle" else (b"\0" * 8192, 0.05)
        try:
            while not STOP.is_set():
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the server gave up on us: that is the point

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_source() -> Iterator[str]:
    STOP.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    STOP.set()
    httpd.shutdown()
    httpd.server_close()


def config(tmp_path, **limits) -> ServerConfig:
    # The sources are on loopback, so private fetches are allowed here.
    return ServerConfig(
        data_dir=tmp_path / "data",
        token=TOKEN,
        demo=False,
        workers=1,
        allow_private_fetch=True,
        **limits,
    )


def create(base_url: str, audio_url: str) -> str:
    response = httpx.post(
        f"{base_url}/api/external/v1/calls",
        headers=AUTH,
        json={"memberId": "qa.lead@acme.test", "categoryId": "support-qa", "audio_url": audio_url},
    )
    assert response.status_code == 202, response.text
    return response.json()["data"]["callId"]


def status(base_url: str, call_id: str) -> dict:
    url = f"{base_url}/api/external/v1/calls/{call_id}/analysis"
    return httpx.get(url, headers=AUTH).json()["data"]


def wait_done(base_url: str, call_id: str, timeout: float) -> tuple[dict, float]:
    """The call's final data and how long it took to get there."""
    started = time.monotonic()
    while True:
        data = status(base_url, call_id)
        elapsed = time.monotonic() - started
        if data["status"] in ("completed", "failed"):
            return data, elapsed
        assert elapsed < timeout, f"call {call_id} still {data['status']} after {timeout} s"
        time.sleep(0.1)


def test_two_trickling_downloads_do_not_delay_a_normal_call(
    tmp_path, slow_source, file_server, tone
):
    base, root = file_server
    (root / "normal.wav").write_bytes(tone)
    # A window long enough that the trickles are still downloading throughout.
    limits = {"fetch_rate_window_seconds": 120.0, "fetch_deadline_seconds": 150.0}
    with serve_in_thread(config(tmp_path, **limits)) as base_url:
        slow = [create(base_url, f"{slow_source}/trickle") for _ in range(2)]
        time.sleep(0.5)  # both are downloading before the normal call arrives
        normal = create(base_url, f"{base}/normal.wav")
        data, elapsed = wait_done(base_url, normal, timeout=60)
        assert data["status"] == "completed", data["error"]
        assert [status(base_url, c)["status"] for c in slow] == ["processing", "processing"]
    print(f"normal call done in {elapsed:.1f} s beside two trickling downloads")
    assert elapsed < 30


def test_a_download_below_the_minimum_rate_is_abandoned(tmp_path, slow_source):
    limits = {"fetch_min_bytes_per_second": 1000, "fetch_rate_window_seconds": 1.5}
    with serve_in_thread(config(tmp_path, **limits)) as base_url:
        calls = [create(base_url, f"{slow_source}/trickle") for _ in range(2)]
        results = [wait_done(base_url, c, timeout=30) for c in calls]
    for data, elapsed in results:
        assert data["status"] == "failed"
        assert data["error"] == (
            "The recording could not be fetched: it arrived too slowly "
            "(under 1000 bytes/s for 1.5 s)."
        )
        assert elapsed < 10


def test_a_download_past_its_deadline_is_abandoned(tmp_path, slow_source):
    with serve_in_thread(config(tmp_path, fetch_deadline_seconds=2.0)) as base_url:
        data, elapsed = wait_done(base_url, create(base_url, f"{slow_source}/firehose"), 30)
    assert data["status"] == "failed"
    assert data["error"] == "The recording could not be fetched: 127.0.0.1 did not send it in time."
    assert elapsed < 10
    assert list((tmp_path / "data" / "tmp").iterdir()) == []
