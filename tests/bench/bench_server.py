"""Local server benchmark: end-to-end time from ``POST /calls`` to ``completed`` for a
~60 s stereo call, and the API's latency while 4 calls are being transcribed.

Run: ``uv run python tests/bench/bench_server.py``. Each figure is printed beside a
floor measured in the same run: the engine's own analysis time of the same recording
in this process (what the pipeline cannot beat), and the same requests' latency on
the idle server. Targets: end-to-end ≤ 20 s; API latency under load < 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.local_server import LocalServer, wait_for_call  # noqa: E402
from voxdesk.server.analysis.engine import analyze_recording  # noqa: E402
from voxdesk.server.scorecard import load_scorecards  # noqa: E402

RECORDING = ROOT / "resources/demo/calls/support-01-modem-reset.ogg"  # 57 s, stereo
CATEGORY = "support-qa"


def upload_and_create(server: LocalServer, client: httpx.Client) -> str:
    presign = client.post(
        server.api("/calls/presigned-url"),
        json={"filename": RECORDING.name, "contentType": "audio/ogg"},
    ).json()["data"]
    body = RECORDING.read_bytes()
    client.put(presign["presignedUrl"], content=body, headers={"Content-Type": "audio/ogg"})
    created = client.post(
        server.api("/calls"),
        json={
            "memberId": "bench@acme.example",
            "categoryId": CATEGORY,
            "audio_url": presign["publicUrl"],
        },
    )
    return created.json()["data"]["callId"]


def latencies(
    server: LocalServer, client: httpx.Client, call_id: str, seconds: float
) -> list[float]:
    """Milliseconds of each API request, alternating a read of a call and the call list."""
    times: list[float] = []
    deadline = time.monotonic() + seconds
    paths = [f"/calls/{call_id}/analysis", "/calls?pageSize=50", "/categories"]
    while time.monotonic() < deadline:
        for path in paths:
            started = time.perf_counter()
            client.get(server.api(path)).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"median {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {ordered[-1]:6.1f} ms  (n={len(ordered)})"
    )


def main() -> None:
    scorecard = load_scorecards()[CATEGORY]
    analyze_recording(RECORDING, scorecard)  # warm the model, as a server worker would be
    started = time.perf_counter()
    analyze_recording(RECORDING, scorecard)
    engine_floor = time.perf_counter() - started

    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalServer(Path(tmp) / "data", extra_args=["--no-demo"]) as server,
        httpx.Client(headers=server.auth, timeout=30) as client,
    ):
        # A first call warms the workers' model, as on a server that has been running.
        wait_for_call(server, upload_and_create(server, client), timeout=120)

        started = time.perf_counter()
        call_id = upload_and_create(server, client)
        data = wait_for_call(server, call_id, timeout=120)
        end_to_end = time.perf_counter() - started
        assert data["status"] == "completed", data

        idle = latencies(server, client, call_id, 3.0)
        busy_ids = [upload_and_create(server, client) for _ in range(4)]
        busy: list[float] = []
        sampler = threading.Thread(
            target=lambda: busy.extend(latencies(server, client, call_id, 15.0))
        )
        sampler.start()
        sampler.join()
        for busy_id in busy_ids:
            wait_for_call(server, busy_id, timeout=300)

    print(f"recording: {RECORDING.name} (57 s stereo Ogg/Opus), 2 analysis workers")
    print(f"POST /calls -> completed: {end_to_end:6.2f} s   target <= 20 s")
    print(f"  floor, engine alone on the same file: {engine_floor:6.2f} s")
    print(f"API latency, 4 calls transcribing: {describe(busy)}   target < 100 ms")
    print(f"  floor, idle server:                {describe(idle)}")


if __name__ == "__main__":
    main()
