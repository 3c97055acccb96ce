"""Neutral call facts: references that survive a round trip, dispositions apart from
analysis status, E.164 numbers, groupings, submissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from voxdesk.domain import (
    Call,
    CallRef,
    CallStatus,
    Category,
    Direction,
    Disposition,
    Grouping,
    GroupingKind,
    IngestEvent,
    NewCall,
    OutboundCallRequest,
    RecordingSubmission,
    e164_or_none,
    parse_e164,
)


@pytest.mark.parametrize(
    "ref",
    [
        CallRef(platform="voicecalls", parts=("vc_abc123",)),
        CallRef(platform="voix", parts=("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",)),
        CallRef(platform="vozzo", parts=("org-1", "use/case 2", "rec%3")),
        CallRef(platform="local", parts=("a:b", "ünï")),
    ],
)
def test_a_call_ref_survives_encode_and_decode(ref: CallRef) -> None:
    text = ref.encode()
    assert CallRef.decode(text) == ref
    assert CallRef.from_key(ref.platform, ref.key) == ref
    assert text == f"{ref.platform}:{ref.key}"


def test_a_single_part_key_is_the_platforms_own_id() -> None:
    """Call ids already stored (catalogue rows, upload jobs) stay valid keys."""
    assert CallRef(platform="voicecalls", parts=("vc_abc123",)).key == "vc_abc123"
    vozzo = CallRef(platform="vozzo", parts=("org", "uc", "rec"))
    assert vozzo.encode() == "vozzo:org/uc/rec"


@pytest.mark.parametrize(
    "text", ["no-platform-here", ":vc_1", "Vozzo:a", "vozzo:", "vozzo:a//b", "vo zzo:a"]
)
def test_a_malformed_call_ref_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"platform|part|call reference"):
        CallRef.decode(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Completed", Disposition.COMPLETED),
        ("NoAnswer", Disposition.NO_ANSWER),
        ("no_answer", Disposition.NO_ANSWER),
        ("in-progress", Disposition.IN_PROGRESS),
        ("in_progress", Disposition.IN_PROGRESS),
        ("queued", Disposition.QUEUED),
        ("Busy", Disposition.BUSY),
        ("Transferred", None),
        (None, None),
    ],
)
def test_disposition_reads_every_platforms_spelling(raw, expected) -> None:
    assert Disposition.parse(raw) is expected


def test_disposition_finality_and_direction() -> None:
    assert not Disposition.RINGING.is_final and Disposition.NO_ANSWER.is_final
    assert Direction.parse("Outbound") is Direction.OUTBOUND
    assert Direction.parse("sideways") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("+14155551234", "+14155551234"),
        ("+31 6 1234-5678", "+31612345678"),
        ("+1 (415) 555.1234", "+14155551234"),
        (" +911234567890 ", "+911234567890"),
    ],
)
def test_e164_numbers_are_normalised(text: str, number: str) -> None:
    assert parse_e164(text) == number


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("4155551234", "start with +"),
        ("+0123456789", "E.164"),
        ("+12345", "E.164"),
        ("+1234567890123456", "E.164"),
        ("+1415CALLNOW", "E.164"),
        ("", "start with +"),
    ],
)
def test_a_bad_number_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_e164(text)
    assert e164_or_none(text) is None


def test_call_facts_are_optional_and_validated() -> None:
    voxxi_style = Call(id="c1", status=CallStatus.PROCESSING)
    assert voxxi_style.disposition is None and voxxi_style.grouping is None
    bot_call = Call(
        id="vc_1",
        status=CallStatus.COMPLETED,
        disposition=Disposition.NO_ANSWER,
        direction=Direction.OUTBOUND,
        from_number="+44 20 7946 0958",
        to_number="+14155551234",
        started_at=datetime(2026, 1, 15, 10, 30, tzinfo=UTC),
        grouping=Grouping(kind=GroupingKind.CAMPAIGN, id="camp_456"),
    )
    assert bot_call.from_number == "+442079460958"
    assert bot_call.status is CallStatus.COMPLETED  # analysis done; the call was not answered
    with pytest.raises(ValidationError, match=r"E\.164"):
        Call(id="x", status=CallStatus.COMPLETED, to_number="+0")


def test_category_is_a_grouping_and_new_call_files_under_it() -> None:
    assert Category(id="support-qa", name="Support").as_grouping() == Grouping(
        kind=GroupingKind.CATEGORY, id="support-qa", name="Support"
    )
    new_call = NewCall(member_id="dana@acme.example", category_id="support-qa", audio_url="u")
    assert isinstance(new_call, RecordingSubmission)
    assert new_call.grouping == Grouping(kind=GroupingKind.CATEGORY, id="support-qa")
    with pytest.raises(ValidationError):
        NewCall(member_id="dana@acme.example", audio_url="u")  # Voxxi needs a category


def test_outbound_and_ingest_submissions_validate_their_numbers_and_ids() -> None:
    request = OutboundCallRequest(agent_id="agent_abc123", to_number="+1 415 555 1234")
    assert request.to_number == "+14155551234"
    with pytest.raises(ValidationError, match="international"):
        OutboundCallRequest(agent_id="a", to_number="0612345678")

    start = dict(
        call_id="1B9D6BCD-BBFD-4B2D-9B5D-AB8DFBBD4BED",
        from_number="+31612345678",
        to_number="+31201234567",
        started_at=datetime(2026, 6, 16, 9, 5, 35, tzinfo=UTC),
    )
    first = IngestEvent(**start)
    assert first.call_id == "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed" and not first.is_final
    assert IngestEvent(**start, recording_url="https://pbx.example/r.wav").is_final
    with pytest.raises(ValidationError, match="UUID"):
        IngestEvent(**{**start, "call_id": "call-1"})
