"""``/storage/{key}``: signed uploads (PUT) and signed downloads (GET/HEAD).

No bearer token here — the URL's signature is the permission, which is what lets a
presigned upload or a media player use it. Every refusal is a JSON error and leaves
nothing on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Protocol

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from voxdesk.server.config import ServerConfig
from voxdesk.server.core.errors import ApiError, PlatformError
from voxdesk.server.core.ranges import Unsatisfiable, parse_range
from voxdesk.server.core.signing import UrlSigner, Verdict
from voxdesk.server.core.storage import (
    AUDIO_TYPES,
    AlreadyStored,
    Incomplete,
    NotAudio,
    Storage,
    TooLarge,
    UnsafeKey,
    check_raw_path,
)

CHUNK = 256 * 1024
DRAIN_SLACK = 1024 * 1024


class StorageContext(Protocol):
    """What these routes use of the app's context (``app.state.ctx``); no platform's
    store or pipeline, so the core stays free of them."""

    @property
    def config(self) -> ServerConfig: ...

    @property
    def storage(self) -> Storage: ...

    @property
    def signer(self) -> UrlSigner: ...


def _ctx(request: Request) -> StorageContext:
    return request.app.state.ctx


def _key(request: Request) -> str:
    """The object key, refusing traversal tricks in the raw and the decoded path."""
    ctx = _ctx(request)
    try:
        check_raw_path(request.scope.get("raw_path") or b"")
        key = request.path_params["key"]
        ctx.storage.path_for(key)
    except UnsafeKey as exc:
        raise ApiError(400, "invalid_path", str(exc)) from exc
    return key


def _check_signature(request: Request, method: str, key: str, content_type: str) -> None:
    verdict = _ctx(request).signer.verify(
        method,
        key,
        content_type,
        request.query_params.get("expires"),
        request.query_params.get("signature"),
    )
    if verdict is Verdict.EXPIRED:
        raise ApiError(403, "signature_expired", "This storage URL has expired.")
    if verdict is Verdict.INVALID:
        raise ApiError(
            403,
            "signature_invalid",
            f"This storage URL's signature is missing or does not match this {method} request"
            + (
                " (the Content-Type must be exactly the one it was issued for)."
                if method == "PUT"
                else "."
            ),
        )


class _Body:
    """The request body as chunks, remembering whether the client finished sending it."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.done = False

    async def chunks(self) -> AsyncIterator[bytes]:
        while not self.done:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect
            self.done = not message.get("more_body", False)
            if chunk := message.get("body", b""):
                yield chunk

    async def drain(self, budget: int) -> None:
        """Read and drop what the client is still sending, up to ``budget`` bytes:
        closing on unread data makes the kernel reset the connection, and the client
        would see that instead of our refusal."""
        with contextlib.suppress(ClientDisconnect):
            async for chunk in self.chunks():
                budget -= len(chunk)
                if budget < 0:
                    return


async def put_object(request: Request) -> Response:
    ctx = _ctx(request)
    limit = ctx.config.max_upload_bytes
    try:
        key = _key(request)
    except ApiError:
        await _Body(request.receive).drain(limit + DRAIN_SLACK)
        raise
    content_type = (request.headers.get("content-type") or "").strip().lower()
    # An unsigned, edited or expired URL is refused before a byte of its body is read
    # (no drain): uvicorn discards what a keep-alive client still sends after this answer.
    _check_signature(request, "PUT", key, content_type)
    size = await receive_upload(request, ctx.storage, key, content_type, limit=limit)
    return Response(status_code=200, headers={"ETag": f'"{size}"'})


async def receive_upload(
    request: Request,
    storage: Storage,
    key: str,
    content_type: str,
    *,
    limit: int,
    exact_size: int | None = None,
) -> int:
    """Store the request's body at ``key`` as the audio ``content_type`` names; its size.

    For a PUT whose URL the caller has already verified. ``exact_size``: the only
    Content-Length accepted (an upload link issued for one file). Refusals are
    ``ApiError``s, raised after what the client still sends has been drained.
    """
    body = _Body(request.receive)
    try:
        return await _store_upload(request, storage, key, content_type, body, limit, exact_size)
    except ApiError:
        await body.drain(limit + DRAIN_SLACK)
        raise


