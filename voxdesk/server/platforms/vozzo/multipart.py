"""Reading a ``multipart/form-data`` body (the direct upload) without python-multipart,
which is not among the server's dependencies.

The body is spooled to a private file as it arrives, counted against a limit (a chunked
body declares no length), then split at its boundary through ``mmap``: a 100 MB
recording is never held in memory, and a part is a byte range of the spool that is
copied into storage as it is read. Malformed bodies raise ``FormError`` with a sentence
for the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import mmap
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from starlette.requests import ClientDisconnect, Request

from voxdesk.server.core.private_files import open_private

MAX_PARTS = 20
MAX_HEADER_BYTES = 16 * 1024
READ_CHUNK = 256 * 1024


class FormError(Exception):
    """The body is not a readable multipart form; the message says why."""


class FormTooLarge(FormError):
    pass


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    content_type: str | None
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


def boundary_of(content_type: str) -> bytes:
    """The boundary a ``multipart/form-data`` Content-Type names."""
    header = Message()
    header["content-type"] = content_type
    if header.get_content_type() != "multipart/form-data":
        raise FormError("The direct upload must be a multipart/form-data request.")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise FormError("The multipart/form-data Content-Type has no usable boundary.")
    return boundary.encode("latin-1", "replace")


class SpooledForm:
    """A form spooled to ``path``; delete it with ``close``."""

    def __init__(self, path: Path, parts: list[FormPart]) -> None:
        self.path = path
        self.parts = parts

    def field(self, name: str) -> FormPart | None:
        return next((part for part in self.parts if part.name == name), None)

    def text(self, part: FormPart) -> str:
        if part.size > MAX_HEADER_BYTES * 4:
            raise FormError(f"The form field {part.name!r} is too long.")
        with self.path.open("rb") as handle:
            handle.seek(part.start)
            raw = handle.read(part.size)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FormError(f"The form field {part.name!r} is not UTF-8 text.") from None

    async def chunks(self, part: FormPart) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(self.path.open, "rb")
        try:
            await asyncio.to_thread(handle.seek, part.start)
            remaining = part.size
            while remaining > 0:
                chunk = await asyncio.to_thread(handle.read, min(READ_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    def head(self, part: FormPart, size: int) -> bytes:
        with self.path.open("rb") as handle:
            handle.seek(part.start)
            return handle.read(min(size, part.size))

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


async def read_form(request: Request, spool: Path, limit: int) -> SpooledForm:
    """The request's form, spooled to ``spool``; ``FormTooLarge`` past ``limit`` bytes."""
    boundary = boundary_of(request.headers.get("content-type", ""))
    size = 0
    try:
        with open_private(spool) as handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise FormTooLarge(f"The upload is larger than {limit} bytes.")
                await asyncio.to_thread(handle.write, chunk)
        parts = await asyncio.to_thread(_split, spool, boundary)
    except ClientDisconnect:
        spool.unlink(missing_ok=True)
        raise FormError("The upload ended before all of it arrived.") from None
    except BaseException:
        spool.unlink(missing_ok=True)
        raise
    return SpooledForm(spool, parts)


def _split(path: Path, boundary: bytes) -> list[FormPart]:
    delimiter = b"--" + boundary
    with path.open("rb") as handle, contextlib.ExitStack() as stack:
        if path.stat().st_size == 0:
            raise FormError("The multipart body is empty.")
        view = stack.enter_context(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        position = view.find(delimiter)
        if position < 0:
            raise FormError("The multipart body does not contain its boundary.")
        parts: list[FormPart] = []
        while True:
            after = position + len(delimiter)
            if view[after : after + 2] == b"--":
                return parts
            if view[after : after + 2] != b"\r\n":
                raise FormError("The multipart body is malformed after a boundary.")
            if len(parts) == MAX_PARTS:
                raise FormError(f"The form has more than {MAX_PARTS} parts.")
            headers_end = view.find(b"\r\n\r\n", after + 2, after + 2 + MAX_HEADER_BYTES)
            if headers_end < 0:
                raise FormError("A part of the multipart body has no end to its headers.")
            headers = view[after + 2 : headers_end].decode("utf-8", "replace")
            start = headers_end + 4
            end = view.find(b"\r\n" + delimiter, start)
            if end < 0:
                raise FormError("The multipart body ends without its closing boundary.")
            parts.append(_part(headers, start, end))
            position = end + 2


def _part(headers: str, start: int, end: int) -> FormPart:
    message = Message()
    for line in headers.split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            message[name.strip()] = value.strip()
    if message.get("content-disposition") is None:
        raise FormError("A part of the multipart body has no Content-Disposition.")
    name = message.get_param("name", header="content-disposition")
    filename = message.get_param("filename", header="content-disposition")
    if not isinstance(name, str):
        raise FormError("A part of the multipart body has no name.")
    content_type = message.get("content-type")
    return FormPart(
        name=name,
        filename=filename if isinstance(filename, str) else None,
        content_type=content_type.strip().lower() if content_type else None,
        start=start,
        end=end,
    )
