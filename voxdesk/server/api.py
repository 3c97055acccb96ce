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

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from voxdesk.server.calls import create_call, parse_new_call
from voxdesk.server.context import ServerContext
from voxdesk.server.dates import DateFormatError, parse_range_bound
from voxdesk.server.errors import ApiError, validation_error
from voxdesk.server.storage import AUDIO_TYPES, new_upload_key
from voxdesk.server.store import STATUSES, CallFilter
from voxdesk.server.views import call_data
from voxdesk.server.wire_json import WireValueError, decode_body

MAX_JSON_BYTES = 1024 * 1024
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Far past any real library, and small enough that the row offset fits SQLite's integer.
MAX_PAGE = 10_000_000
_DIGITS = re.compile(r"[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


def _whole_number(text: str, limit: int) -> int | None:
    """``text`` as a whole number, or ``None`` unless it is ASCII digits (``str.isdigit``
    also takes ``²``, which ``int`` refuses). Anything above ``limit`` reads as
    ``limit + 1``, unconverted: ``int`` refuses 4,300+ digits."""
    if not _DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0") or "0"
    return int(significant) if len(significant) <= len(str(limit)) else limit + 1


def _too_large() -> ApiError:
    return ApiError(413, "payload_too_large", "The JSON body is larger than 1 MiB.")


async def _json_body(request: Request) -> Any:
    """The body as I-JSON (see ``wire_json``), read no further than 1 MiB.

    Bytes are counted as they arrive: a chunked body declares no length, and reading it
    whole first would let one request fill the server's memory.
    """
    declared = _whole_number(request.headers.get("content-length") or "", MAX_JSON_BYTES)
    if declared is not None and declared > MAX_JSON_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                raise _too_large()
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise ApiError(400, "incomplete_body", "The body ended before all of it arrived.") from exc
    try:
        return decode_body(b"".join(chunks))
    except WireValueError as exc:
        raise validation_error(exc.field, exc.problem) from exc


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


def _int_param(
    request: Request, name: str, default: int, maximum: int, *, cap: bool = False
) -> int:
    """A whole number from 1 to ``maximum`` (``cap``: larger ones count as ``maximum``)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = _whole_number(raw, maximum)
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
