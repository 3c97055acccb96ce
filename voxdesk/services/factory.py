"""Builds the provider for a connection, through the platform registry
(``voxdesk.providers.registry``): the connection's platform, base URL, token and its
platform's own settings (``Connection.settings``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voxdesk.providers import registry
from voxdesk.providers.base import Provider
from voxdesk.providers.http import HttpClient

#: The platforms a connection may name, in the order they are offered.
PLATFORMS = tuple(entry.platform for entry in registry.entries())


def make_provider(
    platform: str,
    base_url: str,
    token: str | None,
    settings: Mapping[str, Any] | None = None,
) -> Provider:
    """A provider for one connection; a bad setting raises a ``ValueError`` naming it."""
    entry = registry.entry(platform)
    if token is None and "token" in entry.settings_model.model_fields:
        # No token known: send none and let the platform refuse (an ``AuthError``, a
        # plain "token refused"), rather than fail here before anything was asked.
        return entry.provider_class(HttpClient(base_url, None))
    values = {**(settings or {}), "base_url": base_url}
    if token is not None:
        values["token"] = token
    return registry.make_provider(platform, values)
