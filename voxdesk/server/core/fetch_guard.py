"""What the server may fetch a call's ``audio_url`` from (a guard against SSRF).

``audio_url`` comes from whoever holds the API token, and the server fetches it from
inside the machine: without a guard it reaches loopback services, the LAN and cloud
metadata addresses, and its error messages tell which ports are open. So, unless the
user allows private fetches (``--allow-private-fetch``):

* only ``http``/``https`` URLs without a user name or password, on every redirect hop;
* the host is resolved when connecting, every address it resolves to must be public
  (not loopback, private, link-local, multicast, unspecified or reserved), and the
  connection goes to that validated address, so a DNS answer that changes between a
  check and the connect (rebinding) cannot slip a private address in.

The server's own signed storage URLs are fetched by a separate, unguarded client that
never follows redirects (``Pipeline``), so the upload flow works on loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Callable

import httpcore
import httpx

ALLOWED_SCHEMES = ("http", "https")


class RefusedTarget(httpcore.ConnectError):
    """The host resolves to an address the server may not fetch from."""


class RefusedUrl(Exception):
    """The URL (or a redirect's) has a scheme or userinfo the server never fetches."""


def is_public(address: str) -> bool:
    """Whether an IP address is one a server on this machine may fetch from."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Resolves a host itself, refuses it unless every address is public, and connects
    to the validated address (TLS still verifies and sends the URL's host name)."""

    def __init__(self, is_allowed: Callable[[str], bool] = is_public) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._is_allowed = is_allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or not all(self._is_allowed(address) for address in addresses):
            raise RefusedTarget(f"{host} is not a public address")
        error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def check_request_url(request: httpx.Request) -> None:
    """An event hook, so it runs for the first request and for every redirect."""
    if request.url.scheme not in ALLOWED_SCHEMES:
        raise RefusedUrl("only http and https URLs are fetched")
    if request.url.userinfo:
        raise RefusedUrl("URLs with a user name or password are not fetched")


def guarded_client(
    timeout: httpx.Timeout,
    *,
    allow_private: bool,
    is_allowed: Callable[[str], bool] = is_public,
) -> httpx.AsyncClient:
    """The client for callers' URLs: redirects followed, every hop checked.
    ``is_allowed`` judges each resolved address (tests narrow it to one loopback IP)."""
    transport = httpx.AsyncHTTPTransport()
    if not allow_private:
        # httpx does not take a network backend; its pool does (checked by
        # tests/server/test_server_fetch_policy.py, which fails if this stops applying).
        transport._pool._network_backend = PublicOnlyBackend(is_allowed)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=transport,
        follow_redirects=True,
        max_redirects=5,
        # An environment proxy would connect on our behalf and bypass the address check.
        trust_env=False,
        event_hooks={"request": [check_request_url]},
    )


def own_storage_client(timeout: httpx.Timeout) -> httpx.AsyncClient:
    """The client for the server's own signed storage URLs, which it builds itself."""
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
