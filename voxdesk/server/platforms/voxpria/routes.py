"""Voxpria's HTTP routes (``shared/api-contracts/voxpria-calls.txt``), every one behind
the API key (``Authorization: Bearer``), every answer an envelope.

* ``POST /api/v1/calls``                 place a call → ``queued``
* ``GET  /api/v1/calls/{id}``            one call
* ``GET  /api/v1/calls?page=&limit=``    newest first, ``limit`` ≤ 100
* ``GET  /api/v1/calls/{id}/analysis``   local extension: the scoring of a completed call
* ``GET  /api/v1/agents``                local extension: the built-in voice agents

They are plain routes with full paths, listed before the voice-bot platform's
``/api/v1`` mount: a mount matches every path under its prefix, so anything after it
would never be reached.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voxdesk.contracts.voxpria import (
    AGENTS_PATH,
    CALLS_PATH,
    DEFAULT_LIMIT,
    E164,
    MAX_LIMIT,
    CallPage,
    CallStatus,
)
from voxdesk.server.core.paging import MAX_PAGE, positive_whole_number
from voxdesk.server.core.store import CallQuery, CoreCall
from voxdesk.server.core.wire_json import (
    BodyTooLarge,
    IncompleteBody,
    WireValueError,
    read_json_body,
)
from voxdesk.server.platforms.voxpria.errors import (
    VoxpriaError,
    invalid,
    json_errors,
    not_found,
)
from voxdesk.server.platforms.voxpria.platform import VoxpriaPlatform
from voxdesk.server.platforms.voxpria.views import (
    DIRECTION,
    PLATFORM,
    call_analysis,
    created_call,
    voxpria_call,
)

MAX_BODY_BYTES = 64 * 1024
MAX_VARIABLES = 50
MAX_VARIABLE_CHARS = 500


_last_id_millis = 0


def new_call_id() -> str:
    """``call_`` + the creation time in milliseconds (hex) + random: ids sort in
    creation order, so "newest first" is stable within a second too. Two calls created
    in the same millisecond get consecutive stamps (the random tail alone would order
    them by chance)."""
    global _last_id_millis
    _last_id_millis = max(int(time.time() * 1000), _last_id_millis + 1)
    return f"call_{_last_id_millis:011x}{secrets.token_hex(4)}"


def _envelope(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status_code)


async def _json_object(request: Request) -> dict[str, Any]:
    """The body through core's counted reader (413 once past the limit while reading;
    I-JSON: no NaN, lone surrogates, unsafe integers or deep nesting), in this
    platform's envelope."""
    try:
        body = await read_json_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise VoxpriaError(
            413, "body_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes."
        ) from None
    except IncompleteBody:
        raise VoxpriaError(
            400, "invalid_json", "The body ended before all of it arrived."
        ) from None
    except WireValueError as exc:
        if exc.field == "body":
            raise VoxpriaError(400, "invalid_json", f"The body {exc.problem}") from None
        raise VoxpriaError(400, "invalid_json", f"{exc.field}: {exc.problem}") from None
    if not isinstance(body, dict):
        raise VoxpriaError(400, "invalid_json", "The body must be a JSON object.")
    return body


