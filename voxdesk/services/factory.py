"""Builds the provider for a connection."""

from __future__ import annotations

from voxdesk.providers.base import Provider
from voxdesk.providers.http import HttpClient
from voxdesk.providers.voxxi import LocalProvider, VoxxiProvider

_PROVIDERS: dict[str, type[Provider]] = {
    LocalProvider.platform: LocalProvider,
    VoxxiProvider.platform: VoxxiProvider,
}
#: The platforms a connection may name, in the order they are offered.
PLATFORMS = tuple(_PROVIDERS)


def make_provider(platform: str, base_url: str, token: str | None) -> Provider:
    try:
        provider_type = _PROVIDERS[platform]
    except KeyError:
        raise ValueError(f"voxdesk does not know the platform {platform!r}") from None
    return provider_type(HttpClient(base_url, token))