async def _store_upload(
    request: Request,
    storage: Storage,
    key: str,
    content_type: str,
    body: _Body,
    limit: int,
    exact_size: int | None,
) -> int:
    if content_type not in AUDIO_TYPES:
        raise ApiError(415, "unsupported_media_type", f"{content_type!r} is not an audio type.")
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise ApiError(411, "length_required", "An upload needs a Content-Length header.")
    if int(declared) > limit:
        raise ApiError(
            413, "payload_too_large", f"The upload is larger than the {limit}-byte limit."
        )
    if exact_size is not None and int(declared) != exact_size:
        raise ApiError(
            400,
            "size_mismatch",
            f"This upload URL is for exactly {exact_size} bytes; the request has {declared}.",
        )
    try:
        return await storage.write_stream(
            key,
            body.chunks(),
            audio_format=AUDIO_TYPES[content_type],
            max_bytes=limit,
            expected=int(declared),
        )
    except AlreadyStored as exc:
        raise ApiError(409, "already_uploaded", f"{exc} Ask for a new one.") from exc
    except TooLarge as exc:
        raise ApiError(413, "payload_too_large", str(exc)) from exc
    except NotAudio as exc:
        raise ApiError(415, "unsupported_media_type", str(exc)) from exc
    except (Incomplete, ClientDisconnect) as exc:
        raise ApiError(
            400, "incomplete_upload", "The upload ended before all bytes arrived."
        ) from exc


async def get_object(request: Request) -> Response:
    ctx = _ctx(request)
    key = _key(request)
    _check_signature(request, "GET", key, "")
    return await stored_file_response(
        ctx.storage,
        key,
        request.headers.get("range"),
        refusal=ApiError,
        what="object",
        missing="There is no stored object at this key.",
    )


async def stored_file_response(
    storage: Storage,
    key: str,
    range_header: str | None,
    *,
    refusal: type[PlatformError],
    what: str,
    missing: str,
) -> FileSpanResponse:
    """The file stored at ``key``, or the one byte range ``range_header`` asks for.

    A missing file (404, ``missing``) or a range outside it (416, naming the ``what``'s
    size) is raised as ``refusal``, the caller's own error envelope. ``UnsafeKey`` from
    an unusable key is the caller's to answer.
    """
    path = storage.path_for(key)
    if not await asyncio.to_thread(path.is_file):
        raise refusal(404, "not_found", missing)
    size = (await asyncio.to_thread(path.stat)).st_size
    media_type = await asyncio.to_thread(storage.content_type, key)
    try:
        span = parse_range(range_header, size)
    except Unsatisfiable as exc:
        raise refusal(
            416,
            "range_not_satisfiable",
            f"The requested range is outside the {size}-byte {what}.",
            headers={"Content-Range": f"bytes */{size}"},
        ) from exc
    return FileSpanResponse(path, size, media_type, span)


class FileSpanResponse(Response):
    """A file, or one byte range of it, read in chunks off the event loop."""

    def __init__(
        self, path: os.PathLike[str], size: int, media_type: str, span: tuple[int, int] | None
    ) -> None:
        first, last = span if span is not None else (0, size - 1)
        headers = {"Accept-Ranges": "bytes", "Content-Length": str(last - first + 1)}
        if span is not None:
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        super().__init__(status_code=206 if span else 200, headers=headers, media_type=media_type)
        self._path = path
        self._first = first
        self._length = last - first + 1 if size else 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        async for chunk in self._chunks():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _chunks(self) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(open, self._path, "rb")
        try:
            await asyncio.to_thread(handle.seek, self._first)
            remaining = self._length
            while remaining > 0:
                chunk = await asyncio.to_thread(handle.read, min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)


routes = [
    Route("/storage/{key:path}", put_object, methods=["PUT"]),
    Route("/storage/{key:path}", get_object, methods=["GET", "HEAD"]),
]
