"""Voice-bot list API over 100,000 calls: what a client's full sync costs on loopback.

Run: ``uv run python tests/bench/bench_voicecalls.py [--calls N]``. Starts a server with
``--bulk-voice-calls N`` (synthetic calls without audio) and prints: the start-up time
including the bulk insert, one full sync walking every page at ``pageSize=200`` (newest
first), and the median latency of the first and the last (deepest) page and of each
filter. The floor beside them is the same server's ``GET /{id}`` (one indexed row).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.local_server import LocalServer  # noqa: E402

CALLS = "/api/v1/voice-calls"
PAGE_SIZE = 200
REPEATS = 20


def timed(client: httpx.Client, path: str, params: dict | None = None) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000, response.json()


def median_ms(client: httpx.Client, path: str, params: dict | None = None) -> float:
    return statistics.median(timed(client, path, params)[0] for _ in range(REPEATS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server_args = ["--no-demo", "--workers", "1", "--bulk-voice-calls", str(args.calls)]
        server = LocalServer(Path(tmp) / "data", extra_args=server_args, startup_timeout=300)
        started = time.perf_counter()
        with server:
            startup = time.perf_counter() - started
            print(f"server start with {args.calls} calls inserted: {startup:.1f} s")
            with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=60) as api:
                started = time.perf_counter()
                seen = 0
                page = 1
                while True:
                    _, body = timed(api, CALLS, {"page": page, "pageSize": PAGE_SIZE})
                    seen += len(body["data"])
                    if page * PAGE_SIZE >= body["total"]:
                        break
                    page += 1
                sync = time.perf_counter() - started
                print(f"full sync: {seen} calls in {page} pages, {sync:.1f} s")
                last = (args.calls + PAGE_SIZE - 1) // PAGE_SIZE
                floor = median_ms(api, f"{CALLS}/vc_bulk_00000001")
                print(f"GET /{{id}} (floor): median {floor:.1f} ms")
                for label, params in [
                    ("first page", {"pageSize": PAGE_SIZE}),
                    ("last page", {"pageSize": PAGE_SIZE, "page": last}),
                    ("state=Completed", {"state": "Completed"}),
                    ("campaignId", {"campaignId": "camp_bulk_billing"}),
                    ("direction+state", {"direction": "Inbound", "state": "Busy"}),
                    ("one week", {"dateFrom": "2025-12-01", "dateTo": "2025-12-07"}),
                    ("all filters", {
                        "campaignId": "camp_bulk_billing", "state": "Completed",
                        "direction": "Outbound", "dateFrom": "2025-11-01",
                        "dateTo": "2025-11-30",
                    }),
                ]:  # fmt: skip
                    print(f"{label}: median {median_ms(api, CALLS, params):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
