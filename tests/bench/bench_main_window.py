"""Start-up, filter, sort and memory of the main window over a large call catalog.

    uv run python tests/bench/bench_main_window.py [--million] [--runs 3]

Builds a temporary catalog of 100,000 calls (``CallCatalog.upsert_calls`` in batches;
with ``--million`` also 1,000,000 calls written with ``executemany`` straight into the
same schema) and prints each measurement beside its floor, measured in the same run:

* time to first paint, and to the first page of rows painted, of the real window vs
  an empty ``QMainWindow`` with the same imports (each in a fresh subprocess, from
  ``Popen`` to the child's report, median of ``--runs``);
* time to apply a filter and to sort through the window's path (widget signal →
  ``CallBrowser`` → ``CallCatalog`` on its thread → ``CallListModel`` reset) vs the bare
  SQLite query and count the catalog runs;
* resident memory of the child with the window showing the catalog.

Targets: start-up ≤ 1.5× the floor; filter and sort ≤ 50 ms; RSS ≤ 200 MB at 100k
calls and flat at 1M.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONNECTION = "Bench"
AGENTS = [f"Agent {i:03d}" for i in range(200)]
CATEGORIES = ["Customer support QA", "Sales call QA", "Retention QA", "Billing QA"]
OUTCOMES = ["Resolved", "Unresolved", "Escalated", "Sale", "No sale", "Follow-up"]
START = datetime(2024, 1, 1, tzinfo=UTC)
TARGET_STARTUP_RATIO = 1.5
TARGET_QUERY_MS = 50.0
TARGET_RSS_MB = 200.0


# --- generating catalogs ---------------------------------------------------------------


def _fields(n: int) -> dict:
    status = "completed" if n % 50 else "failed"
    done = status == "completed"
    return {
        "id": f"call_{n:08d}",
        "status": status,
        "member_id": f"mem_{n % len(AGENTS):03d}",
        "agent": AGENTS[n % len(AGENTS)],
        "category_id": f"cat_{n % len(CATEGORIES)}",
        "category": CATEGORIES[n % len(CATEGORIES)],
        "date": START + timedelta(minutes=7 * n),
        "duration": 30.0 + (n * 37) % 900,
        "score": float((n * 53) % 101) if done else None,
        "outcome": OUTCOMES[n % len(OUTCOMES)] if done else None,
        "summary": f"Call {n} about order {n * 7 % 99991}." if done else None,
    }


async def generate_with_catalog(path: Path, count: int, batch: int = 10_000) -> None:
    """The documented way in: domain ``Call``s through ``upsert_calls``."""
    from voxdesk.domain import Analysis, Call, CallStatus, Category, Member
    from voxdesk.services.catalog import CallCatalog

    catalog = CallCatalog(path)
    await catalog.open()
    await catalog.remember_members(
        CONNECTION, [Member(id=f"mem_{i:03d}", name=name) for i, name in enumerate(AGENTS)]
    )
    await catalog.remember_categories(
        CONNECTION, [Category(id=f"cat_{i}", name=name) for i, name in enumerate(CATEGORIES)]
    )
    for first in range(0, count, batch):
        calls = []
        for n in range(first, min(count, first + batch)):
            f = _fields(n)
            calls.append(
                Call(
                    id=f["id"],
                    status=CallStatus(f["status"]),
                    member_id=f["member_id"],
                    category_id=f["category_id"],
                    date=f["date"],
                    duration=f["duration"],
                    summary=f["summary"],
                    analysis=Analysis(score=f["score"], outcome_label=f["outcome"])
                    if f["score"] is not None
                    else None,
                )
            )
        await catalog.upsert_calls(CONNECTION, calls)
    await catalog.close()


def generate_with_sql(path: Path, count: int, batch: int = 50_000) -> None:
    """1M calls in reasonable time: the same rows, written with executemany."""
    from voxdesk.services.catalog import SCHEMA

    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    now = time.time()
    with db:
        for first in range(0, count, batch):
            rows = []
            for n in range(first, min(count, first + batch)):
                f = _fields(n)
                call_json = json.dumps(
                    {"id": f["id"], "status": f["status"], "member_id": f["member_id"]}
                )
                rows.append(
                    (
                        CONNECTION,
                        f["id"],
                        f["status"],
                        f["member_id"],
                        f["agent"],
                        f["category_id"],
                        f["category"],
                        f["date"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                        f["duration"],
                        f["score"],
                        f["outcome"],
                        f["summary"],
                        call_json,
                        now,
                    )
                )
            db.executemany(
                "INSERT OR REPLACE INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows
            )
    db.close()

    async def index() -> None:
        # Opening builds the order indexes and the search index, as the app would once.
        from voxdesk.services.catalog import CallCatalog

        catalog = CallCatalog(path)
        await catalog.open()
        await catalog.close()

    asyncio.run(index())


# --- children ----------------------------------------------------------------------------


def child_floor() -> None:
    """An empty QMainWindow with the same imports as the app, until its first paint."""
    import qasync  # noqa: F401 - the same imports as the app
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    import voxdesk.ui.main_window.window  # noqa: F401

    app = QApplication([])
    window = QMainWindow()

    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print(json.dumps({"first_paint": True}), flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    watcher = Painted()
    window.installEventFilter(watcher)
    window.resize(1400, 800)
    window.show()
    app.exec()


def child_window(db: Path, home: Path) -> None:
    """The real window on the big catalog: report first paint and first rows painted."""
    import qasync
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from voxdesk.services.catalog import CallCatalog
    from voxdesk.services.connections import Connection, ConnectionStore, CredentialStore
    from voxdesk.services.uploads.store import UploadStore
    from voxdesk.ui.composition import build_window
    from voxdesk.ui.main_window.window import AppServices
    from voxdesk.ui.settings import open_settings

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    store = ConnectionStore(home / "connections.json")
    # A Voxxi connection to a closed port: no list endpoint, no pending calls to
    # re-read, so every row comes from the catalog, as it would offline.
    # Its id is the catalog's connection key the calls were written under (a new
    # connection would get a fresh id and find none of them).
    store.save(Connection(CONNECTION, "voxxi", "http://127.0.0.1:9", id=CONNECTION))
    services = AppServices(
        catalog=CallCatalog(db),
        connections=store,
        credentials=CredentialStore(),
        settings=open_settings(home / "voxdesk.ini"),
        uploads=UploadStore(home / "uploads.sqlite3"),
    )
    done = asyncio.Event()
    reported: set[str] = set()

    def report(key: str) -> None:
        if key not in reported:
            reported.add(key)
            print(json.dumps({key: True}), flush=True)
            if {"first_paint", "rows_painted"} <= reported:
                done.set()

    async def main() -> None:
        await services.open()
        window = build_window(services)

        class Painted(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint:
                    report("first_paint")
                    if window.model.rowCount() > 0:
                        report("rows_painted")
                return False

        watcher = Painted()
        window.installEventFilter(watcher)
        window.call_list.table.viewport().installEventFilter(watcher)
        window.resize(1400, 800)
        window.show()
        window.start()
        await asyncio.wait_for(done.wait(), 60)
        window.close()
        await window.shutdown()
        await services.close()

    qasync.run(main())


def child_interact(db: Path, home: Path, repeats: int) -> None:
    """Filter and sort through the window's path; RSS with the window showing."""
    import psutil
    import qasync
    from PySide6.QtWidgets import QApplication

    from voxdesk.providers.http import HttpClient
    from voxdesk.providers.voxxi import VoxxiProvider
    from voxdesk.services.calls import CallService
    from voxdesk.services.catalog import CallCatalog, CallFilter, CallOrder, SortKey
    from voxdesk.services.connections import ConnectionStore, CredentialStore
    from voxdesk.services.uploads.store import UploadStore
    from voxdesk.ui.composition import build_window
    from voxdesk.ui.main_window.window import AppServices, MainWindow
    from voxdesk.ui.settings import open_settings

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    services = AppServices(
        catalog=CallCatalog(db),
        connections=ConnectionStore(home / "connections.json"),
        credentials=CredentialStore(),
        settings=open_settings(home / "voxdesk-interact.ini"),
        uploads=UploadStore(home / "uploads-interact.sqlite3"),
    )
    results: dict[str, object] = {}

    async def until_reset(window: MainWindow, action) -> float:
        reset = asyncio.Event()
        window.model.modelReset.connect(reset.set)
        start = time.perf_counter()
        action()
        await asyncio.wait_for(reset.wait(), 30)
        elapsed = (time.perf_counter() - start) * 1000
        window.model.modelReset.disconnect(reset.set)
        return elapsed

    async def main() -> None:
        await services.open()
        window = build_window(services)
        window.resize(1400, 800)
        window.show()
        provider = VoxxiProvider(HttpClient("http://127.0.0.1:9", None))
        service = CallService(CONNECTION, provider, services.catalog)
        # Browse the catalog without a refresh (the bench measures the catalog path).
        window.browser.service = service
        await until_reset(window, window.browser.reload)
        await asyncio.sleep(0.2)
        results["rows_loaded"] = window.model.rowCount()
        results["total"] = window.state.total

        panel = window.call_list
        filters = {
            "search 'order 123'": lambda: panel.search.setText("order 123"),
            "search '4242'": lambda: panel.search.setText("4242"),
            "agent = Agent 042": lambda: (
                panel.agent_box.set_value("Agent 042") or panel._emit_filter()
            ),
            "status failed": lambda: panel.status_box.setCurrentIndex(3),
            "score 90–100": lambda: (panel.score_min.setValue(90), panel.score_max.setValue(100)),
        }
        for name, apply in filters.items():
            times = []
            for _ in range(repeats):
                if window.state.filter != CallFilter():
                    await until_reset(window, panel.clear_filter)
                times.append(await until_reset(window, lambda a=apply: (a(), panel._emit_filter())))
            results[f"filter: {name}"] = statistics.median(times)
        if window.state.filter != CallFilter():
            await until_reset(window, panel.clear_filter)

        for key in (SortKey.AGENT, SortKey.SCORE, SortKey.DURATION, SortKey.DATE):
            times = []
            for descending in [False, True] * repeats:
                order = CallOrder(key, descending)
                if window.state.order == order:
                    continue
                times.append(
                    await until_reset(window, lambda o=order: window.model.orderRequested.emit(o))
                )
            results[f"sort: {key.value}"] = statistics.median(times)

        # Scroll: fetchMore pages on demand.
        start = time.perf_counter()
        for _ in range(5):
            window.call_list.table.scrollToBottom()
            await asyncio.sleep(0.05)
        results["rows_after_5_scrolls"] = window.model.rowCount()
        results["scroll_5_pages_ms"] = (time.perf_counter() - start) * 1000
        results["rss_mb"] = psutil.Process().memory_info().rss / 2**20
        window.close()
        await window.shutdown()
        await provider.aclose()
        await services.close()

    qasync.run(main())
    print(json.dumps(results), flush=True)


