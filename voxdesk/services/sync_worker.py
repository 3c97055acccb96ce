"""A first sync's pass in a child process, so the window's process keeps its GIL.

A first sync parses, maps and stores every call of a library: ~150 µs of Python a call.
On worker threads of the window's process that work still holds the GIL, and the
window's thread waited behind it (a 10 ms timer's largest gap 95-146 ms through a
100,000-call sync). Run in a child process, it competes with the window only for a
core, which the OS shares out far more finely.

The child (``python -m voxdesk.services.sync_worker``) reads its job as one JSON line on
stdin (the token included: stdin, unlike a command line, is not readable by other
users), builds its own provider from the connection's settings and opens the same
catalog file (WAL: the window's process reads between the child's transactions), runs
``CallSync``'s pass, and reports one JSON line per event on stdout:

- ``{"written": [ids…]}``: a batch of calls is committed (the parent tells the catalog's
  listeners, so the list refreshes as it did in-process);
- ``{"progress": [pages, calls, total]}``;
- ``{"state": [newest, oldest]}``: the pass ended; the sync state it stored;
- ``{"error": {"module", "name", "message", "state"}}``: the pass failed; the parent
  raises the same exception type.

Stopping the parent's task terminates the child; a batch it was writing commits whole or
not at all (SQLite), and the sync state stored with the last batch says where the next
run resumes, as an in-process pass does. In a built bundle (no Python to run ``-m``
with) the pass runs in-process (``can_run_in_child``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from voxdesk.providers.base import Provider
from voxdesk.services.catalog import CallCatalog, SyncState
from voxdesk.services.catalog.schema import PRAGMAS, SCHEMA_VERSION
from voxdesk.services.local_server import _parent_death_hook, frozen
from voxdesk.services.sqlite_migrations import schema_version

WORKER_MODULE = "voxdesk.services.sync_worker"
#: Longest report line: a batch's ids (2,000 of them, ~80 KB) in one line.
_LINE_LIMIT = 16 * 1024 * 1024


class SyncWorkerFailed(RuntimeError):
    """The child stopped without saying how its pass ended."""


@dataclass(frozen=True)
class PassJob:
    """What the child needs to run one pass: plain JSON values only."""

    connection: str
    catalog_path: str
    platform: str
    settings: dict[str, Any]
    #: Whether the connection's calls go to the text-search index as they are written
    #: (else a backlog indexes them at the pass's end, in the parent).
    searchable: bool
    newest: str | None
    oldest: str | None
    page_size: int
    write_batch: int
    prefetch: int


def can_run_in_child(provider: Provider) -> bool:
    """A provider the child can build again from its settings, outside a bundle."""
    return provider.settings is not None and not frozen()


def job_settings(provider: Provider) -> dict[str, Any]:
    """The provider's settings as plain values, secrets revealed (they go over stdin)."""
    assert provider.settings is not None
    values = provider.settings.model_dump(mode="json")
    for name in type(provider.settings).model_fields:
        secret = getattr(provider.settings, name)
        if hasattr(secret, "get_secret_value"):
            values[name] = secret.get_secret_value()
    return values


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def pass_job(
    connection: str,
    catalog: CallCatalog,
    provider: Provider,
    state: SyncState,
    *,
    page_size: int,
    write_batch: int,
    prefetch: int,
) -> PassJob:
    return PassJob(
        connection=connection,
        catalog_path=str(catalog.path),
        platform=provider.platform,
        settings=job_settings(provider),
        searchable=catalog.searchable(connection),
        newest=_iso(state.newest_started_at),
        oldest=_iso(state.oldest_started_at),
        page_size=page_size,
        write_batch=write_batch,
        prefetch=prefetch,
    )


# --- the parent's side ----------------------------------------------------------------


