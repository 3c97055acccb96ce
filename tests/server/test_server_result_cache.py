"""The result cache: a result is served only for exactly the same recording bytes,
scorecard and engine version; anything else goes through the engine (issue 15 point 4).

The job is a real worker-process job that notes each run beside the recording, so a
test can tell a computed result from a served one."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from voxdesk.server.analysis.version import compute_engine_version, engine_version, source_files
from voxdesk.server.core import pipeline as core_pipeline
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.result_cache import CacheKey, ResultCache, file_sha256, write_shipped
from voxdesk.server.core.signing import UrlSigner
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.voxxi.calls import NewCall, create_call
from voxdesk.server.platforms.voxxi.pipeline import Pipeline, recipe
from voxdesk.server.platforms.voxxi.store import CallRecord, Store
from voxdesk.server.scorecard import Scorecard, load_scorecards

pytestmark = pytest.mark.timeout(180)

CARDS = load_scorecards()
SHIPPED_ANALYSIS = {"from": "the shipped cache"}


def counted_job(path: str, scorecard: Scorecard) -> dict[str, Any]:
    """Runs in the worker: note the run, answer with the scorecard it ran with."""
    with (Path(path).parent / "runs").open("a") as runs:
        runs.write(f"{scorecard.id}\n")
    return {"duration": 2.0, "analysis": {"computed with": scorecard.id}}


class Harness:
    """A Voxxi pipeline over a real store, recordings fetched over loopback HTTP."""

    def __init__(self, tmp_path: Path, shipped: Path | None = None) -> None:
        self.tmp = tmp_path
        self.shipped = shipped
        self.recordings = tmp_path / "recordings"

    def runs(self) -> list[str]:
        runs = self.recordings / "runs"
        return runs.read_text().split() if runs.exists() else []

    async def analyse(self, urls_and_cards: list[tuple[str, str]]) -> list[CallRecord]:
        store = Store(self.tmp / "db.sqlite3")
        urls = StorageUrls(
            UrlSigner(b"k" * 32), "http://127.0.0.1:9", upload_ttl=60, public_ttl=60,
            playback_ttl=None,
        )  # fmt: skip
        pipeline = Pipeline(
            store,
            urls,
            CARDS,
            recordings_dir=self.recordings,
            tmp_dir=self.tmp,
            workers=1,
            fetch=FetchLimits(max_bytes=10_000_000, timeout_seconds=10, allow_private=True),
            job=counted_job,
            cache_db=self.tmp / "analysis-cache.sqlite3",
            shipped_cache=self.shipped,
        )
        await pipeline.start()
        try:
            calls = []
            for url, card in urls_and_cards:  # one at a time: the second may reuse the first
                new = NewCall("cache.test@acme.test", card, url, {}, None)
                calls.append(await _finished(store, await create_call(store, pipeline, new)))
            return calls
        finally:
            await pipeline.stop()
            store.close()


async def _finished(store: Store, call_id: str) -> CallRecord:
    for _ in range(900):
        call = await asyncio.to_thread(store.get_call, call_id)
        if call is not None and call.status in ("completed", "failed"):
            return call
        await asyncio.sleep(0.1)
    raise AssertionError(f"call {call_id} never finished")


def _serve(file_server: tuple[str, Path], name: str, data: bytes) -> tuple[str, Path]:
    base, root = file_server
    (root / name).write_bytes(data)
    return f"{base}/{name}", root / name


async def test_the_same_recording_and_scorecard_are_analysed_once(tmp_path, file_server, tone):
    url, _ = _serve(file_server, "cache-once.wav", tone)
    harness = Harness(tmp_path)

    first, again, other_card = await harness.analyse(
        [(url, "support-qa"), (url, "support-qa"), (url, "sales-qa")]
    )
    # A server restart keeps the cache (it is a file in the data dir).
    (after_restart,) = await harness.analyse([(url, "support-qa")])

    assert harness.runs() == ["support-qa", "sales-qa"]
    assert first.status == again.status == after_restart.status == "completed"
    assert again.analysis == after_restart.analysis == {"computed with": "support-qa"}
    assert other_card.analysis == {"computed with": "sales-qa"}


async def test_a_new_engine_version_ignores_what_the_old_one_cached(
    tmp_path, file_server, tone, monkeypatch
):
    url, _ = _serve(file_server, "cache-engine.wav", tone)
    harness = Harness(tmp_path)
    await harness.analyse([(url, "support-qa")])
    # What a change to the engine's code or model does (see the version tests below).
    monkeypatch.setattr(core_pipeline, "engine_version", lambda: "another-engine")
    await harness.analyse([(url, "support-qa")])
    assert harness.runs() == ["support-qa", "support-qa"]


async def test_the_shipped_cache_answers_only_an_exact_match(tmp_path, file_server, tone):
    url, path = _serve(file_server, "cache-shipped.wav", tone)
    changed_url, _ = _serve(file_server, "cache-shipped-changed.wav", tone[:-1] + b"\x01")
    shipped = tmp_path / "shipped.json.gz"
    support = recipe(counted_job, CARDS["support-qa"])
    result = {"duration": 9.0, "analysis": SHIPPED_ANALYSIS}
    write_shipped(shipped, engine_version(), [(file_sha256(path), support, result)])
    harness = Harness(tmp_path, shipped)

    served, other_card, other_bytes = await harness.analyse(
        [(url, "support-qa"), (url, "sales-qa"), (changed_url, "support-qa")]
    )

    assert (served.duration, served.analysis) == (9.0, SHIPPED_ANALYSIS)
    assert other_card.analysis == {"computed with": "sales-qa"}
    assert other_bytes.analysis == {"computed with": "support-qa"}
    assert harness.runs() == ["sales-qa", "support-qa"]


async def test_a_shipped_cache_for_another_engine_is_ignored(tmp_path, file_server, tone):
    url, path = _serve(file_server, "cache-stale.wav", tone)
    shipped = tmp_path / "shipped.json.gz"
    support = recipe(counted_job, CARDS["support-qa"])
    result = {"duration": 9.0, "analysis": SHIPPED_ANALYSIS}
    write_shipped(shipped, "an-older-engine", [(file_sha256(path), support, result)])
    harness = Harness(tmp_path, shipped)

    (call,) = await harness.analyse([(url, "support-qa")])

    assert call.analysis == {"computed with": "support-qa"}
    assert harness.runs() == ["support-qa"]


def test_a_cached_failure_is_served_as_a_failure(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache.sqlite3")
    key = CacheKey("a" * 64, "job card", "engine")
    cache.put(key, {"error": "The recording could not be decoded."})
    assert cache.get(key) == {"error": "The recording could not be decoded."}
    assert cache.get(CacheKey("a" * 64, "job card", "other engine")) is None
    cache.close()


# The engine version: any change to what computes a result is a new version.


def _engine_copy(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    """A copy of the engine's sources and a small stand-in model folder."""
    server = Path(source_files()[0]).parent.parent
    root = tmp_path / "server"
    sources = []
    for path in source_files():
        copy = root / path.relative_to(server)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        sources.append(copy)
    model = tmp_path / "model" / "en-us"
    model.mkdir(parents=True)
    (model / "mdef").write_bytes(b"phones")
    (model.parent / "cmudict-en-us.dict").write_text("acme AE K M IY\n")
    return sources, root, model.parent


def test_the_engine_version_follows_code_model_and_dictionary(tmp_path: Path) -> None:
    sources, root, model = _engine_copy(tmp_path)
    assert any(p.name == "asr.py" for p in sources) and any(p.name == "worker.py" for p in sources)

    def version() -> str:
        return compute_engine_version(sources, root, model)

    original = version()
    assert version() == original

    asr = next(p for p in sources if p.name == "asr.py")
    code = asr.read_bytes()
    asr.write_bytes(code.replace(b"PAD_SECONDS = 0.15", b"PAD_SECONDS = 0.2"))
    assert version() != original
    asr.write_bytes(code.replace(b"\n", b"\r\n"))  # a Windows checkout of the same code
    assert version() == original
    asr.write_bytes(code)

    (model / "en-us" / "mdef").write_bytes(b"phonez")
    assert version() != original
    (model / "en-us" / "mdef").write_bytes(b"phones")
    (model / "cmudict-en-us.dict").write_text("acme AE K M IY\nzentrix Z EH N T R IH K S\n")
    assert version() != original
