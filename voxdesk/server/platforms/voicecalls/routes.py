"""The voice-bot platform's HTTP routes (``shared/api-contracts/voice-calls.txt``).

* ``GET  /api/v1/voice-calls``                      voice:read      list, filtered, paged
* ``GET  /api/v1/voice-calls/{id}``                 voice:read      one call, transcript inline
* ``GET  /api/v1/voice-calls/{id}/recording-url``   audio:download  SAS-style URL, 15 minutes
* ``GET  /api/v1/voice-calls/{id}/epa-results``     voice:read      the post-call survey
* ``POST /api/v1/voice-calls``                      voice:write     local extension: add a call
* ``GET  /recordings/voice-calls/{id}.ogg?sv=&se=&sp=&sig=``       no auth: the signature is it
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from voxdesk.contracts.voicecalls import API_PREFIX, RecordingUrl, Scope, VoiceCallPage
from voxdesk.server.core.storage import UnsafeKey
from voxdesk.server.core.storage_routes import stored_file_response
from voxdesk.server.core.store import CoreCall
from voxdesk.server.platforms.voicecalls.auth import WRITE_SCOPE
from voxdesk.server.platforms.voicecalls.errors import VoiceCallsError, json_errors, not_found
from voxdesk.server.platforms.voicecalls.platform import VoiceCallsPlatform
from voxdesk.server.platforms.voicecalls.query import parse_list_request
from voxdesk.server.platforms.voicecalls.sas import RECORDINGS_PREFIX, Verdict
from voxdesk.server.platforms.voicecalls.views import PLATFORM, epa_results, voice_call


class VoiceCallRoutes:
    def __init__(self, platform: VoiceCallsPlatform) -> None:
        self._platform = platform

    async def _call(self, request: Request) -> CoreCall:
        call_id = request.path_params["call_id"]
        call = await asyncio.to_thread(self._platform.store.get_call, PLATFORM, call_id)
        if call is None:
            raise not_found(f"There is no voice call {call_id!r}.")
        return call

    async def list_calls(self, request: Request) -> Response:
        self._platform.tokens.require(request, Scope.VOICE_READ)
        wanted = parse_list_request(request.query_params)
        calls, total = await asyncio.to_thread(
            self._platform.store.list_calls,
            wanted.query,
            offset=wanted.offset,
            limit=wanted.page_size,
        )
        page = VoiceCallPage(
            data=[voice_call(call) for call in calls],
            page=wanted.page,
            page_size=wanted.page_size,
            total=total,
        )
        return JSONResponse(page.dump())

    async def get_call(self, request: Request) -> Response:
        self._platform.tokens.require(request, Scope.VOICE_READ)
        return JSONResponse(voice_call(await self._call(request)).dump())

    async def get_epa_results(self, request: Request) -> Response:
        self._platform.tokens.require(request, Scope.VOICE_READ)
        call = await self._call(request)
        survey = epa_results(call)
        if survey is None:
            raise not_found(
                f"Voice call {call.platform_id!r} has no post-call survey results "
                f"(campaign {call.group_id!r} has no survey, or the call never connected)."
            )
        return JSONResponse(survey.dump())

    async def get_recording_url(self, request: Request) -> Response:
        self._platform.tokens.require(request, Scope.AUDIO_DOWNLOAD)
        call = await self._call(request)
        if call.recording_key is None:
            raise not_found(
                f"Voice call {call.platform_id!r} has no recording"
                + (
                    f" (it ended {call.disposition} and never connected)."
                    if call.disposition != "Completed"
                    else "."
                )
            )
        url, expires = self._platform.signer.url(self._platform.recording_file_name(call))
        return JSONResponse(RecordingUrl(recording_url=url, expires_at=expires).dump())

    async def create_call(self, request: Request) -> Response:
        self._platform.tokens.require(request, WRITE_SCOPE)
        call = await self._platform.ingest.create(request)
        return JSONResponse(voice_call(call).dump(), status_code=201)

    async def get_recording(self, request: Request) -> Response:
        file_name = request.path_params["file_name"]
        verdict = self._platform.signer.verify(RECORDINGS_PREFIX + file_name, request.query_params)
        if verdict is Verdict.EXPIRED:
            raise VoiceCallsError(403, "url_expired", "This recording URL has expired.")
        if verdict is Verdict.INVALID:
            raise VoiceCallsError(
                403, "signature_invalid", "This recording URL's signature is missing or wrong."
            )
        call_id = file_name.rsplit(".", 1)[0]
        call = await asyncio.to_thread(self._platform.store.get_call, PLATFORM, call_id)
        if call is None or call.recording_key is None:
            raise not_found("There is no recording at this URL.")
        try:
            return await stored_file_response(
                self._platform.storage,
                call.recording_key,
                request.headers.get("range"),
                refusal=VoiceCallsError,
                what="recording",
                missing="The recording file is missing from storage.",
            )
        except UnsafeKey as exc:
            raise not_found("There is no recording at this URL.") from exc


def routes(platform: VoiceCallsPlatform) -> list[BaseRoute]:
    """The platform's routes, to mount beside Voxxi's on the one server."""
    views = VoiceCallRoutes(platform)
    api = [
        Route("/voice-calls", json_errors(views.list_calls), methods=["GET"]),
        Route("/voice-calls", json_errors(views.create_call), methods=["POST"]),
        Route("/voice-calls/{call_id}", json_errors(views.get_call), methods=["GET"]),
        Route(
            "/voice-calls/{call_id}/recording-url",
            json_errors(views.get_recording_url),
            methods=["GET"],
        ),
        Route(
            "/voice-calls/{call_id}/epa-results",
            json_errors(views.get_epa_results),
            methods=["GET"],
        ),
    ]
    return [
        Mount(API_PREFIX, routes=api),
        Route(
            RECORDINGS_PREFIX + "{file_name}",
            json_errors(views.get_recording),
            methods=["GET", "HEAD"],
        ),
    ]
