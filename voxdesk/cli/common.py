"""What every ``voxdesk`` command shares: exit codes, errors, and reaching the platform.

The exit codes are documented in the README's "Command line" section; a script can tell
"the platform could not be asked" (3, 4) from "it was asked and something failed" (1).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from voxdesk.providers.errors import AuthError, NetworkError, ProviderError
from voxdesk.services import paths
from voxdesk.services.calls import CallService
from voxdesk.services.catalog import CallCatalog
from voxdesk.services.connections import TOKEN_ENV, ConnectionStore, CredentialStore
from voxdesk.services.factory import make_provider

BASE_URL_ENV = "VOXDESK_BASE_URL"

EXIT_OK = 0
#: The platform was asked, and something failed (an upload, an analysis, an unknown call).
EXIT_FAILED = 1
#: The command line was wrong: bad arguments, no such file, no connection to use.
EXIT_USAGE = 2
#: The platform could not be reached (offline, wrong address, server down).
EXIT_UNREACHABLE = 3
#: The platform refused the token.
EXIT_REFUSED = 4
#: ``upload``: a file was already uploaded (``--again`` uploads it once more).
EXIT_ALREADY_UPLOADED = 5
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake on the command line, found before anything is sent; exit code 2."""


def exit_code_for(error: ProviderError) -> int:
    """Whether the platform could not be asked (3, 4) or answered with a failure (1)."""
    if isinstance(error, AuthError):
        return EXIT_REFUSED
    if isinstance(error, NetworkError):
        return EXIT_UNREACHABLE
    return EXIT_FAILED


def check_base_url(url: str) -> str:
    """The URL as given, or a ``UsageError`` saying why it is not a platform address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--base-url {url!r} is not a URL: expected http://HOST[:PORT] or https://HOST"
        )
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise UsageError(f"--base-url {url!r} is not a URL: its port is not a number") from None
    return url


def connection_store() -> ConnectionStore:
    return ConnectionStore(paths.config_dir() / "connections.json")


@dataclass(frozen=True)
class Target:
    """The platform a command talks to: from flags and env, or a saved connection."""

    #: The catalog's key for its calls: the connection's id, or the base URL.
    key: str
    platform: str
    base_url: str
    token: str | None
    settings: Mapping[str, Any] = field(default_factory=dict)


def resolve(options: argparse.Namespace) -> Target:
    """The target from flags, env, or the saved connection."""
    if options.base_url and not options.connection:
        token = options.token or os.environ.get(TOKEN_ENV)
        return Target(options.base_url, options.platform, check_base_url(options.base_url), token)
    store = connection_store()
    connection = store.find(options.connection) if options.connection else store.active()
    if connection is None:
        if options.connection:
            raise UsageError(f"no connection named {options.connection!r}")
        raise UsageError(
            "no connection: pass --base-url and --token (or set "
            f"{BASE_URL_ENV}/{TOKEN_ENV}), or save one with 'voxdesk connections add'"
        )
    token = options.token or CredentialStore().get(connection.id)
    return Target(
        connection.id, connection.platform, connection.base_url, token, connection.settings
    )


async def with_service(
    options: argparse.Namespace,
    work: Callable[[CallService], Awaitable[int]],
    target: Target | None = None,
) -> int:
    """Run ``work`` with a ``CallService`` on the chosen connection, closed afterwards."""
    target = target or resolve(options)
    provider = make_provider(target.platform, target.base_url, target.token, target.settings)
    catalog = CallCatalog(paths.catalog_path())
    await catalog.open()
    try:
        return await work(CallService(target.key, provider, catalog))
    finally:
        await provider.aclose()
        await catalog.close()