def sqlite_floor(db: Path, repeats: int) -> dict[str, float]:
    """The bare queries the catalog runs, on a fresh connection in this process."""
    from voxdesk.domain import CallStatus
    from voxdesk.services.catalog import (
        NARROW_FILTER_ROWS,
        CallCatalog,
        CallFilter,
        CallOrder,
        SortKey,
    )
    from voxdesk.services.catalog.query import index_walks, indexed, newest_of_one, order_by

    conn = sqlite3.connect(db)
    cases: dict[str, tuple[CallFilter, CallOrder]] = {
        "filter: search 'order 123'": (CallFilter(text="order 123"), CallOrder()),
        "filter: search '4242'": (CallFilter(text="4242"), CallOrder()),
        "filter: agent = Agent 042": (CallFilter(agent="Agent 042"), CallOrder()),
        "filter: status failed": (
            CallFilter(statuses=frozenset({CallStatus.FAILED})),
            CallOrder(),
        ),
        "filter: score 90–100": (CallFilter(score_min=90, score_max=100), CallOrder()),
        "sort: agent": (CallFilter(), CallOrder(SortKey.AGENT, False)),
        "sort: score": (CallFilter(), CallOrder(SortKey.SCORE, False)),
        "sort: duration": (CallFilter(), CallOrder(SortKey.DURATION, False)),
        "sort: date": (CallFilter(), CallOrder(SortKey.DATE, False)),
    }
    floors = {}
    for name, (where, order) in cases.items():
        times = []
        for _ in range(repeats):
            # The very statements the window runs: the count (a sort reuses the
            # filter's cached count), then the page.
            start = time.perf_counter()
            counted = CallCatalog._where(CONNECTION, where, indexed_search=True)
            matching = conn.execute(
                f"SELECT COUNT(*) FROM calls WHERE {counted.sql}", counted.params
            ).fetchone()[0]
            if name.startswith("sort"):
                start = time.perf_counter()
            narrow = matching <= NARROW_FILTER_ROWS
            walk = not narrow or newest_of_one(where, order)
            clause = CallCatalog._where(
                CONNECTION, where, index_filters=narrow, indexed_search=True
            )
            select = (
                "SELECT call_id, status, agent, category, date, duration, score, outcome "
                f"FROM calls WHERE {clause.sql}"
            )
            if walk and indexed(order):
                # Each stretch of the order's index until the page is full.
                got = 0
                for stretch in index_walks(order):
                    within = f" AND {stretch.where}" if stretch.where else ""
                    sql = f"{select}{within} ORDER BY {stretch.order_by} LIMIT {200 - got}"
                    got += len(conn.execute(sql, clause.params).fetchall())
                    if got == 200:
                        break
            else:
                sql = f"{select} ORDER BY {order_by(order, use_index=walk)} LIMIT 200"
                conn.execute(sql, clause.params).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        floors[name] = statistics.median(times)
    conn.close()
    return floors


