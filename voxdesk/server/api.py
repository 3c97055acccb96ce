"""The JSON API under ``/api/external/v1``: Voxxi's three call endpoints plus the
local-only listings the desktop client needs.

Local extensions (not in Voxxi's contract):

* ``GET /calls?page=&pageSize=&status=&memberId=&categoryId=&dateFrom=&dateTo=&q=``
  → ``{"data": [<analysis data>...], "page", "pageSize", "total"}``; ``pageSize`` is
  capped at 200; ``q`` searches call id, member, summary and outcome.
* ``GET /categories`` → ``{"data": [{"id", "name", "sections": [{"id", "name"}]}]}``
* ``GET /members`` → ``{"data": [{"id", "email", "name"}]}``
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from voxdesk.server.calls import create_call, parse_new_call
from voxdesk.server.context import ServerContext
from voxdesk.server.dates import DateFormatError, parse_range_bound
from voxdesk.server.errors import ApiError, validation_error
from voxdesk.server.storage import AUDIO_TYPES, new_upload_key
from voxdesk.server.store import STATUSES, CallFilter
from voxdesk.server.views import call_data

MAX_JSON_BYTES = 1024 * 1024
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


async def _json_body(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_JSON_BYTES:
        raise ApiError(413, "payload_too_large", "The JSON body is larger than 1 MiB.")
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise ApiError(413, "payload_too_large", "The JSON body is larger than 1 MiB.")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise validation_error("body", "is not valid JSON.") from exc


async def post_call(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    new = parse_new_call(await _json_body(request), ctx.scorecards)
    call_id = await create_call(ctx.store, ctx.pipeline, new)
    return JSONResponse({"data": {"callId": call_id, "status": "processing"}}, status_code=202)


async def get_analysis(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    call_id = request.path_params["callId"]
    call = await asyncio.to_thread(ctx.store.get_call, call_id)
    if call is None:
        raise ApiError(404, "not_found", f"There is no call with id {call_id!r}.")
    return JSONResponse({"data": call_data(call, ctx.urls)})


async def post_presigned_url(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise validation_error("body", "must be a JSON object.")
    filename = body.get("filename")
    if not isinstance(filename, str) or not filename.strip():
        raise validation_error("filename", "is required and must be a non-empty string.")
    content_type = body.get("contentType")
    if not isinstance(content_type, str) or not content_type.strip():
        raise validation_error("contentType", "is required and must be a non-empty string.")
    content_type = content_type.strip().lower()
    if content_type not in AUDIO_TYPES:
        raise validation_error(
            "contentType",
            f"{content_type!r} is not an accepted audio type "
            f"(accepted: {', '.join(sorted(AUDIO_TYPES))}).",
        )
    key = new_upload_key(filename)
    return JSONResponse(
        {
            "data": {
                "key": key,
                "presignedUrl": ctx.urls.upload_url(key, content_type),
                "publicUrl": ctx.urls.public_url(key),
            }
        }
    )


def _int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise validation_error(name, f"must be a whole number of at least {minimum}.")
    return int(raw)


def _filter(request: Request) -> CallFilter:
    params = request.query_params
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise validation_error("status", f"must be one of {', '.join(STATUSES)}.")
    bounds = {}
    for name, end in (("dateFrom", False), ("dateTo", True)):
        value = params.get(name)
        if value:
            try:
                bounds[name] = parse_range_bound(value, end=end)
            except DateFormatError as exc:
                raise validation_error(name, str(exc)) from exc
    return CallFilter(
        status=status,
        member_id=params.get("memberId") or None,
        category_id=params.get("categoryId") or None,
        date_from=bounds.get("dateFrom"),
        date_to=bounds.get("dateTo"),
        text=(params.get("q") or "").strip() or None,
    )


async def list_calls(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    page = _int_param(request, "page", 1, 1)
    page_size = min(_int_param(request, "pageSize", DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    where = _filter(request)
    calls, total = await asyncio.to_thread(
        lambda: ctx.store.list_calls(where, offset=(page - 1) * page_size, limit=page_size)
    )
    return JSONResponse(
        {
            "data": [call_data(call, ctx.urls) for call in calls],
            "page": page,
            "pageSize": page_size,
            "total": total,
        }
    )


async def list_categories(request: Request) -> JSONResponse:
    cards = sorted(_ctx(request).scorecards.values(), key=lambda card: card.name)
    return JSONResponse(
        {
            "data": [
                {
                    "id": card.id,
                    "name": card.name,
                    "sections": [{"id": s.id, "name": s.name} for s in card.sections],
                }
                for card in cards
            ]
        }
    )


async def list_members(request: Request) -> JSONResponse:
    members = await asyncio.to_thread(_ctx(request).store.list_members)
    return JSONResponse({"data": [{"id": m.id, "email": m.email, "name": m.name} for m in members]})


routes = [
    Route("/calls", post_call, methods=["POST"]),
    Route("/calls", list_calls, methods=["GET"]),
    Route("/calls/presigned-url", post_presigned_url, methods=["POST"]),
    Route("/calls/{callId}/analysis", get_analysis, methods=["GET"]),
    Route("/categories", list_categories, methods=["GET"]),
    Route("/members", list_members, methods=["GET"]),
]
