"""Recordings through their states: history in order, FAILED with its reason, the list
filtered by state and call date and paged, transcript and analytics appearing with the
states that make them, and summaries consistent with the list."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.server.vozzo.vz_support import (
    COUNTS,
    LEAD_CONFIG,
    QUESTION,
    RECORDINGS,
    SUMMARY,
    TRANSCRIPT,
    assert_error,
    create_usecase,
    direct_upload,
    wait_final,
)
from voxdesk.contracts.vozzo import INVALID_DATE, RecordingDetails, TranscriptAnalytics

#: Announces WAV, so storage takes it, but cannot be decoded: its recording fails.
BROKEN_WAV = b"RIFF\x24\x00\x00\x00WAVE" + b"\x00garbage" * 10

RECORDING_FIELDS = [
    "recording_uuid",
    "usecase_uuid",
    "file_name",
    "state",
    "call_date",
    "call_type",
    "created_at",
    "duration_seconds",
    "s3_key",
    "metadata",
]


@pytest.fixture(scope="module")
def filled(api: httpx.Client, org: dict, tone: bytes) -> dict:
    """A use case with three analysed recordings on three call dates and one failed."""
    usecase = create_usecase(api, org, usecase_name="Filled", analysis_config=LEAD_CONFIG)
    ids = []
    for day, kind in (("2025-01-01", "sales"), ("2025-06-15", "sales"), ("2025-12-31", None)):
        metadata = {"call_date": day, **({"call_type": kind} if kind else {})}
        ids.append(direct_upload(api, org, tone, usecase["usecase_uuid"], metadata))
    ids.append(
        direct_upload(
            api, org, BROKEN_WAV, usecase["usecase_uuid"], {"call_date": "2025-06-16"}, "bad.wav"
        )
    )
    finals = [wait_final(api, item["recording_uuid"]) for item in ids]
    return {"usecase": usecase, "finals": finals}


def _list(api: httpx.Client, usecase: dict, **body: object) -> httpx.Response:
    return api.post(RECORDINGS, json={"usecase_uuid": usecase["usecase_uuid"], **body})


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["recording_uuid"] for r in response.json()["recordings"]]


def test_history_in_order_and_failure_reason(filled: dict) -> None:
    *analysed, failed = filled["finals"]
    for body in analysed:
        RecordingDetails.model_validate(body)
        assert [h["state"] for h in body["history"]] == [
            "INITIATED",
            "TRANSCRIPTION_COMPLETED",
            "ANALYSIS_COMPLETED",
        ]
        moments = [datetime.fromisoformat(h["at"].replace("Z", "+00:00")) for h in body["history"]]
        assert moments == sorted(moments)
        assert body["error"] is None
        assert body["duration_seconds"] == pytest.approx(2.0, abs=0.05)
    assert failed["state"] == "FAILED"
    assert [h["state"] for h in failed["history"]] == ["INITIATED", "FAILED"]
    assert "could not be decoded" in failed["error"]


def test_list_filters_and_pages(api: httpx.Client, filled: dict) -> None:
    usecase = filled["usecase"]
    ids = [f["recording_uuid"] for f in filled["finals"]]
    listed = _list(api, usecase)
    body = listed.json()
    assert (body["page"], body["limit"], body["total"]) == (1, 10, 4)
    assert list(body["recordings"][0]) == RECORDING_FIELDS
    assert _ids(listed) == list(reversed(ids)), "newest first"

    assert _ids(_list(api, usecase, state="FAILED")) == [ids[3]]
    assert set(_ids(_list(api, usecase, state="ANALYSIS_COMPLETED"))) == set(ids[:3])
    assert _ids(_list(api, usecase, state="INITIATED")) == []
    assert set(_ids(_list(api, usecase, start_date="2025-06-15"))) == set(ids[1:])
    assert set(_ids(_list(api, usecase, end_date="2025-06-15"))) == set(ids[:2])
    assert _ids(_list(api, usecase, start_date="2025-06-15", end_date="2025-06-15")) == [ids[1]]

    first = _list(api, usecase, page=1, limit=3).json()
    second = _list(api, usecase, page=2, limit=3).json()
    assert first["total"] == second["total"] == 4
    assert [r["recording_uuid"] for r in first["recordings"] + second["recordings"]] == list(
        reversed(ids)
    )
    assert _ids(_list(api, usecase, page=3, limit=3)) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"state": "DONE"}, "state"),
        ({"state": "analysis_completed"}, "state"),
        ({"start_date": "2025/01/01"}, INVALID_DATE),
        ({"end_date": "01-01-2025"}, INVALID_DATE),
        ({"start_date": "2025-02-01", "end_date": "2025-01-01"}, "after"),
        ({"page": 0}, "page"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"page": "x"}, "page"),
    ],
)
def test_list_refusals(api: httpx.Client, filled: dict, body: dict, message: str) -> None:
    assert_error(_list(api, filled["usecase"], **body), 400, message)


def test_list_needs_a_use_case(api: httpx.Client) -> None:
    assert_error(api.post(RECORDINGS, json={}), 400, "usecase_uuid")
    assert_error(api.post(RECORDINGS, json={"usecase_uuid": "nope"}), 404)


def test_summaries_agree_with_the_list(api: httpx.Client, filled: dict) -> None:
    usecase = filled["usecase"]
    ref = {"usecase_uuid": usecase["usecase_uuid"], "org_uuid": usecase["org_uuid"]}
    counts = api.post(COUNTS, json=ref).json()

    def total(**body: object) -> int:
        return _list(api, usecase, **body).json()["total"]

    assert counts == {
        "total_calls": total(),
        "completed": total(state="ANALYSIS_COMPLETED"),
        "failed": total(state="FAILED"),
        "in_progress": total(state="INITIATED") + total(state="TRANSCRIPTION_COMPLETED"),
        "completion_percentage": 75.0,
    }
    details = api.post(SUMMARY, json=ref).json()
    assert [b["name"] for b in details["buckets"]] == ["Hot Lead", "Cold Lead"]
    assert sum(b["count"] for b in details["buckets"]) <= counts["completed"]
    assert details["call_types"] == [
        {"call_type": "sales", "count": 2},
        {"call_type": None, "count": 2},
    ]
    (answers,) = details["answers"]
    assert answers["question"] == QUESTION
    assert answers["yes"] + answers["no"] + answers["not_clear"] == counts["completed"]
    assert_error(api.post(COUNTS, json={"usecase_uuid": "nope"}), 404)
    assert_error(api.post(SUMMARY, json={**ref, "org_uuid": "another-org"}), 404)


def test_spoken_call_transcript_and_analytics(
    api: httpx.Client, org: dict, spoken_call: Path
) -> None:
    """The states bring their parts: no transcript before TRANSCRIPTION_COMPLETED, no
    analytics before ANALYSIS_COMPLETED; then turns by speaker and the engine's answer."""
    usecase = create_usecase(api, org, usecase_name="Spoken", analysis_config=LEAD_CONFIG)
    uploaded = direct_upload(api, org, spoken_call.read_bytes(), usecase["usecase_uuid"])
    ref = {"recording_uuid": uploaded["recording_uuid"], "usecase_uuid": usecase["usecase_uuid"]}
    seen = []
    deadline = time.monotonic() + 180
    while True:
        response = api.post(TRANSCRIPT, json=ref)
        assert response.status_code == 200, response.text
        body = response.json()
        TranscriptAnalytics.model_validate(body)
        seen.append(body["state"])
        assert (body["transcript"] is None) == (body["state"] == "INITIATED"), body["state"]
        assert (body["analytics"] is None) == (body["state"] != "ANALYSIS_COMPLETED")
        if body["state"] in ("ANALYSIS_COMPLETED", "FAILED"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert body["state"] == "ANALYSIS_COMPLETED", body
    assert seen[0] in ("INITIATED", "TRANSCRIPTION_COMPLETED", "ANALYSIS_COMPLETED")

    turns = body["transcript"]
    assert [t["speaker"] for t in turns][:2] == ["agent", "customer"]
    for turn in turns:
        assert 0 <= turn["confidence"] <= 1
        assert turn["start"] < turn["end"]
        assert turn["text"] == " ".join(w["word"] for w in turn["words"])
    assert "interested" in turns[1]["text"]

    analytics = body["analytics"]
    (answer,) = analytics["answers"]
    assert answer["question"] == QUESTION
    assert answer["answer"] == "Yes", answer
    assert answer["evidence"] and "interested" in answer["evidence"]
    assert answer["timestamp"] in [t["start"] for t in turns]
    assert analytics["bucket"]["name"] == "Hot Lead", analytics["bucket"]
    assert analytics["bucket"]["reason"]
    shares = {s["speaker"]: s for s in analytics["speakers"]}
    assert set(shares) == {"agent", "customer"}
    assert sum(s["talk_share"] for s in shares.values()) == pytest.approx(1, abs=0.01)
    agent_talk = sum(t["end"] - t["start"] for t in turns if t["speaker"] == "agent")
    assert shares["agent"]["talk_seconds"] == pytest.approx(agent_talk, abs=0.02)
    assert "Hot Lead" in analytics["summary"]
    assert_error(api.post(TRANSCRIPT, json={**ref, "usecase_uuid": "another"}), 404)
