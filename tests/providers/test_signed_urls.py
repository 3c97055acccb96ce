"""Reading a signed URL's expiry from the URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voxdesk.providers.signed_urls import url_expiry


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://127.0.0.1:8/storage/a.wav?expires=1795259781&signature=ab",
            datetime.fromtimestamp(1795259781, UTC),
        ),
        (
            "https://b.s3.amazonaws.com/a.wav?AWSAccessKeyId=K&Expires=1700000000&Signature=x",
            datetime.fromtimestamp(1700000000, UTC),
        ),
        (
            "https://b.s3.amazonaws.com/a.wav?X-Amz-Date=20261121T101500Z&X-Amz-Expires=900",
            datetime(2026, 11, 21, 10, 30, tzinfo=UTC),
        ),
        (
            "https://x.blob.core.windows.net/r/vc_1.wav?sv=2024-01-01&se=2024-01-15T10%3A45%3A00Z"
            "&sp=r&sig=abc",
            datetime(2024, 1, 15, 10, 45, tzinfo=UTC),
        ),
        (
            "http://127.0.0.1:8/recordings/voice-calls/vc_1.ogg?se=2026-11-27T11:00:00Z&sig=a",
            datetime(2026, 11, 27, 11, 0, tzinfo=UTC),
        ),
        (
            "https://x.blob.core.windows.net/r/a.wav?se=2024-01-15&sig=a",
            datetime(2024, 1, 15, tzinfo=UTC),
        ),
        ("https://x.blob.core.windows.net/r/a.wav?se=tomorrow&sig=a", None),
        ("https://cdn.example/a.wav", None),
        ("https://cdn.example/a.wav?expires=soon", None),
        ("https://cdn.example/a.wav?X-Amz-Date=bad&X-Amz-Expires=900", None),
    ],
)
def test_url_expiry(url: str, expected: datetime | None) -> None:
    assert url_expiry(url) == expected