async def run_pass_in_child(
    job: PassJob,
    *,
    on_written: Callable[[list[str]], None],
    on_progress: Callable[[int, int, int | None], None],
) -> SyncState:
    """Run the pass in a child and return the state it stored; cancelling this
    terminates the child."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        WORKER_MODULE,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=_LINE_LIMIT,
        preexec_fn=_parent_death_hook(),
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(asdict(job)).encode() + b"\n")
        await process.stdin.drain()
        process.stdin.close()
        while line := await process.stdout.readline():
            report = json.loads(line)
            if "written" in report:
                on_written(report["written"])
            elif "progress" in report:
                on_progress(*report["progress"])
            elif "state" in report:
                newest, oldest = report["state"]
                return SyncState(_moment(newest), _moment(oldest))
            elif "error" in report:
                raise _exception(report["error"])
        code = await process.wait()
        raise SyncWorkerFailed(f"The sync's worker process stopped (exit code {code}).")
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            await process.wait()


def _exception(error: dict[str, Any]) -> BaseException:
    """The child's exception as it raised it (a provider's own error type, with its
    status etc., so the window words it as it does in-process), else its message."""
    message = error.get("message") or "The sync's worker process failed."
    try:
        kind = getattr(importlib.import_module(error["module"]), error["name"])
    except (ImportError, AttributeError, KeyError, TypeError):
        return SyncWorkerFailed(message)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        return SyncWorkerFailed(message)
    # Not ``kind(message)``: some take keyword-only arguments (``NetworkError``).
    exc = kind.__new__(kind)
    exc.args = (message,)
    exc.__dict__.update(error.get("state") or {})
    return exc


def _described(exc: Exception) -> dict[str, Any]:
    """``exc`` as JSON: its type's name, its message and its plain attributes."""
    state = {
        name: value
        for name, value in vars(exc).items()
        if isinstance(value, (str, int, float, bool, type(None)))
    }
    return {
        "module": type(exc).__module__,
        "name": type(exc).__qualname__,
        "message": str(exc) or type(exc).__name__,
        "state": state,
    }


# --- the child's side -----------------------------------------------------------------


class WorkerCatalog(CallCatalog):
    """The catalog as the child opens it: the parent already migrated it and made its
    derived structures, and owns their rebuilding, so the child only checks the
    version and writes calls."""

    def __init__(self, path: Path, *, searchable: bool) -> None:
        super().__init__(path)
        self._searchable_here = searchable

    def _prepare(self, db: sqlite3.Connection) -> None:
        db.executescript(PRAGMAS)
        found = schema_version(db)
        if found != SCHEMA_VERSION:
            raise SyncWorkerFailed(f"The call catalog is at schema {found}, not {SCHEMA_VERSION}.")
        self.indexed_search = self._searchable_here


async def _child_pass(job: PassJob, report: Callable[[dict[str, Any]], None]) -> None:
    # Imported here: ``sync`` imports this module.
    from voxdesk.providers.registry import make_provider
    from voxdesk.services.sync import CallSync

    catalog = WorkerCatalog(Path(job.catalog_path), searchable=job.searchable)
    await catalog.open()
    provider = make_provider(job.platform, job.settings)
    try:
        catalog.subscribe(lambda _connection, ids: report({"written": ids}))
        sync = CallSync(
            job.connection,
            provider,  # type: ignore[arg-type]
            catalog,
            page_size=job.page_size,
            write_batch=job.write_batch,
            prefetch=job.prefetch,
            on_progress=lambda p: report({"progress": [p.pages, p.calls, p.total]}),
        )
        start = SyncState(_moment(job.newest), _moment(job.oldest))
        state = await sync.run_pass(start, date_to=start.oldest_started_at)
        report({"state": [_iso(state.newest_started_at), _iso(state.oldest_started_at)]})
    finally:
        await provider.aclose()
        await catalog.close()


def _reporter(out: TextIO) -> Callable[[dict[str, Any]], None]:
    def report(event: dict[str, Any]) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    return report


def main() -> int:
    # Reports get their own copy of stdout; anything else printing goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    report = _reporter(out)
    job = PassJob(**json.loads(sys.stdin.readline()))
    try:
        asyncio.run(_child_pass(job, report))
    except Exception as exc:
        report({"error": _described(exc)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
