"""The platforms voxdesk can connect to: for each, its provider class, its settings
model (what a connection needs) and, read off the class, what it can do.

Registering checks the provider's capabilities (``check_capabilities``), so a provider
that implements half of an operation is refused at import, not found out in the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as SettingsError

from voxdesk.providers.base import Provider
from voxdesk.providers.protocols import Capability, capabilities_of, check_capabilities
from voxdesk.providers.settings import ConnectionSettings
from voxdesk.providers.voicecalls import VoiceCallsProvider
from voxdesk.providers.voix import VoixProvider
from voxdesk.providers.voxpria import VoxpriaProvider
from voxdesk.providers.voxxi import LocalProvider, VoxxiProvider
from voxdesk.providers.vozzo import VozzoProvider


@dataclass(frozen=True)
class PlatformEntry:
    platform: str
    title: str
    provider_class: type[Provider]

    @property
    def settings_model(self) -> type[ConnectionSettings]:
        return self.provider_class.settings_model

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.provider_class)


_ENTRIES: dict[str, PlatformEntry] = {}


def register(provider_class: type[Provider], title: str) -> PlatformEntry:
    check_capabilities(provider_class)
    if provider_class.platform in _ENTRIES:
        raise ValueError(f"the platform {provider_class.platform!r} is registered already")
    entry = PlatformEntry(provider_class.platform, title, provider_class)
    _ENTRIES[entry.platform] = entry
    return entry


def entries() -> tuple[PlatformEntry, ...]:
    """Every platform, in the order a connection dialog offers them."""
    return tuple(_ENTRIES.values())


def entry(platform: str) -> PlatformEntry:
    try:
        return _ENTRIES[platform]
    except KeyError:
        raise ValueError(f"voxdesk does not know the platform {platform!r}") from None


def make_provider(
    platform: str, settings: ConnectionSettings | Mapping[str, Any], **http_options: object
) -> Provider:
    """A provider for one connection. ``settings`` may be the platform's settings model
    or plain values (from a form, the CLI, a saved connection); bad values raise a
    ``ValueError`` that names the field and the problem."""
    found = entry(platform)
    if not isinstance(settings, found.settings_model):
        try:
            settings = found.settings_model.model_validate(dict(settings))  # type: ignore[arg-type]
        except SettingsError as exc:
            problem = exc.errors()[0]
            field = ".".join(str(part) for part in problem["loc"]) or "settings"
            raise ValueError(f"{found.title} connection, {field}: {problem['msg']}") from None
    return found.provider_class.from_settings(settings, **http_options)


register(LocalProvider, "voxdesk local server")
register(VoxxiProvider, "Voxxi")
register(VoiceCallsProvider, "Voice-bot platform")
register(VoxpriaProvider, "Voxpria")
register(VoixProvider, "VOIX")
register(VozzoProvider, "Vozzo")
