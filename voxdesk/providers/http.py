"""The one HTTP layer every provider uses: auth, timeouts, safe retries, typed errors.

Retries follow one rule: replay a request only when replaying cannot do something
twice. A connection that was never established is always safe to retry; a 429 means
the server did not act; 502/503/504 are retried only for idempotent requests. A create
call whose answer was lost is never blindly replayed: the caller gets a
``NetworkError``/``Timeout`` with ``request_sent=True`` and reconciles instead.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from voxdesk.providers.errors import (
    AuthError,
    MalformedResponse,
    NetworkError,
    NotFound,
    ProviderError,
    RateLimited,
    ServerError,
    Timeout,
    ValidationError,
)
from voxdesk.providers.redaction import install_log_redaction, redact_url, register_secret

log = logging.getLogger("voxdesk.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})
UPLOAD_CHUNK_BYTES = 512 * 1024  # 256 KiB–1 MiB: smaller chunks halve throughput on qasync


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


API_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)
# Uploads push up to 100 MB: each write may wait on a slow uplink far longer than an API
# call, but a connect that hangs is as dead as anywhere else.
UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=120.0, pool=10.0)

ProgressCallback = Callable[[int, int], None]


class HttpClient:
    """An authenticated JSON client for one platform base URL."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        auth_scheme: str = "Bearer",
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = API_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        install_log_redaction()
        if token:
            register_secret(token)
        headers = {"Accept": "application/json", "User-Agent": "voxdesk"}
        if token:
            # An empty scheme sends the key alone (``Authorization: <key>``, one of Vozzo's forms).
            headers["Authorization"] = f"{auth_scheme} {token}" if auth_scheme else token
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._client = httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )
        # Presigned URLs carry their own authorisation: never send our token there.
        self._storage = httpx.AsyncClient(timeout=UPLOAD_TIMEOUT, transport=transport)

    async def aclose(self) -> None:
        await asyncio.gather(self._client.aclose(), self._storage.aclose())

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON body, or raise a ``ProviderError``."""
        return decode_json(
            await self._request(method, path, json=json, params=params, idempotent=idempotent)
        )

    async def request_bytes(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None
    ) -> bytes:
        """``request_json`` without the decoding: the body as it came, for a caller that
        parses it (``parse_json_answer``) away from the event loop's thread."""
        return (await self._request(method, path, params=params)).content

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        method = method.upper()
        idempotent = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        return await self._send_with_retries(
            lambda: self._client.request(method, path, json=json, params=clean_params),
            method=method,
            target=path,
            idempotent=idempotent,
        )

    async def request_multipart(
        self,
        method: str,
        path: str,
        *,
        data: Mapping[str, str],
        file_field: str,
        path_on_disk: Path,
        content_type: str,
    ) -> Any:
        """Send a form with one file (a create: never replayed once sent); the decoded
        JSON answer. The file is read whole: this serves small one-request uploads."""
        content = await asyncio.to_thread(path_on_disk.read_bytes)

        def send() -> Any:
            files = {file_field: (path_on_disk.name, content, content_type)}
            return self._client.request(method, path, data=dict(data), files=files)

        response = await self._send_with_retries(
            send, method=method.upper(), target=path, idempotent=False
        )
        return decode_json(response)

    async def put_file(
        self,
        url: str,
        path: Path,
        content_type: str,
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = UPLOAD_CHUNK_BYTES,
    ) -> None:
        """Stream a file to a presigned URL. A retry re-opens the file (a consumed
        generator cannot be replayed) and sends the exact signed content type with an
        explicit Content-Length, as presigned stores require."""
        size = path.stat().st_size

        async def send() -> httpx.Response:
            return await self._storage.put(
                url,
                content=_read_chunks(path, chunk_size, size, progress),
                headers={"Content-Type": content_type, "Content-Length": str(size)},
            )

        response = await self._send_with_retries(
            send, method="PUT", target=redact_url(url), idempotent=True
        )
        raise_for_status(response)

    async def _send_with_retries(
        self,
        send: Callable[[], Any],
        *,
        method: str,
        target: str,
        idempotent: bool,
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.retry.attempts
            try:
                response: httpx.Response = await send()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server: always safe to try again.
                if last:
                    raise _network_error(exc, request_sent=False) from exc
                delay = self.retry.backoff(attempt)
            except httpx.TransportError as exc:
                # Sent, answer lost: replaying a create call could create it twice.
                if last or not idempotent:
                    raise _network_error(exc, request_sent=True) from exc
                delay = self.retry.backoff(attempt)
            else:
                if response.status_code == 429 and not last:
                    delay = min(
                        retry_after_seconds(response) or self.retry.backoff(attempt),
                        self.retry.max_retry_after,
                    )
                elif response.status_code in RETRYABLE_STATUSES and idempotent and not last:
                    delay = self.retry.backoff(attempt)
                else:
                    raise_for_status(response)
                    return response
                log.info(
                    "%s %s answered %s; retrying in %.1f s",
                    method,
                    redact_url(str(response.request.url)),
                    response.status_code,
                    delay,
                )
            log.debug("%s %s attempt %d failed; retrying in %.1f s", method, target, attempt, delay)
            await asyncio.sleep(delay)


async def _read_chunks(
    path: Path, chunk_size: int, size: int, progress: ProgressCallback | None
) -> AsyncIterator[bytes]:
    sent = 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            sent += len(chunk)
            yield chunk
            if progress is not None:
                progress(sent, size)


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def server_message(response: httpx.Response) -> str | None:
    """The human message in an error body, whichever envelope the platform uses."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        for key in ("error", "message", "detail"):
            if isinstance(body.get(key), str):
                return body[key]
    return None


def raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    message = server_message(response)
    if status == 401:
        said = f" ({message.rstrip('.')})" if message else ""
        raise AuthError(
            f"The server refused the access token{said}. Check the connection's token.",
            status=status,
        )
    if status == 403:
        raise AuthError(message or "The server refused access to this resource.", status=status)
    if status == 404:
        raise NotFound(message or "The server has no such item.", status=status)
    if status == 429:
        raise RateLimited(
            message or "The server is rate-limiting requests; try again shortly.",
            retry_after=retry_after_seconds(response),
        )
    if 400 <= status < 500:
        raise ValidationError(
            message or f"The server refused the request ({status}).", status=status
        )
    raise ServerError(
        message or f"The server failed ({status}); try again in a moment.", status=status
    )


NOT_JSON = "The server answered with something that is not JSON; is the base URL right?"


def decode_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise MalformedResponse(NOT_JSON, status=response.status_code) from exc


def _network_error(exc: httpx.TransportError, *, request_sent: bool) -> ProviderError:
    if isinstance(exc, httpx.TimeoutException):
        what = "connecting to" if not request_sent else "waiting for"
        return Timeout(f"Timed out {what} the server.", request_sent=request_sent)
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(
            "Cannot reach the server: it may be offline or the address may be wrong.",
            request_sent=False,
        )
    return NetworkError(
        "The connection to the server broke before it answered.", request_sent=request_sent
    )
