"""What the desk offers for the connected platform, read off what its provider
implements (``Provider.supports``), never off its name: a platform that cannot take
uploads gets no upload action, no Ctrl+U and no drop target; one with post-call
surveys shows them where Voxxi shows section scores.
"""

from __future__ import annotations

from voxdesk.providers.base import Capability, Provider

#: Why a platform takes no uploads, where there is more to say than that it cannot.
UPLOAD_REFUSALS = {
    "voicecalls": "Voice-bot calls can't be uploaded: this platform records its own calls.",
    "vozzo": "Vozzo recordings go into a use case: drop them on its list in "
    "File ▸ Vozzo use cases…",
}


def upload_refusal(provider: Provider | None) -> str | None:
    """The sentence a file dropped on this platform's desk gets, or ``None`` when the
    platform takes uploads (or nothing is connected: the upload flow says so itself)."""
    if provider is None or provider.supports(Capability.UPLOAD):
        return None
    return UPLOAD_REFUSALS.get(
        provider.platform, "Recordings can't be uploaded to this platform from voxdesk."
    )


def sends_to_voix(provider: Provider | None) -> bool:
    """Whether dropped recordings and File ▸ Send call log… go to VOIX (which takes
    calls in beats, no upload) rather than to the upload queue."""
    return provider is not None and provider.supports(Capability.INGEST)


def shows_surveys(provider: Provider | None) -> bool:
    """Whether the right-hand pane shows the post-call survey instead of section scores."""
    return provider is not None and provider.supports(Capability.SURVEY_RESULTS)
