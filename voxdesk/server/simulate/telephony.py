"""The telephone network Voxpria's calls are placed on, simulated on this machine.

A placed call waits ``queued`` until one of ``lines`` lines is free (the concurrency
cap: at most that many calls ringing or in progress at once), then rings for 1–3 s,
then ends by its number: the documented test numbers end ``busy``, ``no_answer`` or
``failed`` (with a reason) and have no recording; any other number answers. An answered
call is ``in_progress`` for as long as its recording lasts, then ``completed`` with
the recording, the transcript, ``duration``, ``outcome``, ``startedAt``/``completedAt``,
and is then scored by the local analysis engine with its agent's scorecard.

The recording is synthesised with flite while the phone rings (the agent's lines from
its script with the variables filled in, on channel 0 in the agent's voice; the
customer's replies from a scenario picked from the number, on channel 1), in a thread:
flite runs as a subprocess and numpy and the Opus encoder release the GIL, so the event
loop keeps answering. Scoring runs in a process pool, as the Voxxi pipeline's does.

``time_scale`` shrinks every wait (0.1: ten times faster) for tests and demos. The
call's times stay those of the conversation: ``completedAt`` is ``startedAt`` plus the
recording's length and ``duration`` their difference, so at a scale below 1 the status
turns ``completed`` before the wall clock reaches ``completedAt``.

Every state is written to the store before the next begins. A server stopped mid-call
fails the calls it was ringing or talking on at its next start (the line was dropped),
dials the queued ones again and scores the completed ones still waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from voxdesk.contracts.voxpria import TEST_NUMBERS, AnalysisStatus, CallStatus
from voxdesk.server.analysis.synth import RATE, SynthError, render, write_opus
from voxdesk.server.core.store import CallQuery, CoreCall, CoreStore
from voxdesk.server.platforms.voxpria.agents import LoadedAgent
from voxdesk.server.platforms.voxpria.views import PLATFORM, extra_time, with_extra
from voxdesk.server.storage import Storage
from voxdesk.server.worker_pool import AnalysisPool, WorkerCrashed

log = logging.getLogger(__name__)

RING_SECONDS = (1.0, 3.0)
FAILED_REASON = "The carrier rejected the call: the number is not in service (test number)."
DROPPED_REASON = "The local server stopped during this call; the line was dropped."
#: Below 20 kbit/s libopus folds stereo speech to mono (see make_voicecalls_demo.py).
OPUS_BITRATE = 20_000
#: Enough for any library a desk keeps; resuming reads the unfinished calls in pages.
RESUME_PAGE = 500


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def recording_key(call_id: str) -> str:
    return f"voxpria/recordings/{call_id}.ogg"


def synthesise(dialogue: list[dict], voices: dict[str, str], path: str) -> dict[str, Any]:
    """Render ``dialogue`` to a stereo Ogg/Opus file at ``path``; its length and where
    each turn landed. Runs in a worker thread."""
    audio, placed = render(dialogue, voices)
    write_opus(Path(path), audio, OPUS_BITRATE)
    return {
        "length": len(audio) / RATE,
        "turns": [
            {"role": t.speaker, "text": t.text, "start": round(t.start, 2), "end": round(t.end, 2)}
            for t in placed
        ],
    }


class TelephonySimulator:
    def __init__(
        self,
        store: CoreStore,
        storage: Storage,
        agents: dict[str, LoadedAgent],
        analysis: AnalysisPool,
        *,
        lines: int,
        time_scale: float,
    ) -> None:
        self._store = store
        self._storage = storage
        self._agents = agents
        self._analysis = analysis
        self._lines = max(1, lines)
        self._scale = time_scale
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._scoring: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self._resume()
        self._tasks = [
            *(
                asyncio.create_task(self._line(n), name=f"voxpria-line-{n}")
                for n in range(self._lines)
            ),
            asyncio.create_task(self._scorer(), name="voxpria-scorer"),
        ]

    async def stop(self) -> None:
        """Hang up at once; the calls on the lines fail at the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def submit(self, call_id: str) -> None:
        """Queue a stored ``queued`` call for the next free line."""
        self._queue.put_nowait(call_id)

    # state

    async def _get(self, call_id: str) -> CoreCall:
        call = await asyncio.to_thread(self._store.get_call, PLATFORM, call_id)
        if call is None:
            raise KeyError(call_id)
        return call

    async def _save(self, call: CoreCall) -> CoreCall:
        await asyncio.to_thread(self._store.replace_call, call)
        return call

    async def _calls_in(self, status: CallStatus) -> list[CoreCall]:
        query = CallQuery(platform=PLATFORM, disposition=status.value)
        found: list[CoreCall] = []
        while True:
            page, total = await asyncio.to_thread(
                self._store.list_calls, query, offset=len(found), limit=RESUME_PAGE
            )
            found += page
            if not page or len(found) >= total:
                return found

    async def _resume(self) -> None:
        for status in (CallStatus.RINGING, CallStatus.IN_PROGRESS):
            for call in await self._calls_in(status):
                await self._end(call, CallStatus.FAILED, _now(), failureReason=DROPPED_REASON)
        queued = await self._calls_in(CallStatus.QUEUED)
        for call in sorted(queued, key=lambda c: (c.created_at, c.platform_id)):
            self.submit(call.platform_id)
        pending = [
            call
            for call in await self._calls_in(CallStatus.COMPLETED)
            if (call.extra or {}).get("analysisStatus") == AnalysisStatus.PENDING
        ]
        for call in pending:
            self._scoring.put_nowait(call.platform_id)
        if queued or pending:
            log.info("Voxpria: %d queued call(s) to dial, %d to score", len(queued), len(pending))

    async def _end(
        self, call: CoreCall, status: CallStatus, started: datetime, **extra: Any
    ) -> CoreCall:
        """A call that never connected ends: no recording, its ringing was its duration."""
        ended = _now()
        return await self._save(
            replace(
                call,
                disposition=status.value,
                ended_at=ended,
                duration_seconds=(ended - started).total_seconds(),
                extra=with_extra(call, startedAt=started, **extra),
            )
        )

    # the lines

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self._scale)

    async def _line(self, number: int) -> None:
        while True:
            call_id = await self._queue.get()
            try:
                await self._dial(call_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Voxpria line %d: the call %s broke the simulator", number, call_id)
                with contextlib.suppress(Exception):
                    call = await self._get(call_id)
                    if not CallStatus(call.disposition).is_final:
                        await self._end(
                            call,
                            CallStatus.FAILED,
                            extra_time(call, "startedAt") or _now(),
                            failureReason="The simulator hit an unexpected error; see its log.",
                        )
            finally:
                self._queue.task_done()

    async def _dial(self, call_id: str) -> None:
        call = await self._get(call_id)
        if call.disposition != CallStatus.QUEUED:
            return  # already dialled (submitted twice)
        dialled = _now()
        call = await self._save(
            replace(
                call,
                disposition=CallStatus.RINGING.value,
                extra=with_extra(call, startedAt=dialled),
            )
        )
        ring = random.Random(call_id).uniform(*RING_SECONDS)
        fate = TEST_NUMBERS.get(call.to_number or "")
        if fate is not None:
            await self._sleep(ring)
            reason = FAILED_REASON if fate is CallStatus.FAILED else None
            await self._end(call, fate, dialled, failureReason=reason)
            return
        agent = self._agents.get(call.agent_id or "")
        if agent is None:  # its file was removed while the call waited (a restart)
            reason = f"The agent {call.agent_id} no longer exists on this server."
            await self._end(call, CallStatus.FAILED, dialled, failureReason=reason)
            return
        rendering = asyncio.create_task(self._synthesise(call, agent))
        try:
            await self._sleep(ring)
            # The phone keeps ringing while a slow machine is still synthesising.
            heard = await rendering
        finally:
            rendering.cancel()
        if "error" in heard:
            await self._end(call, CallStatus.FAILED, dialled, failureReason=heard["error"])
            return
        answered = _now()
        call = await self._save(
            replace(
                call,
                disposition=CallStatus.IN_PROGRESS.value,
                extra=with_extra(call, startedAt=answered),
            )
        )
        await self._sleep(heard["length"])
        completed = answered + timedelta(seconds=round(heard["length"]))
        await self._save(
            replace(
                call,
                disposition=CallStatus.COMPLETED.value,
                ended_at=completed,
                duration_seconds=(completed - answered).total_seconds(),
                outcome=heard["outcome"],
                transcript=heard["turns"],
                recording_key=recording_key(call_id),
                extra=with_extra(
                    call,
                    analysisStatus=AnalysisStatus.PENDING.value,
                    scorecardId=agent.scorecard.id,
                ),
            )
        )
        self._scoring.put_nowait(call_id)

    async def _synthesise(self, call: CoreCall, agent: LoadedAgent) -> dict[str, Any]:
        """The call's recording, stored under its key; or ``{"error"}`` saying why not."""
        number = call.to_number or ""
        variables = (call.extra or {}).get("variables") or {}
        dialogue, outcome = agent.config.dialogue(number, variables)
        _, customer_voice = agent.config.scenario_for(number)
        voices = {"agent": agent.config.voice, "customer": customer_voice}
        tmp = self._storage.temp_path()
        try:
            heard = await asyncio.to_thread(synthesise, dialogue, voices, str(tmp))
            await asyncio.to_thread(self._storage.import_file, recording_key(call.platform_id), tmp)
        except (SynthError, OSError) as exc:
            log.warning("Voxpria: could not synthesise call %s: %s", call.platform_id, exc)
            return {"error": f"The simulator could not synthesise the call: {exc}"}
        finally:
            tmp.unlink(missing_ok=True)
        return {**heard, "outcome": outcome}

    # scoring

    async def _scorer(self) -> None:
        while True:
            call_id = await self._scoring.get()
            try:
                await self._score(call_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Voxpria: scoring call %s failed unexpectedly", call_id)
            finally:
                self._scoring.task_done()

    async def _score(self, call_id: str) -> None:
        call = await self._get(call_id)
        agent = self._agents.get(call.agent_id or "")
        if agent is None or call.recording_key is None:
            result: dict[str, Any] = {"error": "The call's agent or recording is gone."}
        else:
            path = self._storage.path_for(call.recording_key)
            try:
                result = await self._analysis.run(path, agent.scorecard)
            except WorkerCrashed:
                result = {"error": "The analysis worker stopped unexpectedly twice."}
        call = await self._get(call_id)  # nothing else writes a completed call, but be fresh
        if "error" in result:
            extra = with_extra(
                call, analysisStatus=AnalysisStatus.FAILED.value, analysisError=result["error"]
            )
        else:
            extra = with_extra(
                call, analysisStatus=AnalysisStatus.COMPLETED.value, analysis=result["analysis"]
            )
        await self._save(replace(call, extra=extra))
