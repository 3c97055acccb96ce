"""Named tasks: at most one task per name, and starting a new one cancels the stale one.

Selecting calls quickly must not let an old load land after a newer one (FeelUOwn's
pattern). Every task voxdesk starts has an owner — a ``NamedTasks`` — that keeps a
reference (so nothing is garbage-collected mid-flight) and cancels them all on close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("voxdesk.tasks")


class NamedTasks:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def start(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` as the task called ``name``, cancelling the previous one."""
        self.cancel(name)
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks[name] = task
        task.add_done_callback(lambda done: self._finished(name, done))
        return task

    def _finished(self, name: str, task: asyncio.Task[Any]) -> None:
        if self._tasks.get(name) is task:
            del self._tasks[name]
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s failed", name, exc_info=task.exception())

    def cancel(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None and not task.done():
            task.cancel()

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def names(self) -> list[str]:
        return list(self._tasks)

    def cancel_all(self) -> list[asyncio.Task[Any]]:
        """Cancel every task now (from synchronous code); returns them, to await."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        return tasks

    async def close(self) -> None:
        await asyncio.gather(*self.cancel_all(), return_exceptions=True)
