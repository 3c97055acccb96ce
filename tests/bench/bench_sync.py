"""Incremental sync of 100,000 voice-bot calls into the catalog: what it costs against
the network alone, and whether the GUI's event loop keeps ticking meanwhile.

Run: ``QT_QPA_PLATFORM=offscreen uv run python tests/bench/bench_sync.py [--calls N]``.
Starts a server with ``--bulk-voice-calls N`` and prints figures (no asserts), all on
one qasync loop as the app runs them:

- a bare httpx loop fetching the same pages (``pageSize=200``, newest first) and
  parsing their JSON: the floor;
- the first sync (``CallSync``) into a fresh catalog, and its ratio to that loop
  (target ≤ 1.5×);
- the largest gap between ticks of a 10 ms ``QTimer`` during the sync (target ≤ 25 ms);
- a refresh with nothing new (target ≤ 300 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402
from qasync import QEventLoop  # noqa: E402

from tests.support.local_server import LocalServer  # noqa: E402
from voxdesk.providers.registry import make_provider  # noqa: E402
from voxdesk.services.catalog import CallCatalog, CallFilter  # noqa: E402
from voxdesk.services.sync import PAGE_SIZE, CallSync  # noqa: E402
from voxdesk.ui.app import favour_the_event_loop  # noqa: E402

CALLS = "/api/v1/voice-calls"
TICK_MS = 10


class CpuTime:
    """CPU seconds the server's process and this one (every thread) spent meanwhile:
    on a machine whose cores are all busy, the wall-clock ratio follows their sum."""

    def __init__(self, server: LocalServer) -> None:
        self.server = psutil.Process(server.process.pid)
        self.server_s = self.client_s = 0.0

    def __enter__(self) -> CpuTime:
        self._server0 = sum(self.server.cpu_times()[:2])
        self._client0 = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server_s = sum(self.server.cpu_times()[:2]) - self._server0
        self.client_s = time.process_time() - self._client0

    def __str__(self) -> str:
        return f"CPU: server {self.server_s:.1f} s, voxdesk {self.client_s:.1f} s"


class TickGaps:
    """The largest gap between ticks of a 10 ms timer while it runs."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.largest = 0.0
        self._last = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.largest = max(self.largest, (now - self._last) * 1000)
        self._last = now

    def __enter__(self) -> TickGaps:
        self.largest = 0.0
        self._last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


async def bare_loop(api: httpx.AsyncClient) -> int:
    """Every page, one after the other, as plain JSON: no mapping, no storing."""
    seen, page = 0, 1
    while True:
        response = await api.get(CALLS, params={"page": page, "pageSize": PAGE_SIZE})
        response.raise_for_status()
        body = response.json()
        seen += len(body["data"])
        if len(body["data"]) < PAGE_SIZE or seen >= body["total"]:
            return seen
        page += 1


async def bench(server: LocalServer, calls: int, catalog_dir: Path) -> None:
    favour_the_event_loop()  # as the app does once its window is up
    gaps = TickGaps()
    with gaps:
        await asyncio.sleep(2)
    print(f"largest {TICK_MS} ms timer gap with the loop idle for 2 s: {gaps.largest:.0f} ms "
          "(this machine's scheduling noise)")  # fmt: skip
    # Clients are made before timing: making one loads the TLS trust store (~100 ms).
    cpu = CpuTime(server)
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth, timeout=60) as api:
        # And one request, untimed: httpx's first one imports its async backend (anyio,
        # 30-200 ms on the loop's thread), once a process; the sync would not pay it.
        (await api.get(CALLS, params={"pageSize": 1})).raise_for_status()
        with gaps, cpu:
            started = time.perf_counter()
            fetched = await bare_loop(api)
            bare = time.perf_counter() - started
    print(f"bare httpx loop, {fetched} calls in {fetched // PAGE_SIZE + 1} pages: {bare:.2f} s "
          f"(largest {TICK_MS} ms timer gap {gaps.largest:.0f} ms)\n  {cpu}")  # fmt: skip

    catalog = CallCatalog(catalog_dir / "catalog.sqlite3")
    await catalog.open()
    provider = make_provider("voicecalls", {"base_url": server.base_url, "token": server.token})
    try:
        sync = CallSync("bench", provider, catalog)
        with gaps, cpu:
            started = time.perf_counter()
            result = await sync.run()
            first = time.perf_counter() - started
        stored = await catalog.count("bench", CallFilter())
        print(f"first sync, {result.calls} calls in {result.pages} pages ({stored} stored): "
              f"{first:.2f} s = {first / bare:.2f}x the bare loop (target <= 1.5x)\n"
              f"  {cpu}")  # fmt: skip
        print(f"largest {TICK_MS} ms timer gap during the sync: {gaps.largest:.0f} ms "
              "(target <= 25 ms)")  # fmt: skip
        times = []
        for _ in range(5):
            started = time.perf_counter()
            again = await sync.run()
            times.append((time.perf_counter() - started) * 1000)
        print(f"refresh with nothing new ({again.pages} page, {again.calls} calls in the "
              f"overlap): median {sorted(times)[2]:.0f} ms, max {max(times):.0f} ms "
              "(target <= 300 ms)")  # fmt: skip
    finally:
        await provider.aclose()
        await catalog.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        server_args = ["--no-demo", "--workers", "1", "--bulk-voice-calls", str(args.calls)]
        server = LocalServer(Path(tmp) / "data", extra_args=server_args, startup_timeout=600)
        with server, loop:
            print(f"{args.calls} synthetic voice-bot calls on the local server")
            loop.run_until_complete(bench(server, args.calls, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
