"""VOIX's HTTP routes, at the server's root as the contract's ``https://ingest.voix.tech``
base (``/submit`` and ``/calls`` are free there: Voxxi lives under ``/api/external/v1``,
the voice-bot platform under ``/api/v1``).

* ``POST /submit``            any key   a beat of a call (the contract)
* ``GET  /calls``             any key   local extension: the key's calls, newest first
                                        (a workspace key may narrow with ``?teamId=``)
* ``GET  /calls/{callId}``    any key   local extension: one call's lifecycle; 404 for an
                                        unknown call or another team's
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voxdesk.contracts.voix import (
    CALLS_PATH,
    MAX_BODY_BYTES,
    SUBMIT_PATH,
    CallList,
    InvalidSubmission,
    Problem,
    SubmitBody,
)
from voxdesk.server.core.wire_json import (
    BodyTooLarge,
    IncompleteBody,
    WireValueError,
    read_json_body,
)
from voxdesk.server.platforms.voix.errors import VoixError, invalid_body, json_errors
from voxdesk.server.platforms.voix.platform import VoixPlatform


async def _json_body(request: Request) -> Any:
    """The body through core's counted reader (413 once past the limit while reading;
    I-JSON: no NaN, lone surrogates, unsafe integers or deep nesting)."""
    try:
        return await read_json_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise VoixError(
            413, "payload_too_large", f"The body is over {MAX_BODY_BYTES} bytes."
        ) from None
    except IncompleteBody:
        raise invalid_body(
            [Problem(field=None, message="the body ended before all of it arrived.")]
        ) from None
    except WireValueError as exc:
        if exc.field == "body":
            problem = Problem(field=None, message=f"the body {exc.problem}")
        else:
            problem = Problem(field=exc.field, message=exc.problem)
        raise invalid_body([problem]) from None


class VoixRoutes:
    def __init__(self, platform: VoixPlatform) -> None:
        self._platform = platform

    async def submit(self, request: Request) -> Response:
        grant = self._platform.keys.require(request)
        try:
            body = SubmitBody.from_json(await _json_body(request))
        except InvalidSubmission as exc:
            raise invalid_body(exc.problems) from None
        team_id = grant.team_id if not grant.workspace else body.team_id
        if team_id is None:
            raise invalid_body(
                [
                    Problem(
                        field="teamId",
                        message="is required with a workspace-wide API key "
                        "(a team-scoped key names its team itself).",
                    )
                ]
            )
        answer = await self._platform.submit(body, team_id.lower(), grant)
        return JSONResponse(answer.dump(), status_code=202)

    async def list_calls(self, request: Request) -> Response:
        grant = self._platform.keys.require(request)
        team_id = request.query_params.get("teamId")
        calls = await self._platform.list_calls(grant, team_id.lower() if team_id else None)
        records = [call.record(self._platform.recording_url(call)) for call in calls]
        return JSONResponse(CallList(calls=records).dump())

    async def get_call(self, request: Request) -> Response:
        grant = self._platform.keys.require(request)
        call_id = request.path_params["call_id"]
        call = await self._platform.get_call(call_id, grant)
        if call is None:
            raise VoixError(404, "not_found", f"There is no call {call_id!r} for this key.")
        return JSONResponse(call.record(self._platform.recording_url(call)).dump())


def routes(platform: VoixPlatform) -> list[BaseRoute]:
    views = VoixRoutes(platform)
    return [
        Route(SUBMIT_PATH, json_errors(views.submit), methods=["POST"]),
        Route(CALLS_PATH, json_errors(views.list_calls), methods=["GET"]),
        Route(CALLS_PATH + "/{call_id}", json_errors(views.get_call), methods=["GET"]),
    ]
