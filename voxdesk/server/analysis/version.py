"""What an analysis result depends on, as hashes: the engine's version and a scorecard's key.

A cached result (``core.result_cache``) may stand in for running the engine only if the
engine would answer exactly the same now, so the version covers everything the answer
is computed from:

- the source of every module of this package, and of the worker and probe modules that
  wrap it (``ENGINE_SOURCES``; line endings normalised, so a Windows checkout agrees);
- every file of pocketsphinx's model folder (acoustic model, dictionary, language model);
- the versions of the libraries that decode and recognise (``ENGINE_LIBRARIES``).

Any change to any of them is a new version, so a stale result is never served; the
price is that a change to a comment also retires the cache (``packaging/
make_demo_library.py`` regenerates the shipped one). A scorecard's key covers its content
and the pronunciations guessed for its words (espeak-ng's output can differ from one
espeak-ng release to another).

In a PyInstaller bundle the sources ship as data files beside the compiled modules
(``packaging/voxdesk.spec``), so the bundle computes the same version as the checkout it
was built from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from pocketsphinx import get_model_path

from voxdesk.server.analysis.lexicon import pronounce_phrases
from voxdesk.server.scorecard import Scorecard

_SERVER_DIR = Path(__file__).resolve().parent.parent
#: Source folders and files under ``voxdesk/server`` whose code computes a result.
ENGINE_SOURCES = (
    "analysis",
    "analysis/narrowband.mllr",  # the model's adaptation to telephone-band audio
    "core/worker.py",
    "core/probe.py",
    "scorecard.py",
)
ENGINE_LIBRARIES = ("pocketsphinx", "av", "numpy", "rapidfuzz")
_CHUNK = 1 << 20


class EngineVersionError(Exception):
    """A file the version covers cannot be read: no version, so no cached results."""


def source_files(server_dir: Path = _SERVER_DIR) -> list[Path]:
    files: list[Path] = []
    for name in ENGINE_SOURCES:
        path = server_dir / name
        files.extend(sorted(path.glob("*.py")) if path.is_dir() else [path])
    return files


def model_files(model_dir: Path) -> list[Path]:
    return sorted(p for p in model_dir.rglob("*") if p.is_file())


def compute_engine_version(
    sources: Iterable[Path],
    source_root: Path,
    model_dir: Path,
    libraries: Iterable[str] = ENGINE_LIBRARIES,
) -> str:
    """The hex digest over ``sources`` (named relative to ``source_root``), every file of
    ``model_dir`` and the installed versions of ``libraries``."""
    digest = hashlib.sha256()
    try:
        for path in sources:
            digest.update(f"source {path.relative_to(source_root).as_posix()}\n".encode())
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        for path in model_files(model_dir):
            digest.update(f"model {path.relative_to(model_dir).as_posix()}\n".encode())
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        for name in libraries:
            digest.update(f"library {name} {metadata.version(name)}\n".encode())
    except (OSError, metadata.PackageNotFoundError) as exc:
        raise EngineVersionError(f"cannot read what the engine version covers: {exc}") from exc
    return digest.hexdigest()[:32]


@cache
def engine_version() -> str:
    """This installation's engine version (read once per process: ~40 MB of model)."""
    return compute_engine_version(source_files(), _SERVER_DIR, Path(get_model_path()))


def scorecard_key(scorecard: Scorecard) -> str:
    """A digest of the scorecard's content and of the pronunciations of its guessed words."""
    guessed = {
        word: " ".join(p.phones)
        for word, p in pronounce_phrases(scorecard.phrases()).items()
        if p.guessed
    }
    canonical = json.dumps(
        {"scorecard": scorecard.model_dump(mode="json"), "guessed": guessed},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
