"""A small HTTP proxy, on the test's own event loop, that breaks chosen requests.

    proxy = FaultyProxy(server.port, [Fault("PUT", "/storage/", CUT_HALFWAY)])
    await proxy.start()   # point the client at proxy.base_url

It forwards one request per connection (asking the server to close after answering),
and rewrites the presigned upload URLs the server hands out so that the PUTs come
through the proxy too (the signature covers the key, type and expiry, not the host).
A fault applies to the first ``times`` requests whose method matches and whose path
equals ``path`` (or starts with it, when it ends with ``/``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

CUT_HALFWAY = "cut the request body halfway"
ANSWER_503 = "answer 503 without forwarding"
HOLD = "hold the request before forwarding it"  # a short-lived URL expires on the way
SWALLOW_RESPONSE = "forward, then drop the server's answer"
THROTTLE = "forward the body slowly"

PRESIGN_PATH = "/api/external/v1/calls/presigned-url"
CREATE_PATH = "/api/external/v1/calls"
STORAGE_PATH = "/storage/"
#: Vozzo's upload link (``/v1alpha/callintel/{client}/{profile}/create-upload-link``).
UPLOAD_LINK_SUFFIX = "/create-upload-link"


@dataclass
class Fault:
    method: str
    path: str
    action: str
    times: int = 1
    bytes_per_second: int = 0
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0 or method != self.method:
            return False
        return _path_matches(self.path, path)


def _path_matches(pattern: str, path: str) -> bool:
    return path.startswith(pattern) if pattern.endswith("/") else path == pattern


def _error(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class FaultyProxy:
    def __init__(self, upstream_port: int, faults: list[Fault] | None = None) -> None:
        self.upstream_port = upstream_port
        self.faults = list(faults or [])
        self.requests: list[tuple[str, str]] = []
        self.body_bytes: dict[str, int] = {}  # bytes of request bodies forwarded, by path
        self.port = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FaultyProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await self._server.wait_closed()

    def count(self, method: str, path: str) -> int:
        """Requests seen with this method and path (a prefix, when it ends with ``/``)."""
        return sum(1 for m, p in self.requests if m == method and _path_matches(path, p))

    def _take(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path):
                fault.times -= 1
                return fault
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            path = urlsplit(target).path
            headers = [line for line in lines[1:] if line]
            length = next(
                (
                    int(h.split(":", 1)[1])
                    for h in headers
                    if h.lower().startswith("content-length:")
                ),
                0,
            )
            self.requests.append((method, path))
            fault = self._take(method, path)
            action = fault.action if fault else None
            if action == ANSWER_503:
                await reader.readexactly(length)
                writer.write(
                    _error(503, "Service Unavailable", "unavailable", "Try again shortly.")
                )
                await writer.drain()
                return
            if action == HOLD and fault is not None:
                await asyncio.sleep(fault.seconds)
            up_reader, upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            kept = [h for h in headers if not h.lower().startswith("connection:")]
            upstream.write(
                ("\r\n".join([lines[0], *kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")
            )
            sent = 0
            while sent < length:
                chunk = await reader.read(min(64 * 1024, length - sent))
                if not chunk:
                    return
                if action == CUT_HALFWAY and sent + len(chunk) >= length // 2:
                    upstream.write(chunk[: length // 2 - sent])
                    await upstream.drain()
                    writer.transport.abort()
                    upstream.transport.abort()
                    return
                upstream.write(chunk)
                await upstream.drain()
                sent += len(chunk)
                self.body_bytes[path] = self.body_bytes.get(path, 0) + len(chunk)
                if action == THROTTLE and fault is not None:
                    await asyncio.sleep(len(chunk) / fault.bytes_per_second)
            response = await up_reader.read()
            if action == SWALLOW_RESPONSE:
                writer.transport.abort()
                return
            if method == "POST" and (path == PRESIGN_PATH or path.endswith(UPLOAD_LINK_SUFFIX)):
                response = self._through_proxy(response)
            writer.write(response)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._handlers.discard(task)
            for end in (writer, upstream):
                if end is not None and not end.transport.is_closing():
                    end.close()

    def _through_proxy(self, response: bytes) -> bytes:
        """The server's presigned-URL answer, with the upload URL pointing at the proxy."""
        head, _, body = response.partition(b"\r\n\r\n")
        data = json.loads(body)
        if "upload_url" in data:  # Vozzo's upload link
            parts = urlsplit(data["upload_url"])
            data["upload_url"] = urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))
        elif "data" in data:
            parts = urlsplit(data["data"]["presignedUrl"])
            data["data"]["presignedUrl"] = urlunsplit(
                parts._replace(netloc=f"127.0.0.1:{self.port}")
            )
        new_body = json.dumps(data).encode()
        lines = [
            line
            for line in head.decode("latin-1").split("\r\n")
            if not line.lower().startswith("content-length:")
        ]
        lines.append(f"Content-Length: {len(new_body)}")
        return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + new_body
