"""The interface every platform implements.

The five platforms differ widely (see ``shared/api-contracts``): Voxxi creates calls
from an audio URL and scores them by section but has no list endpoint; the voice-bot
platform lists calls with transcripts and survey results and hands out 15-minute
recording URLs; Voxpria places calls; Vozzo uploads through presigned links and
analyses per use case; VOIX ingests calls from a phone system in two beats. So every
provider reads a call, and each optional operation is a protocol
(``voxdesk.providers.protocols``) a provider implements or lacks; its ``capabilities``
are read off the class, never declared by hand.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, TypeVar

from voxdesk.domain import Call, CallRef, Recording
from voxdesk.providers.errors import UnsupportedOperation
from voxdesk.providers.http import HttpClient
from voxdesk.providers.protocols import (
    PROTOCOLS,
    Capability,
    SupportsPlaybackUrl,
    capabilities_of,
)
from voxdesk.providers.queries import CallPage, CallQuery, CreatedCall
from voxdesk.providers.settings import ConnectionSettings, TokenSettings

__all__ = [
    "CallPage",
    "CallQuery",
    "Capability",
    "CreatedCall",
    "Provider",
    "require",
]


class Provider(ABC):
    """One platform account, reached through one HTTP client."""

    platform: ClassVar[str]
    #: What a connection to this platform needs (rendered as a form / CLI options).
    settings_model: ClassVar[type[ConnectionSettings]] = TokenSettings
    #: Its call list takes ``date_from``/``date_to``, so a refresh can ask for only what
    #: is new; a list that takes no filter (Voxpria's) is paged through whole.
    filters_calls_by_date: ClassVar[bool] = True

    def __init__(self, http: HttpClient, settings: ConnectionSettings | None = None) -> None:
        self.http = http
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, **http_options: object) -> Provider:
        """A provider for one connection; ``http_options`` go to ``HttpClient`` (a test's
        retry policy or transport)."""
        http = HttpClient(
            settings.base_url,
            settings.token_value(),
            auth_scheme=settings.auth_scheme,
            **http_options,  # type: ignore[arg-type]
        )
        return cls(http, settings)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(type(self))

    def supports(self, capability: Capability) -> bool:
        return isinstance(self, PROTOCOLS[capability])

    def call_ref(self, call: Call) -> CallRef:
        """The call's stable reference, ``"<platform>:<id>"`` once encoded."""
        return CallRef.from_key(self.platform, call.id)

    @abstractmethod
    async def get_call(self, call_id: str) -> Call:
        """The call with its current status and, once completed, its analysis."""

    async def playback(self, call: Call) -> Recording | None:
        """A playable URL for the call's recording: a fresh one where the platform hands
        them out on request, else the one the call carries."""
        if isinstance(self, SupportsPlaybackUrl):
            return await self.recording_url(call.id)
        return call.recording

    async def aclose(self) -> None:
        await self.http.aclose()


ProtocolT = TypeVar("ProtocolT")


def require(provider: Provider, protocol: type[ProtocolT], what: str) -> ProtocolT:
    """``provider`` as an implementation of ``protocol``, or a plain-words
    ``UnsupportedOperation`` naming ``what`` the caller wanted to do."""
    if not isinstance(provider, protocol):
        raise UnsupportedOperation(f"{provider.platform} does not support {what}.")
    return provider
