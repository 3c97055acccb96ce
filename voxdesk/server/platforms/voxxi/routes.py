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
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from voxdesk.contracts import voxxi as wire
from voxdesk.server.context import ServerContext
from voxdesk.server.core.errors import ApiError
from voxdesk.server.core.paging import MAX_PAGE
from voxdesk.server.core.storage import AUDIO_TYPES, new_upload_key
from voxdesk.server.core.wire_json import (
    MAX_JSON_BYTES,
    BodyTooLarge,
    IncompleteBody,
    WireValueError,
    read_json_body,
    whole_number,
)
from voxdesk.server.dates import DateFormatError, parse_range_bound
from voxdesk.server.platforms.voxxi.calls import create_call, parse_new_call
from voxdesk.server.platforms.voxxi.errors import validation_error
from voxdesk.server.platforms.voxxi.store import STATUSES, CallFilter
from voxdesk.server.platforms.voxxi.views import call_data

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


async def _json_body(request: Request) -> Any:
    """The body as I-JSON, read no further than 1 MiB (see ``wire_json``)."""
    try:
        return await read_json_body(request, MAX_JSON_BYTES)
    except BodyTooLarge as exc:
        raise ApiError(413, "payload_too_large", "The JSON body is larger than 1 MiB.") from exc
    except IncompleteBody as exc:
        raise ApiError(400, "incomplete_body", "The body ended before all of it arrived.") from exc
    except WireValueError as exc:
        raise validation_error(exc.field, exc.problem) from exc


async def post_call(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    new = parse_new_call(await _json_body(request), ctx.scorecards)
    call_id = await create_call(ctx.store, ctx.pipeline, new)
    created = wire.Envelope(data=wire.CreatedCall(call_id=call_id, status="processing"))
    return JSONResponse(created.dump(), status_code=202)


async def get_analysis(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    call_id = request.path_params["callId"]
    call = await asyncio.to_thread(ctx.store.get_call, call_id)
    if call is None:
        raise ApiError(404, "not_found", f"There is no call with id {call_id!r}.")
    return JSONResponse(wire.Envelope[wire.CallAnalysis](data=call_data(call, ctx.urls)).dump())


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
    target = wire.PresignedUrl(
        key=key,
        presigned_url=ctx.urls.upload_url(key, content_type),
        public_url=ctx.urls.public_url(key),
    )
    return JSONResponse(wire.Envelope(data=target).dump())


def _int_param(
    request: Request, name: str, default: int, maximum: int, *, cap: bool = False
) -> int:
    """A whole number from 1 to ``maximum`` (``cap``: larger ones count as ``maximum``)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = whole_number(raw, maximum)
    if value is None or value < 1 or (value > maximum and not cap):
        raise validation_error(name, f"must be a whole number from 1 to {maximum}.")
    return min(value, maximum)


def _text_param(request: Request, name: str) -> str | None:
    """A filter value; control characters are refused because SQLite ends a LIKE
    pattern at a NUL, so ``q=%00`` would match every call."""
    value = request.query_params.get(name) or None
    if value is not None and _CONTROL.search(value):
        raise validation_error(name, "must not contain control characters.")
    return value


def _filter(request: Request) -> CallFilter:
    status = _text_param(request, "status")
    if status is not None and status not in STATUSES:
        raise validation_error("status", f"must be one of {', '.join(STATUSES)}.")
    bounds = {}
    for name, end in (("dateFrom", False), ("dateTo", True)):
        value = _text_param(request, name)
        if value:
            try:
                bounds[name] = parse_range_bound(value, end=end)
            except DateFormatError as exc:
                raise validation_error(name, str(exc)) from exc
    return CallFilter(
        status=status,
        member_id=_text_param(request, "memberId"),
        category_id=_text_param(request, "categoryId"),
        date_from=bounds.get("dateFrom"),
        date_to=bounds.get("dateTo"),
        text=(_text_param(request, "q") or "").strip() or None,
    )


async def list_calls(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    page = _int_param(request, "page", 1, MAX_PAGE)
    page_size = _int_param(request, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, cap=True)
    where = _filter(request)
    calls, total = await asyncio.to_thread(
        lambda: ctx.store.list_calls(where, offset=(page - 1) * page_size, limit=page_size)
    )
    listed = wire.CallPage(
        data=[call_data(call, ctx.urls) for call in calls],
        page=page,
        page_size=page_size,
        total=total,
    )
    return JSONResponse(listed.dump())


async def list_categories(request: Request) -> JSONResponse:
    cards = sorted(_ctx(request).scorecards.values(), key=lambda card: card.name)
    categories = [
        wire.Category(
            id=card.id,
            name=card.name,
            sections=[wire.CategorySection(id=s.id, name=s.name) for s in card.sections],
        )
        for card in cards
    ]
    return JSONResponse(wire.Envelope(data=categories).dump())


async def list_members(request: Request) -> JSONResponse:
    members = await asyncio.to_thread(_ctx(request).store.list_members)
    listed = [wire.Member(id=m.id, email=m.email, name=m.name) for m in members]
    return JSONResponse(wire.Envelope(data=listed).dump())


routes = [
    Route("/calls", post_call, methods=["POST"]),
    Route("/calls", list_calls, methods=["GET"]),
    Route("/calls/presigned-url", post_presigned_url, methods=["POST"]),
    Route("/calls/{callId}/analysis", get_analysis, methods=["GET"]),
    Route("/categories", list_categories, methods=["GET"]),
    Route("/members", list_members, methods=["GET"]),
]
