"""What a provider declares is what it implements: capabilities are read off the
protocols its class satisfies, and nothing half-implemented is registered."""

from __future__ import annotations

import inspect

import pytest

from voxdesk.providers.base import Provider, require
from voxdesk.providers.errors import UnsupportedOperation
from voxdesk.providers.http import HttpClient
from voxdesk.providers.protocols import (
    PROTOCOLS,
    Capability,
    SupportsSurvey,
    SupportsUpload,
    capabilities_of,
    check_capabilities,
    protocol_methods,
)
from voxdesk.providers.registry import entries, entry, register

ENTRIES = entries()


def test_the_base_class_implements_no_optional_operation() -> None:
    """Otherwise every provider would claim it."""
    assert capabilities_of(Provider) == frozenset()
    for protocol in PROTOCOLS.values():
        for name in protocol_methods(protocol):
            assert not hasattr(Provider, name), name


@pytest.mark.parametrize("found", ENTRIES, ids=lambda e: e.platform)
def test_every_declared_operation_is_written_by_the_provider(found) -> None:
    for capability in found.capabilities:
        for name in protocol_methods(PROTOCOLS[capability]):
            method = getattr(found.provider_class, name)
            assert inspect.iscoroutinefunction(method), f"{name} must be async"
            owner = next(c for c in found.provider_class.__mro__ if name in vars(c))
            assert issubclass(owner, Provider) and owner is not Provider


@pytest.mark.parametrize("found", ENTRIES, ids=lambda e: e.platform)
def test_every_undeclared_operation_is_absent(found) -> None:
    for capability in set(Capability) - found.capabilities:
        for name in protocol_methods(PROTOCOLS[capability]):
            assert not hasattr(found.provider_class, name), f"{found.platform}.{name}"


@pytest.mark.parametrize("found", ENTRIES, ids=lambda e: e.platform)
async def test_an_instance_supports_exactly_its_class_capabilities(found) -> None:
    settings = {"base_url": "http://127.0.0.1:9", "token": "capability-test-token"}
    provider = found.provider_class.from_settings(found.settings_model.model_validate(settings))
    try:
        assert provider.capabilities == found.capabilities
        for capability in Capability:
            assert provider.supports(capability) is (capability in found.capabilities)
    finally:
        await provider.aclose()


def test_the_platforms_can_do_what_their_contracts_offer() -> None:
    assert entry("voxxi").capabilities == {
        Capability.CREATE_CALLS,
        Capability.UPLOAD,
        Capability.PLAYBACK_URL,
    }
    assert entry("local").capabilities > entry("voxxi").capabilities
    assert entry("voicecalls").capabilities == {
        Capability.LIST_CALLS,
        Capability.PLAYBACK_URL,
        Capability.SURVEY_RESULTS,
    }
    # VOIX's contract offers ingest only; its members are the ones the connection keeps
    # (VOIX has no endpoint listing them), so the list can name agents; a recording is
    # played through the lifecycle extension where the server has it (the local one).
    assert entry("voix").capabilities == {
        Capability.INGEST,
        Capability.LIST_MEMBERS,
        Capability.PLAYBACK_URL,
    }


class _HalfUploader(Provider):
    platform = "half"

    async def get_call(self, call_id: str):
        raise NotImplementedError

    async def request_upload(self, filename: str, content_type: str, size: int):
        raise NotImplementedError


def test_a_provider_implementing_part_of_an_operation_is_refused() -> None:
    with pytest.raises(TypeError, match="implements upload in part: it lacks upload"):
        check_capabilities(_HalfUploader)
    with pytest.raises(TypeError):
        register(_HalfUploader, "Half")
    assert "half" not in {e.platform for e in entries()}
    assert not issubclass(_HalfUploader, SupportsUpload)


async def test_asking_an_unsupported_operation_says_so_in_plain_words() -> None:
    provider = entry("voxxi").provider_class(
        HttpClient("http://127.0.0.1:9", "capability-test-token")
    )
    try:
        with pytest.raises(UnsupportedOperation, match="voxxi does not support survey results"):
            require(provider, SupportsSurvey, "survey results")
        assert require(provider, SupportsUpload, "uploads") is provider
    finally:
        await provider.aclose()
