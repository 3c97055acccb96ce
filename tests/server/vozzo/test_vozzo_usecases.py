"""Use cases: create, get, change only what is sent, delete (recordings kept), and the
organization's paged list with a tag filter and each one's recording counts by state."""

from __future__ import annotations

import uuid

import httpx

from tests.server.vozzo.vz_support import (
    LEAD_CONFIG,
    PREFIX,
    RECORDINGS,
    USECASE,
    assert_error,
    create_usecase,
    direct_upload,
    wait_final,
)

USECASE_FIELDS = [
    "usecase_uuid",
    "org_uuid",
    "usecase_name",
    "usecase_desc",
    "tags",
    "buckets",
    "analysis_config",
    "created_at",
    "updated_at",
]


def test_create_then_get_the_same_object(api: httpx.Client, org: dict) -> None:
    created = create_usecase(
        api,
        org,
        usecase_name="Lead generation",
        usecase_desc="Sales calls",
        tags=["sales", "quality"],
        buckets=["bucket1"],
        analysis_config={**LEAD_CONFIG, "question_hints": {"q": {"cues": ["apr"]}}},
    )
    assert list(created) == USECASE_FIELDS
    assert created["org_uuid"] == org["org_uuid"]
    assert created["tags"] == ["sales", "quality"]
    # Unknown keys of the analysis config (hints) are kept.
    assert created["analysis_config"]["question_hints"] == {"q": {"cues": ["apr"]}}
    fetched = api.get(f"{USECASE}/{created['usecase_uuid']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_update_changes_only_the_fields_sent(api: httpx.Client, org: dict) -> None:
    created = create_usecase(api, org, usecase_desc="kept", tags=["a"])
    response = api.put(
        f"{USECASE}/{created['usecase_uuid']}",
        json={"org_uuid": org["org_uuid"], "usecase_name": "Renamed", "tags": ["a", "b"]},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["usecase_name"] == "Renamed"
    assert updated["tags"] == ["a", "b"]
    assert updated["usecase_desc"] == "kept"
    assert updated["analysis_config"] == created["analysis_config"]
    assert updated["created_at"] == created["created_at"]
    assert api.get(f"{USECASE}/{created['usecase_uuid']}").json() == updated


def test_refusals(api: httpx.Client, org: dict) -> None:
    assert_error(api.post(USECASE, json={"org_uuid": org["org_uuid"]}), 400, "usecase_name")
    assert_error(api.post(USECASE, json={"org_uuid": org["org_uuid"], "usecase_name": ""}), 400)
    assert_error(api.post(USECASE, json={"org_uuid": org["org_uuid"], "usecase_name": 5}), 400)
    assert_error(api.post(USECASE, content=b"{not json", headers={"Content-Type": "x"}), 400)
    other_org = str(uuid.uuid4())
    assert_error(api.post(USECASE, json={"org_uuid": other_org, "usecase_name": "x"}), 404)
    missing = str(uuid.uuid4())
    assert_error(api.get(f"{USECASE}/{missing}"), 404)
    assert_error(api.put(f"{USECASE}/{missing}", json={"usecase_name": "x"}), 404)
    assert_error(api.delete(f"{USECASE}/{missing}"), 404)
    created = create_usecase(api, org)
    assert_error(api.put(f"{USECASE}/{created['usecase_uuid']}", json={"tags": None}), 400)
    assert_error(api.get(f"{PREFIX}/org-usecases/{other_org}"), 404)


def test_delete_keeps_the_recordings(api: httpx.Client, org: dict, tone: bytes) -> None:
    created = create_usecase(api, org)
    uploaded = direct_upload(api, org, tone, created["usecase_uuid"])
    wait_final(api, uploaded["recording_uuid"])
    response = api.delete(f"{USECASE}/{created['usecase_uuid']}")
    assert response.status_code == 200
    assert response.json() == {"deleted": True, "usecase_uuid": created["usecase_uuid"]}
    assert_error(api.get(f"{USECASE}/{created['usecase_uuid']}"), 404)
    # The recording is still there, found by its own id.
    kept = api.post(
        f"{PREFIX}/org-usecases/get-recording-details",
        json={"recording_uuid": uploaded["recording_uuid"]},
    )
    assert kept.status_code == 200
    assert kept.json()["usecase_uuid"] == created["usecase_uuid"]
    # Listing needs an existing use case.
    assert_error(api.post(RECORDINGS, json={"usecase_uuid": created["usecase_uuid"]}), 404)


def test_list_pages_filters_by_tag_and_counts_by_state(
    api: httpx.Client, org: dict, tone: bytes
) -> None:
    tag = f"tag-{uuid.uuid4().hex[:8]}"
    made = [create_usecase(api, org, usecase_name=f"Paged {n}", tags=[tag, "x"]) for n in range(3)]
    create_usecase(api, org, usecase_name="Untagged", tags=["x"])
    uploaded = direct_upload(api, org, tone, made[0]["usecase_uuid"])
    wait_final(api, uploaded["recording_uuid"])

    path = f"{PREFIX}/org-usecases/{org['org_uuid']}"
    first = api.get(path, params={"tag": tag, "page": 1, "limit": 2}).json()
    second = api.get(path, params={"tag": tag, "page": 2, "limit": 2}).json()
    assert (first["page"], first["limit"], first["total"]) == (1, 2, 3)
    assert (second["page"], second["total"]) == (2, 3)
    names = [u["usecase_name"] for u in first["usecases"] + second["usecases"]]
    assert names == ["Paged 0", "Paged 1", "Paged 2"]
    counted = first["usecases"][0]
    assert counted["recording_counts"] == {
        "INITIATED": 0,
        "TRANSCRIPTION_COMPLETED": 0,
        "ANALYSIS_COMPLETED": 1,
        "FAILED": 0,
    }
    assert counted["total_recordings"] == 1
    assert first["usecases"][1]["total_recordings"] == 0

    everything = api.get(path, params={"limit": 100}).json()
    assert everything["total"] >= 4
    assert api.get(path, params={"tag": "no-such-tag"}).json()["total"] == 0
    for bad in ({"page": "0"}, {"limit": "101"}, {"limit": "x"}, {"page": "-1"}):
        assert_error(api.get(path, params=bad), 400)
