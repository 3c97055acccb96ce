"""``POST /api/v1/voice-calls`` — a local extension: add a voice-bot call from a
recording already in this server's storage and its metadata.

Body (JSON, the contract's field names)::

    {"recordingUrl": "<a signed /storage/… URL this server issued, e.g. by the Voxxi
                      upload flow>",            # required when state is Completed
     "campaignId": "camp_x", "direction": "Outbound", "state": "Completed",
     "startTime": "2026-01-15T10:30:00Z", "outcome": "Successful",
     "epaResults": {…}}                        # optional, the contract's survey object

The transcript, duration and talk time come from the recording through the offline
engine (pocketsphinx turns per channel; agent = channel 0), never from the caller.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request

from voxdesk.contracts.voicecalls import (
    CallDirection,
    CallState,
    EpaResults,
    TranscriptTurn,
    TurnRole,
    VoiceCall,
)
from voxdesk.server.core.store import CoreCall, CoreStore
from voxdesk.server.platforms.voicecalls.errors import VoiceCallsError, bad_parameter
from voxdesk.server.platforms.voicecalls.transcribe import transcribe_recording
from voxdesk.server.platforms.voicecalls.views import core_call
from voxdesk.server.storage import Storage, UnsafeKey
from voxdesk.server.urls import StorageUrls
from voxdesk.server.worker import init_worker

MAX_BODY_BYTES = 64 * 1024


def _field(body: dict[str, Any], name: str, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and required:
        raise bad_parameter(name, "is required.")
    return value


def _enum_field(body: dict[str, Any], name: str, kind: type[CallState | CallDirection]) -> str:
    value = _field(body, name)
    allowed = [member.value for member in kind]
    if value not in allowed:
        raise bad_parameter(name, f"{value!r} is not one of {', '.join(allowed)}.")
    return value


class Ingest:
    def __init__(
        self, store: CoreStore, storage: Storage, urls: StorageUrls, max_bytes: int
    ) -> None:
        self._store = store
        self._storage = storage
        self._urls = urls
        self._max_bytes = max_bytes
        self._pool: ProcessPoolExecutor | None = None

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    def _worker_pool(self) -> ProcessPoolExecutor:
        # One process, created on the first POST: most servers never get one.
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(os.getpid(),),  # the worker exits with this server
            )
        return self._pool

    async def _body(self, request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise VoiceCallsError(413, "payload_too_large", "The JSON body is too large.")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise VoiceCallsError(413, "payload_too_large", "The JSON body is too large.")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise VoiceCallsError(400, "invalid_json", "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise VoiceCallsError(400, "invalid_json", "The body must be a JSON object.")
        return body

    def _recording_key(self, url: Any) -> str:
        if not isinstance(url, str):
            raise bad_parameter("recordingUrl", "must be a string.")
        key = self._urls.own_key(url)
        if key is None:
            raise bad_parameter(
                "recordingUrl", "must be a signed /storage/ URL this server issued."
            )
        try:
            present = self._storage.exists(key)
        except UnsafeKey:
            present = False
        if not present:
            raise bad_parameter("recordingUrl", "nothing is stored at this URL yet.")
        return key

    async def create(self, request: Request) -> CoreCall:
        body = await self._body(request)
        campaign = _field(body, "campaignId")
        if not isinstance(campaign, str) or not campaign.strip():
            raise bad_parameter("campaignId", "must be a non-empty string.")
        direction = _enum_field(body, "direction", CallDirection)
        state = _enum_field(body, "state", CallState)
        try:
            started = datetime.fromisoformat(str(_field(body, "startTime")))
        except ValueError:
            raise bad_parameter("startTime", "is not an ISO-8601 time.") from None
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        outcome = _field(body, "outcome", required=False)
        if outcome is not None and not isinstance(outcome, str):
            raise bad_parameter("outcome", "must be a string.")
        survey = None
        if body.get("epaResults") is not None:
            try:
                survey = EpaResults.model_validate(body["epaResults"])
            except ValidationError as exc:
                raise bad_parameter("epaResults", _first_problem(exc)) from None
        key = None
        if CallState(state).connected:
            key = self._recording_key(_field(body, "recordingUrl"))
        elif body.get("recordingUrl") is not None:
            raise bad_parameter("recordingUrl", f"a {state} call never connected: no recording.")
        transcript: list[TranscriptTurn] = []
        duration = talk = 0.0
        if key is not None:
            heard = await self._transcribe(key)
            duration = heard["duration"]
            turns = heard["turns"]
            transcript = [
                TranscriptTurn(
                    role=TurnRole(t["speaker"]),
                    text=t["text"],
                    timestamp=TranscriptTurn.format_offset(t["start"]),
                )
                for t in turns
            ]
            if turns:
                talk = max(t["end"] for t in turns) - min(t["start"] for t in turns)
        now = datetime.now(UTC)
        wire = VoiceCall(
            id=f"vc_{uuid.uuid4().hex[:12]}",
            campaign_id=campaign.strip(),
            direction=direction,
            state=state,
            start_time=started,
            end_time=started + timedelta(seconds=duration),
            duration_seconds=round(duration),
            talk_time_seconds=round(talk),
            outcome=outcome,
            transcript=transcript,
            epa_results=survey,
            created_at=now,
        )
        call = core_call(wire, key)
        await asyncio.to_thread(self._store.insert_calls, [call])
        return call

    async def _transcribe(self, key: str) -> dict[str, Any]:
        path = self._storage.path_for(key)
        loop = asyncio.get_running_loop()
        heard = await loop.run_in_executor(self._worker_pool(), transcribe_recording, str(path))
        if "error" in heard:
            raise VoiceCallsError(422, "unprocessable_recording", heard["error"])
        if heard["channels"] != 2:
            raise bad_parameter(
                "recordingUrl",
                "the recording must be stereo (agent on channel 0, customer on channel 1).",
            )
        return heard


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]
