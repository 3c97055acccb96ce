"""Analysis results by what they were computed from: (audio hash, recipe, engine version).

The engine takes seconds per minute of audio, and the same recording is often analysed
again with the same scorecard (the demo library on every fresh data dir, a re-upload),
so a result is kept under the SHA-256 of the recording's bytes, the job's *recipe* (the
job function and the key of its scorecard, ``analysis.version.scorecard_key``) and the
engine version (``analysis.version.engine_version``). All three must match exactly: a
different byte, scorecard, pronunciation or engine is a miss, and the engine runs.

Two sources, looked up in this order:

- the server's own cache, ``analysis-cache.sqlite3`` in its data dir: every result the
  pipeline computed, zlib-compressed, the newest ``MAX_ENTRIES`` kept;
- the shipped cache (read-only): ``resources/demo/analysis-cache.json.gz``, written by
  ``packaging/make_demo_library.py``, holding the demo library's results for the engine
  version it was generated with; a file for another version is ignored whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxdesk.server.core.sqlite import open_checked

log = logging.getLogger(__name__)

CACHE_FILE = "analysis-cache.sqlite3"
#: Results kept in a server's own cache (~5 KB each compressed); the oldest go first.
MAX_ENTRIES = 5_000
SHIPPED_FORMAT = 1
_CHUNK = 1 << 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    audio_sha256 TEXT NOT NULL,
    recipe TEXT NOT NULL,
    engine TEXT NOT NULL,
    result BLOB NOT NULL,
    PRIMARY KEY (audio_sha256, recipe, engine)
);
"""


@dataclass(frozen=True)
class CacheKey:
    audio_sha256: str
    recipe: str
    engine: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_shipped(path: Path) -> tuple[str, dict[tuple[str, str], dict[str, Any]]]:
    """The shipped cache's engine version and its results by (audio hash, recipe)."""
    body = json.loads(gzip.decompress(path.read_bytes()))
    if body.get("format") != SHIPPED_FORMAT:
        raise ValueError(f"unknown format {body.get('format')!r}")
    results = {(entry["audio"], entry["recipe"]): entry["result"] for entry in body["results"]}
    return body["engine"], results


def write_shipped(path: Path, engine: str, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Write ``(audio hash, recipe, result)`` entries as the shipped cache for ``engine``.

    Sorted and with a fixed gzip timestamp, so the same results give the same bytes and
    regenerating an unchanged cache leaves git nothing to commit.
    """
    body = {
        "format": SHIPPED_FORMAT,
        "engine": engine,
        "results": [
            {"audio": audio, "recipe": recipe, "result": result}
            for audio, recipe, result in sorted(entries, key=lambda e: (e[0], e[1]))
        ],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


class ResultCache:
    def __init__(self, database: Path, shipped: Path | None = None) -> None:
        self._db = open_checked(database, _SCHEMA)
        self._lock = threading.Lock()
        self._shipped_engine: str | None = None
        self._shipped: dict[tuple[str, str], dict[str, Any]] = {}
        if shipped is not None and shipped.is_file():
            try:
                self._shipped_engine, self._shipped = read_shipped(shipped)
            except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
                log.warning("Ignoring the shipped analysis cache %s: %s", shipped, exc)

    def get(self, key: CacheKey) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT result FROM results WHERE audio_sha256 = ? AND recipe = ? AND engine = ?",
                (key.audio_sha256, key.recipe, key.engine),
            ).fetchone()
        if row is not None:
            return json.loads(zlib.decompress(row["result"]))
        if key.engine == self._shipped_engine:
            return self._shipped.get((key.audio_sha256, key.recipe))
        return None

    def put(self, key: CacheKey, result: dict[str, Any]) -> None:
        packed = zlib.compress(json.dumps(result, separators=(",", ":")).encode("utf-8"))
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                (key.audio_sha256, key.recipe, key.engine, packed),
            )
            self._db.execute(
                "DELETE FROM results WHERE rowid <= (SELECT MAX(rowid) FROM results) - ?",
                (MAX_ENTRIES,),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
