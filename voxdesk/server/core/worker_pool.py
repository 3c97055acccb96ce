"""The server's process pool for CPU work (speech analysis, transcription): spawn-context
workers, rebuilt once when one dies, and stopped — only its own processes — with the
server. Every platform runs its CPU work here, so every platform's workers obey this.

Each worker exits with the server even when the server is SIGKILLed (see
``worker.init_worker``), so a killed server does not leave ~230 MB processes behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any

from voxdesk.server.core.worker import init_worker

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 5.0


class WorkerCrashed(Exception):
    """A worker process died twice on the same job."""


class WorkerPool:
    """Runs picklable top-level functions in ``workers`` processes, which are started on
    the first job, not before."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        #: Every process any of our pools started, so ``stop`` reaches a rebuilt pool's
        #: predecessors too, and nothing else.
        self._processes: dict[int, BaseProcess] = {}

    def start(self) -> None:
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )

    def _remember_processes(self, pool: ProcessPoolExecutor) -> None:
        # ProcessPoolExecutor has no public list of its workers before Python 3.14.
        self._processes.update(pool._processes or {})

    async def run(self, job: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """``job(*args)``'s result; retried once in a fresh pool if a worker dies."""
        for attempt in (1, 2):
            pool = self._pool
            if pool is None:
                raise RuntimeError("the worker pool is not running")
            try:
                future = pool.submit(job, *args)
                self._remember_processes(pool)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                log.warning("A worker process died (attempt %d); restarting the pool", attempt)
                if self._pool is pool:
                    with contextlib.suppress(Exception):
                        pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
        raise WorkerCrashed

    def stop(self) -> None:
        """Stop now (blocking): a worker busy with a long analysis would otherwise
        outlive the server."""
        pool, self._pool = self._pool, None
        if pool is not None:
            self._remember_processes(pool)
            pool.shutdown(wait=False, cancel_futures=True)
        processes, self._processes = list(self._processes.values()), {}
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=STOP_GRACE_SECONDS)
