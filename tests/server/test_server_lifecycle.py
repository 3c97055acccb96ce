"""The server as a process: its listening line, signals, a kill -9 in the middle of a
call, its token, scorecard errors at start, and logs that never show a secret."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support.audio import wav_bytes
from tests.support.local_server import LocalServer, wait_for_call

pytestmark = pytest.mark.timeout(120)


def test_listening_line_is_printed_exactly_once_and_port_0_works(tmp_path):
    server = LocalServer(tmp_path / "data", extra_args=["--no-demo"]).start()
    try:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.api("/members"), headers=server.auth).status_code == 200
    finally:
        code = server.stop()
    assert code == 0
    assert server.stdout_lines == [
        f"voxdesk local server listening on http://127.0.0.1:{server.port}"
    ]


def test_sigint_shuts_down_cleanly(tmp_path):
    server = LocalServer(tmp_path / "data", extra_args=["--no-demo"]).start()
    assert server.process is not None
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    assert "Traceback" not in server.stderr_text()


class _GatedAudio(BaseHTTPRequestHandler):
    """Serves a tone, but only once ``gate`` is open; ``asked`` tells a request came."""

    asked = threading.Event()
    gate = threading.Event()
    body = wav_bytes(1.0)

    def do_GET(self) -> None:
        type(self).asked.set()
        type(self).gate.wait(timeout=60)
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def gated_audio() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _GatedAudio)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/call.wav"
    _GatedAudio.gate.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_call_pending_at_kill_9_completes_after_restart(tmp_path, gated_audio):
    _GatedAudio.asked.clear()
    _GatedAudio.gate.clear()
    # The recording is served from another loopback port.
    args = ["--no-demo", "--allow-private-fetch"]
    server = LocalServer(tmp_path / "data", extra_args=args).start()
    try:
        call_id = httpx.post(
            server.api("/calls"),
            headers=server.auth,
            json={"memberId": "a.b@acme.test", "categoryId": "support-qa",
                  "audio_url": gated_audio},
        ).json()["data"]["callId"]  # fmt: skip
        assert _GatedAudio.asked.wait(timeout=30), "the server never fetched the recording"
        server.kill()
        with sqlite3.connect(server.data_dir / "voxdesk.sqlite3") as db:
            status, stage = db.execute(
                "SELECT status, stage FROM calls WHERE id = ?", (call_id,)
            ).fetchone()
        assert (status, stage) == ("processing", "ingest")

        _GatedAudio.gate.set()
        server.restart()
        data = wait_for_call(server, call_id)
        assert data["status"] == "completed", data["error"]
        assert data["metadata"]["duration"] == pytest.approx(1.0, abs=0.1)
    finally:
        server.stop()


def test_generated_token_is_saved_private_and_printed_once(tmp_path):
    server = LocalServer(tmp_path / "data", token=None, extra_args=["--no-demo"]).start()
    try:
        token_file = server.data_dir / "api-token"
        assert token_file.stat().st_mode & 0o777 == 0o600
        assert len(server.token) >= 32
        assert server.stderr_text().count(server.token) == 1
        assert server.token not in "\n".join(server.stdout_lines)
        assert httpx.get(server.api("/members"), headers=server.auth).status_code == 200
        server.restart()
        assert server.stderr_text().count(server.token) == 1
        assert httpx.get(server.api("/members"), headers=server.auth).status_code == 200
    finally:
        server.stop()


def test_an_invalid_scorecard_refuses_to_start(tmp_path):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "broken.yaml").write_text("id: broken\nname: Broken\nsections: []\noutcomes: []\n")
    result = subprocess.run(
        [sys.executable, "-m", "voxdesk.server", "--port", "0", "--no-demo",
         "--data-dir", str(tmp_path / "data"), "--scorecards", str(cards)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert "broken.yaml" in result.stderr and "sections" in result.stderr


def test_extra_scorecards_become_categories(tmp_path):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "sales.yaml").write_text(
        "id: sales-qa\nname: Sales QA\nsections:\n  - id: pitch\n    name: Pitch\n"
        "    criteria:\n      - {id: offer, question: Was an offer made, points: 5, "
        "rule: {said: [offer]}}\noutcomes:\n  - label: Done\n"
    )
    with LocalServer(tmp_path / "data", extra_args=["--no-demo", "--scorecards", str(cards)]) as s:
        ids = [c["id"] for c in httpx.get(s.api("/categories"), headers=s.auth).json()["data"]]
    assert set(ids) >= {"support-qa", "sales-qa"}


def test_debug_logs_never_show_the_token_or_a_signature(tmp_path):
    token = "debug-secret-token-5f1c2a"
    server = LocalServer(
        tmp_path / "data", token=token, extra_args=["--no-demo", "--log-level", "debug"]
    ).start()
    issued: list[str] = []
    try:
        with httpx.Client(headers=server.auth) as client:
            urls = client.post(
                server.api("/calls/presigned-url"),
                json={"filename": "a.wav", "contentType": "audio/wav"},
            ).json()["data"]
            issued += [urls["presignedUrl"], urls["publicUrl"]]
            body = wav_bytes(1.0)
            assert httpx.put(urls["presignedUrl"], content=body,
                             headers={"Content-Type": "audio/wav"}).status_code == 200  # fmt: skip
            assert httpx.get(urls["publicUrl"]).content == body
            call_id = client.post(
                server.api("/calls"),
                json={"memberId": "x.y@acme.test", "categoryId": "support-qa",
                      "audio_url": urls["publicUrl"]},
            ).json()["data"]["callId"]  # fmt: skip
            data = wait_for_call(server, call_id)
            assert data["status"] == "completed", data["error"]
            issued.append(data["metadata"]["audioUrl"])
            wrong = {"Authorization": f"Bearer {token}x"}
            assert httpx.get(server.api("/members"), headers=wrong).status_code == 401
            tampered = urls["presignedUrl"] + "0"
            refused = httpx.put(tampered, content=body, headers={"Content-Type": "audio/wav"})
            assert refused.status_code == 403
    finally:
        assert server.stop() == 0
    log = server.stderr_text()
    assert "DEBUG" in log
    assert "signature=[redacted]" in log
    assert token not in log
    signatures = {re.search(r"signature=([0-9a-f]+)", url).group(1) for url in issued}
    for signature in signatures:
        assert signature not in log
    assert not re.search(r"signature=(?!\[redacted\])", log)