# --- the parent --------------------------------------------------------------------------


def _child(args: list[str]) -> tuple[float, dict[str, float]]:
    """Run a child; seconds from Popen to each JSON key it reports."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    marks: dict[str, float] = {}
    last: dict = {}
    assert process.stdout is not None
    for line in process.stdout:
        try:
            data = json.loads(line)
        except ValueError:
            continue
        for key in data:
            marks.setdefault(key, time.perf_counter() - start)
        last = data
    process.wait()
    return marks, last


def _median_marks(args: list[str], runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        marks, _ = _child(args)
        for key, value in marks.items():
            samples.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in samples.items()}


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def bench(db: Path, home: Path, count: int, runs: int) -> dict[str, float]:
    print(f"\n=== {count:,} calls ({db.stat().st_size / 2**20:.0f} MB catalog) ===")
    floor = _median_marks(["--child", "floor"], runs)
    app = _median_marks(["--child", "window", "--db", str(db), "--home", str(home)], runs)
    ratio = app["first_paint"] / floor["first_paint"]
    print(
        f"first paint:           {app['first_paint'] * 1000:7.0f} ms   "
        f"floor (empty QMainWindow) {floor['first_paint'] * 1000:7.0f} ms   "
        f"×{ratio:.2f} (target ≤ {TARGET_STARTUP_RATIO}) {_verdict(ratio <= TARGET_STARTUP_RATIO)}"
    )
    print(
        f"first rows painted:    {app['rows_painted'] * 1000:7.0f} ms   "
        f"(×{app['rows_painted'] / floor['first_paint']:.2f} of the floor)"
    )
    _, interact = _child(
        ["--child", "interact", "--db", str(db), "--home", str(home), "--repeats", str(runs)]
    )
    floors = sqlite_floor(db, max(3, runs))
    for name, floor_ms in floors.items():
        took = interact[name]
        print(
            f"{name:28s} {took:6.1f} ms   bare SQLite {floor_ms:6.1f} ms   "
            f"(target ≤ {TARGET_QUERY_MS:.0f} ms) {_verdict(took <= TARGET_QUERY_MS)}"
        )
    print(
        f"scrolling: {interact['rows_after_5_scrolls']} rows after 5 scrolls to the end "
        f"({interact['scroll_5_pages_ms']:.0f} ms incl. 250 ms of waiting)"
    )
    rss = interact["rss_mb"]
    print(
        f"RSS with the window up:  {rss:6.0f} MB   (target ≤ {TARGET_RSS_MB:.0f} MB) "
        f"{_verdict(rss <= TARGET_RSS_MB)}"
    )
    return {"rss": rss}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=["floor", "window", "interact"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also run at 1,000,000 calls")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child == "floor":
        child_floor()
        return 0
    if args.child == "window":
        child_window(args.db, args.home)
        return 0
    if args.child == "interact":
        child_interact(args.db, args.home, args.repeats)
        return 0

    with tempfile.TemporaryDirectory(prefix="voxdesk-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        small = root / "catalog-100k.sqlite3"
        asyncio.run(generate_with_catalog(small, 100_000))
        print(f"generated 100,000 calls with upsert_calls in {time.perf_counter() - start:.1f} s")
        result = bench(small, root / "home-100k", 100_000, args.runs)
        if args.million:
            start = time.perf_counter()
            big = root / "catalog-1m.sqlite3"
            generate_with_sql(big, 1_000_000)
            print(
                f"generated 1,000,000 calls with executemany in {time.perf_counter() - start:.1f} s"
            )
            big_result = bench(big, root / "home-1m", 1_000_000, args.runs)
            growth = big_result["rss"] - result["rss"]
            print(f"RSS growth 100k → 1M: {growth:+.0f} MB (target: flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
