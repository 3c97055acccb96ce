"""Benchmark: how fast a selected call starts playing, and what following the transcript
costs during a long call.

    uv run python tests/bench/bench_player.py [--rounds 10]

1. **Select → first position change**, on loopback against the local server: the call
   is selected in the real main window and Play pressed at once (the reviewer's Space
   right after a click); the clock stops at the player's first position past zero.
   Target ≤ 150 ms. Peer, same run and same URLs: a bare ``QMediaPlayer`` from
   ``setSource`` + ``play`` to its first position (the QtMultimedia floor).
2. **Highlighting a 1-hour call with 2,000 turns**: the real transcript panel and call
   map are fed a position every 20 ms that runs through the hour at 75× (so nearly every
   tick changes the turn), while a 10 ms QTimer records its largest gap. Target ≤ 25 ms.
   Peer, same run: the same ticks with the panel and map hidden from the position
   (the timer's own floor on this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer, QUrl  # noqa: E402
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer  # noqa: E402
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget  # noqa: E402

# isort: split
import qasync  # noqa: E402

from tests.support.local_server import LocalServer, wait_for_call  # noqa: E402
from tests.ui.api import create_call  # noqa: E402
from voxdesk.domain import Speaker, TranscriptTurn, TranscriptWord  # noqa: E402
from voxdesk.domain.timeline import EvidencePin  # noqa: E402

SPEECH = "hello thank you for calling acme my name is sam how can I help you today. " * 2
HOUR = 3600.0
TURNS = 2000


async def first_position(player: QMediaPlayer, start: float) -> float:
    """Milliseconds from ``start`` to the player's first position past zero."""
    moved = asyncio.Event()

    def changed(ms: int) -> None:
        if ms > 0:
            moved.set()

    player.positionChanged.connect(changed)
    try:
        await asyncio.wait_for(moved.wait(), 10)
    finally:
        player.positionChanged.disconnect(changed)
    return (time.perf_counter() - start) * 1000


async def bare_player(urls: list[str], rounds: int) -> list[float]:
    player, output = QMediaPlayer(), QAudioOutput()
    player.setAudioOutput(output)
    times = []
    for n in range(rounds):
        player.stop()
        start = time.perf_counter()
        player.setSource(QUrl(urls[n % len(urls)]))
        player.play()
        times.append(await first_position(player, start))
    player.stop()
    return times


async def window_select(server: LocalServer, call_ids: list[str], home: Path, rounds: int):
    from tests.ui.conftest import TEST_CONNECTION, make_services
    from voxdesk.services.connections import Connection
    from voxdesk.ui.composition import build_window

    services = make_services(
        home, [(Connection(TEST_CONNECTION, "local", server.base_url), server.token)]
    )
    await services.open()
    window = build_window(services)
    window.show()
    window.start()
    try:
        while window.model.rowCount() < len(call_ids):
            await asyncio.sleep(0.05)
        urls, times = [], []
        for n in range(rounds):
            call_id = call_ids[n % len(call_ids)]
            window.player.pause()
            start = time.perf_counter()
            window.call_list.select_call(call_id)
            while window.playback.call is None or window.playback.call.id != call_id:
                await asyncio.sleep(0)
            while not window.player.source:
                await asyncio.sleep(0)
            window.window_actions.play_action.trigger()
            times.append(await first_position(window.player.media, start))
            urls.append(window.player.source)
        window.player.pause()
        return times, urls
    finally:
        window.close()
        await window.shutdown()
        await services.close()


def synthetic_hour() -> list[TranscriptTurn]:
    """2,000 alternating turns over an hour, with word timings, and pauses between."""
    turns, step = [], HOUR / TURNS
    words = [
        "thank",
        "you",
        "for",
        "calling",
        "how",
        "can",
        "I",
        "help",
        "you",
        "with",
        "your",
        "account",
        "today",
    ]
    for n in range(TURNS):
        start = n * step
        end = start + step * 0.85
        timed = tuple(
            TranscriptWord(
                text=word,
                start=start + i * (end - start) / len(words),
                end=start + (i + 1) * (end - start) / len(words),
            )
            for i, word in enumerate(words)
        )
        turns.append(
            TranscriptTurn(
                speaker=Speaker.AGENT if n % 2 == 0 else Speaker.CUSTOMER,
                start=start,
                end=end,
                text=" ".join(words),
                words=timed,
            )
        )
    return turns


