"""Each platform's connection settings: a pydantic model a form or the CLI reads."""

from __future__ import annotations

import pytest

from voxdesk.providers.registry import entries, make_provider
from voxdesk.providers.settings import settings_fields
from voxdesk.providers.voicecalls import VoiceCallsProvider, VoiceCallsSettings


@pytest.mark.parametrize("found", entries(), ids=lambda e: e.platform)
def test_every_field_has_a_title_and_the_token_is_secret(found) -> None:
    fields = {f.name: f for f in settings_fields(found.settings_model)}
    assert fields["base_url"].required and not fields["base_url"].secret
    assert fields["token"].secret and fields["token"].type_name == "str"
    assert all(f.title and f.description for f in fields.values())


def test_the_voice_bot_settings_form() -> None:
    assert [(f.name, f.title, f.required) for f in settings_fields(VoiceCallsSettings)] == [
        ("base_url", "Base URL", True),
        ("token", "API token", True),
    ]


async def test_make_provider_from_plain_values() -> None:
    provider = make_provider(
        "voicecalls", {"base_url": "https://bots.example/ ", "token": "s3cret-token"}
    )
    try:
        assert isinstance(provider, VoiceCallsProvider)
        assert provider.http.base_url == "https://bots.example"
        assert "s3cret-token" not in repr(provider.settings)
    finally:
        await provider.aclose()


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"base_url": "bots.example", "token": "settings-test-token"}, "base_url: .*not an http"),
        ({"base_url": "https://bots.example"}, "token: Field required"),
        (
            {"base_url": "https://b.example", "token": "settings-test-token", "org": "x"},
            "org: Extra inputs",
        ),
    ],
)
def test_bad_settings_name_the_field(values, problem: str) -> None:
    with pytest.raises(ValueError, match=f"Voice-bot platform connection, {problem}"):
        make_provider("voicecalls", values)


def test_an_unknown_platform_is_named() -> None:
    with pytest.raises(ValueError, match="does not know the platform 'voxxo'"):
        make_provider("voxxo", {})