def _string_field(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise invalid(name, "is required.")
    if not isinstance(value, str) or not value.strip():
        raise invalid(name, "must be a non-empty string.")
    return value


def _to_number(body: Mapping[str, Any]) -> str:
    number = _string_field(body, "toNumber")
    if not E164.fullmatch(number):
        raise invalid(
            "toNumber",
            f"{number!r} is not an E.164 number: + then 8 to 15 digits, the first not 0, "
            "no spaces or dashes (e.g. +14155551234).",
        )
    return number


def _variables(body: Mapping[str, Any]) -> dict[str, str]:
    value = body.get("variables")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("variables", "must be an object of strings.")
    if len(value) > MAX_VARIABLES:
        raise invalid("variables", f"at most {MAX_VARIABLES} variables.")
    for name, item in value.items():
        if not isinstance(item, str):
            raise invalid(f"variables.{name}", "must be a string.")
        if len(item) > MAX_VARIABLE_CHARS:
            raise invalid(f"variables.{name}", f"at most {MAX_VARIABLE_CHARS} characters.")
    return value


def _whole_number(params: Mapping[str, str], name: str, default: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        return positive_whole_number(raw, high)
    except ValueError as exc:
        raise invalid(name, str(exc)) from None


class VoxpriaRoutes:
    def __init__(self, platform: VoxpriaPlatform) -> None:
        self._platform = platform

    async def _call(self, request: Request) -> CoreCall:
        call_id = request.path_params["call_id"]
        call = await asyncio.to_thread(self._platform.store.get_call, PLATFORM, call_id)
        if call is None:
            raise not_found(f"There is no call {call_id!r}.")
        return call

    def _wire(self, call: CoreCall) -> dict[str, Any]:
        return voxpria_call(call, self._platform.urls, self._platform.recording_ttl).dump()

    async def create_call(self, request: Request) -> Response:
        self._platform.key.require(request)
        body = await _json_object(request)
        agent_id = _string_field(body, "agentId")
        number = _to_number(body)
        variables = _variables(body)
        agent = self._platform.agents.get(agent_id)
        if agent is None:
            known = ", ".join(self._platform.agents) or "none"
            raise not_found(f"There is no agent {agent_id!r} (agents: {known}).")
        missing = agent.config.missing_variables(variables)
        if missing:
            raise invalid(
                "variables",
                f"agent {agent_id} needs {', '.join(missing)}, which the request lacks.",
            )
        now = datetime.now(UTC).replace(microsecond=0)
        call = CoreCall(
            platform=PLATFORM,
            platform_id=new_call_id(),
            created_at=now,
            started_at=now,
            direction=DIRECTION,
            to_number=number,
            agent_id=agent_id,
            disposition=CallStatus.QUEUED.value,
            extra={"variables": variables},
        )
        await asyncio.to_thread(self._platform.store.insert_calls, [call])
        self._platform.telephony.submit(call.platform_id)
        return _envelope(created_call(call).dump(), status_code=201)

    async def get_call(self, request: Request) -> Response:
        self._platform.key.require(request)
        return _envelope(self._wire(await self._call(request)))

    async def list_calls(self, request: Request) -> Response:
        self._platform.key.require(request)
        page = _whole_number(request.query_params, "page", 1, MAX_PAGE)
        limit = _whole_number(request.query_params, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        calls, total = await asyncio.to_thread(
            self._platform.store.list_calls,
            CallQuery(platform=PLATFORM),
            offset=(page - 1) * limit,
            limit=limit,
        )
        wanted = CallPage(
            data=[
                voxpria_call(call, self._platform.urls, self._platform.recording_ttl)
                for call in calls
            ],
            page=page,
            limit=limit,
            total=total,
        )
        return JSONResponse(wanted.dump())

    async def get_analysis(self, request: Request) -> Response:
        self._platform.key.require(request)
        call = await self._call(request)
        analysis = call_analysis(call)
        if analysis is None:
            raise not_found(
                f"Call {call.platform_id!r} has no analysis: it is {call.disposition}, and only "
                "a completed call is scored."
            )
        return _envelope(analysis.dump())

    async def list_agents(self, request: Request) -> Response:
        self._platform.key.require(request)
        return _envelope(
            [
                agent.config.wire(agent.scorecard.id).dump()
                for agent in self._platform.agents.values()
            ]
        )


def routes(platform: VoxpriaPlatform) -> list[BaseRoute]:
    """Voxpria's routes; mount them before any ``/api/v1`` mount (see above)."""
    views = VoxpriaRoutes(platform)
    return [
        Route(CALLS_PATH, json_errors(views.create_call), methods=["POST"]),
        Route(CALLS_PATH, json_errors(views.list_calls), methods=["GET"]),
        Route(CALLS_PATH + "/{call_id}", json_errors(views.get_call), methods=["GET"]),
        Route(CALLS_PATH + "/{call_id}/analysis", json_errors(views.get_analysis), methods=["GET"]),
        Route(AGENTS_PATH, json_errors(views.list_agents), methods=["GET"]),
    ]
