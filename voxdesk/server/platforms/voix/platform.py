"""One running VOIX platform: its keys, its calls in the core store, its transcriber.

``submit`` is the contract's ``POST /submit`` once the body is checked: one record per
callId, the latest values winning; a recordingUrl different from the latest job's starts
a new job, the same one (a retried finishing beat) answers that job again and starts
nothing. Changes to one record are serialised by a lock, so two beats racing cannot
both start a job or lose each other's values.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from voxdesk.contracts.voix import CallStatus, SubmitAnswer, SubmitBody, SubmitStatus
from voxdesk.server.config import ServerConfig
from voxdesk.server.core.ingest import FetchLimits
from voxdesk.server.core.storage import Storage
from voxdesk.server.core.store import CallQuery, CoreStore
from voxdesk.server.core.urls import StorageUrls
from voxdesk.server.platforms.voix.errors import VoixError
from voxdesk.server.platforms.voix.inference import attribute_agent, infer_outgoing
from voxdesk.server.platforms.voix.keys import Grant, VoixKeys
from voxdesk.server.platforms.voix.members import MEMBERS_FILE, load_members
from voxdesk.server.platforms.voix.records import PLATFORM, VoixCall
from voxdesk.server.platforms.voix.transcription import (
    Transcriber,
    pick_scorecard,
    recording_key,
    transcript_turns,
)
from voxdesk.server.scorecard import Scorecard

log = logging.getLogger(__name__)

#: How long a recording URL in the lifecycle extension lives (shorter when the server's
#: --recording-url-ttl asks): long enough to play a call opened from a list.
RECORDING_URL_TTL_SECONDS = 3600

#: How many calls ``GET /calls`` lists at most (newest first).
LIST_LIMIT = 1000


class VoixPlatform:
    def __init__(
        self,
        config: ServerConfig,
        workspace_key: str,
        store: CoreStore,
        storage: Storage,
        urls: StorageUrls,
        scorecards: dict[str, Scorecard],
    ) -> None:
        self.keys = VoixKeys(workspace_key, config.voix_team_keys)
        self._store = store
        self._storage = storage
        self._urls = urls
        self._recording_ttl = min(
            RECORDING_URL_TTL_SECONDS, config.recording_url_ttl_seconds or 10**9
        )
        self._members_file = config.voix_members_file or config.data_dir / MEMBERS_FILE
        self._lock = asyncio.Lock()
        self._transcriber = Transcriber(
            urls,
            pick_scorecard(scorecards),
            FetchLimits.from_config(config),
            storage,
            self._job_done,
            earlier_recordings_dir=Path(config.data_dir) / "voix" / "recordings",
        )

    async def start(self) -> None:
        """Start transcribing, and queue again every job a stopped server left unfinished."""
        self._transcriber.start()
        query = CallQuery(platform=PLATFORM)
        offset = 0
        while True:
            rows, total = await asyncio.to_thread(
                self._store.list_calls, query, offset=offset, limit=LIST_LIMIT
            )
            for call in map(VoixCall.from_core, rows):
                job = call.latest_job
                if job is not None and job["status"] == CallStatus.TRANSCRIBING:
                    self._transcriber.submit(call.call_id, job["jobId"], job["recordingUrl"])
            offset += len(rows)
            if not rows or offset >= total:
                return

    async def stop(self) -> None:
        await self._transcriber.stop()

    async def _load(self, call_id: str) -> VoixCall | None:
        row = await asyncio.to_thread(self._store.get_call, PLATFORM, call_id)
        return None if row is None else VoixCall.from_core(row)

    async def _save(self, call: VoixCall) -> None:
        await asyncio.to_thread(self._store.put_call, call.core())

    async def submit(self, body: SubmitBody, team_id: str | None, grant: Grant) -> SubmitAnswer:
        call_id = body.call_id.lower()
        async with self._lock:
            stored = await self._load(call_id)
            if stored is not None and not grant.workspace and stored.team_id != grant.team_id:
                raise VoixError(
                    409, "call_id_taken", f"callId {call_id} belongs to another team's call."
                )
            body = body.model_copy(update={"call_id": call_id})
            call = VoixCall.first(body, team_id) if stored is None else stored.merged(body, team_id)
            url = body.recording_url
            new_job = False
            if url is not None:
                latest = call.latest_job
                if latest is None or latest["recordingUrl"] != url:
                    call = call.with_new_job(url)
                    new_job = True
            await self._save(call)
        if url is None:
            return SubmitAnswer(status=SubmitStatus.RECEIVED, call_id=call_id)
        job = call.latest_job
        assert job is not None
        if new_job:
            self._transcriber.submit(call_id, job["jobId"], url)
        return SubmitAnswer(status=SubmitStatus.TRANSCRIBING, call_id=call_id, job_id=job["jobId"])

    async def _job_done(self, call_id: str, job_id: str, outcome: dict[str, Any]) -> None:
        error = outcome.get("error")
        inferred: dict[str, Any] = {}
        if error is None:
            inferred = await asyncio.to_thread(self._infer, call_id, outcome)
        async with self._lock:
            call = await self._load(call_id)
            if call is None:
                return
            call = call.with_job_finished(job_id, error)
            latest = call.latest_job
            if error is None and latest is not None and latest["jobId"] == job_id:
                # Only the latest job's findings describe the call.
                transcript = [
                    {k: turn[k] for k in ("speaker", "start", "end", "text")}
                    for turn in outcome.get("transcript") or []
                ]
                analysis = {k: v for k, v in outcome.items() if k != "transcript"}
                call = call.with_findings(
                    transcript,
                    analysis,
                    outgoing=inferred["outgoing"],
                    user_id=inferred["user_id"],
                    measured_seconds=outcome.get("duration"),
                )
            await self._save(call)
        log.info("VOIX job %s of call %s: %s", job_id, call_id, error or "completed")

    def _infer(self, call_id: str, analysis: dict[str, Any]) -> dict[str, Any]:
        """Direction and agent from the transcript (in a thread: matching is CPU work)."""
        row = self._store.get_call(PLATFORM, call_id)
        team_id = None if row is None else row.group_id
        turns = transcript_turns(analysis)
        members = load_members(self._members_file, team_id)
        return {"outgoing": infer_outgoing(turns), "user_id": attribute_agent(turns, members)}

    async def get_call(self, call_id: str, grant: Grant) -> VoixCall | None:
        call = await self._load(call_id.lower())
        if call is None or (not grant.workspace and call.team_id != grant.team_id):
            return None
        return call

    def recording_url(self, call: VoixCall) -> str | None:
        """A freshly signed URL of the recording the call's findings came from: the latest
        job's, once it completed (a job still transcribing has nothing to play yet)."""
        job = call.latest_job
        if job is None or job["status"] != CallStatus.COMPLETED:
            return None
        key = recording_key(job["jobId"])
        if not self._storage.exists(key):
            return None
        return self._urls.download_url(key, self._recording_ttl)

    async def list_calls(self, grant: Grant, team_id: str | None = None) -> list[VoixCall]:
        query = CallQuery(platform=PLATFORM, group_id=grant.team_id or team_id)
        rows, _ = await asyncio.to_thread(self._store.list_calls, query, offset=0, limit=LIST_LIMIT)
        return [VoixCall.from_core(row) for row in rows]
