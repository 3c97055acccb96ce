"""The server's small pure pieces: date rules, byte ranges, audio sniffing, URL
signatures, storage keys and atomic writes, and log redaction."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

import pytest

from tests.support.audio import wav_bytes
from voxdesk.server.core.paging import positive_whole_number
from voxdesk.server.core.ranges import Unsatisfiable, parse_range
from voxdesk.server.core.signing import UrlSigner, Verdict
from voxdesk.server.core.storage import (
    NotAudio,
    Storage,
    TooLarge,
    UnsafeKey,
    check_raw_path,
    sanitise_filename,
    sniff_audio,
)
from voxdesk.server.dates import DateFormatError, parse_call_date, parse_range_bound
from voxdesk.server.logs import RedactingFormatter
from voxdesk.server.platforms.voxxi.calls import display_name


def test_date_only_means_nine_in_the_morning_in_india():
    assert parse_call_date("2026-03-05").isoformat() == "2026-03-05T03:30:00+00:00"
    assert parse_call_date("2026-12-31T23:00:00").isoformat() == "2026-12-31T17:30:00+00:00"


@pytest.mark.parametrize(
    "bad", ["", "2026-13-01", "2026-02-29", "05-03-26", "2026.03.05", "05/03/2026 25:00", "now"]
)
def test_bad_dates_are_refused(bad):
    with pytest.raises(DateFormatError):
        parse_call_date(bad)


def test_range_bounds_cover_whole_ist_days():
    assert parse_range_bound("2026-03-05", end=False).isoformat() == "2026-03-04T18:30:00+00:00"
    end = parse_range_bound("2026-03-05", end=True)
    assert end.isoformat() == "2026-03-05T18:29:59.999999+00:00"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=9-3", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=200-300"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (wav_bytes(0.01)[:12], "wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00", "mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 8, "mp3"),
        (b"OggS\x00\x02" + b"\x00" * 6, "ogg"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 8, "webm"),
        (b"fLaC\x00\x00\x00\x22" + b"\x00" * 4, "flac"),
        (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
        (b"<html><body>", None),
        (b"RIFF\x00\x00\x00\x00AVI ", None),
        (b"", None),
    ],
)
def test_sniff_audio(head, kind):
    assert sniff_audio(head) == kind


def test_signatures_cover_method_key_type_and_expiry():
    signer = UrlSigner(b"s" * 32)
    sig = signer.sign("PUT", "uploads/a/b.wav", "audio/wav", 2_000)
    assert signer.verify("PUT", "uploads/a/b.wav", "audio/wav", "2000", sig, now=1_000) is (
        Verdict.VALID
    )
    assert signer.verify("PUT", "uploads/a/b.wav", "audio/wav", "2000", sig, now=3_000) is (
        Verdict.EXPIRED
    )
    for method, key, ctype, expires in (
        ("GET", "uploads/a/b.wav", "audio/wav", "2000"),
        ("PUT", "uploads/a/c.wav", "audio/wav", "2000"),
        ("PUT", "uploads/a/b.wav", "audio/mpeg", "2000"),
        ("PUT", "uploads/a/b.wav", "audio/wav", "2001"),
        ("PUT", "uploads/a/b.wav", "audio/wav", None),
    ):
        assert signer.verify(method, key, ctype, expires, sig, now=1_000) is Verdict.INVALID
    assert UrlSigner(b"t" * 32).verify(
        "PUT", "uploads/a/b.wav", "audio/wav", "2000", sig, now=1_000
    ) is (Verdict.INVALID)


@pytest.mark.parametrize(
    "key", ["../x", "a/../b", "/etc/passwd", "a\\b", "a\x00b", ".hidden", "a//b", "", "a/./b"]
)
def test_unsafe_keys(tmp_path, key):
    with pytest.raises(UnsafeKey):
        Storage(tmp_path / "storage", tmp_path / "tmp").path_for(key)


@pytest.mark.parametrize("raw", [b"/storage/%2e%2e/x", b"/storage/a%2Fb", b"/s/%5c", b"/s/%00"])
def test_encoded_tricks_in_raw_paths(raw):
    with pytest.raises(UnsafeKey):
        check_raw_path(raw)


def test_sanitised_file_names():
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\calls\\Mon 9am.WAV") == "Mon_9am.WAV"
    assert sanitise_filename("...") == "recording"


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_writes_are_atomic_and_refusals_leave_nothing(tmp_path):
    storage = Storage(tmp_path / "storage", tmp_path / "tmp")
    audio = wav_bytes(0.1)
    size = await storage.write_stream(
        "k/ok.wav",
        _chunks(audio[:5], audio[5:]),
        audio_format="wav",
        max_bytes=10_000,
        expected=len(audio),
    )
    assert size == len(audio)
    assert (tmp_path / "storage" / "k" / "ok.wav").read_bytes() == audio
    with pytest.raises(TooLarge):  # a body longer than it claimed, caught mid-stream
        await storage.write_stream(
            "k/big.wav",
            _chunks(audio, audio),
            audio_format="wav",
            max_bytes=len(audio) + 10,
            expected=None,
        )
    with pytest.raises(NotAudio):
        await storage.write_stream("k/txt.wav", _chunks(b"hello world, plain text"),
                                   audio_format="wav", max_bytes=10_000, expected=None)  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "storage").rglob("*") if p.is_file()) == ["ok.wav"]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_redacting_formatter_hides_token_signatures_and_bearer_values():
    formatter = RedactingFormatter("%(message)s", secrets=["tok-123"])
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1,
        "GET /storage/a?expires=1&signature=abcdef01 Bearer xyz tok-123", None, None,
    )  # fmt: skip
    text = formatter.format(record)
    assert "abcdef01" not in text and "tok-123" not in text and "xyz" not in text
    assert "signature=[redacted]" in text


def test_display_names_from_emails():
    assert display_name("jane.doe@acme.test") == "Jane Doe"
    assert display_name("r_k-smith+qa@acme.test") == "R K Smith Qa"


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("007", 7), ("200", 200)])
def test_a_page_number_in_range_is_read(text, value):
    assert positive_whole_number(text, 200) == value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0", "must be between 1 and 200, got 0."),
        ("201", "must be between 1 and 200, got 201."),
        ("9" * 5000, "must be between 1 and 200"),  # refused without converting
        ("-1", "is not a whole number"),
        ("1.5", "is not a whole number"),
        ("²", "is not a whole number"),
        ("", "is not a whole number"),
    ],
)
def test_a_page_number_out_of_range_or_not_digits_is_refused(text, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        positive_whole_number(text, 200)