async def highlighting(follow: bool) -> dict[str, float]:
    from voxdesk.ui.playback.call_map import CallMap
    from voxdesk.ui.transcript.panel import TranscriptPanel

    host = QWidget()
    layout = QVBoxLayout(host)
    panel, call_map = TranscriptPanel(host), CallMap(host)
    layout.addWidget(panel, 1)
    layout.addWidget(call_map)
    host.resize(900, 700)
    host.show()
    turns = synthetic_hour()
    started = time.perf_counter()
    panel.set_transcript(turns)
    call_map.set_call(HOUR, turns, [EvidencePin(n * 97.0, f"c{n}", "q") for n in range(30)])
    load_ms = (time.perf_counter() - started) * 1000
    await asyncio.sleep(0.5)

    gaps: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps.append((now - last) * 1000)
        last = now

    costs: list[float] = []
    position = 0.0

    def advance() -> None:
        nonlocal position
        position += 1.5
        begin = time.perf_counter()
        if follow:
            panel.set_position(position)
            call_map.set_position(position)
        costs.append((time.perf_counter() - begin) * 1000)

    timer, player_tick = QTimer(), QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    player_tick.setInterval(20)
    player_tick.timeout.connect(advance)
    timer.start()
    player_tick.start()
    while position < HOUR:
        await asyncio.sleep(0.1)
    timer.stop()
    player_tick.stop()
    changes = panel.highlight_changes if follow else 0
    host.close()
    host.deleteLater()
    return {
        "load_ms": load_ms,
        "max_gap_ms": max(gaps[5:]),
        "p99_gap_ms": statistics.quantiles(gaps[5:], n=100)[98],
        "max_cost_ms": max(costs),
        "median_cost_ms": statistics.median(costs),
        "turn_changes": changes,
    }


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        audio = []
        for n, voice in enumerate(("awb", "slt")):
            path = tmp_path / f"speech-{n}.wav"
            subprocess.run(["flite", "-voice", voice, "-t", SPEECH, "-o", str(path)], check=True)
            audio.append(path)
        with LocalServer(tmp_path / "server", extra_args=["--no-demo"]) as server:
            ids = [create_call(server, path) for path in audio]
            for call_id in ids:
                wait_for_call(server, call_id, timeout=180)
            window_ms, urls = await window_select(server, ids, tmp_path / "home", rounds)
            bare_ms = await bare_player(urls, rounds)
        print("select → first position change (loopback, WAV)")
        print(
            f"  voxdesk window : median {statistics.median(window_ms):6.1f} ms   "
            f"max {max(window_ms):6.1f} ms   (target ≤ 150 ms)"
        )
        print(
            f"  bare QMediaPlayer setSource+play (floor): median "
            f"{statistics.median(bare_ms):6.1f} ms   max {max(bare_ms):6.1f} ms"
        )

    peer = await highlighting(follow=False)
    real = await highlighting(follow=True)
    print(f"transcript highlighting, 1-hour call, {TURNS} turns, 1.5 s per 20 ms tick")
    print(f"  set_transcript + set_call: {real['load_ms']:.0f} ms")
    print(f"  turn changes highlighted : {real['turn_changes']}")
    print(
        f"  per tick cost            : median {real['median_cost_ms']:.2f} ms, "
        f"max {real['max_cost_ms']:.2f} ms"
    )
    print(
        f"  largest 10 ms timer gap  : {real['max_gap_ms']:.1f} ms (p99 {real['p99_gap_ms']:.1f}) "
        f"(target ≤ 25 ms); peer without following: {peer['max_gap_ms']:.1f} ms "
        f"(p99 {peer['p99_gap_ms']:.1f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(args.rounds))
