"""``voxdesk usecases list|show|create|delete`` and ``voxdesk upload --usecase`` as a
user runs them against the local server's Vozzo platform; what the server holds is
read back from its API, not from the CLI."""

from __future__ import annotations

import json

import httpx

from tests.cli.conftest import cli_env, voxdesk
from tests.support.audio import make_wav
from tests.support.vozzo_server import BUCKETS, QUESTIONS, auth, recordings
from voxdesk.contracts import vozzo as wire
from voxdesk.providers.vozzo_mapping import UPLOAD_MARKER

VOZZO = ("--platform", "vozzo")


def test_use_cases_are_created_listed_shown_and_deleted(server, tmp_path) -> None:
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    args = ["usecases", "create", *VOZZO, "--name", "Loan leads", "--tag", "sales"]
    for question in QUESTIONS:
        args += ["--question", question]
    for name, description in BUCKETS:
        args += ["--bucket", f"{name}={description}"]
    created = voxdesk(*args, env=env)
    assert created.code == 0, created.err
    uuid = created.out.strip()
    stored = httpx.get(f"{server.base_url}{wire.USECASE_PATH}/{uuid}", headers=auth(server))
    config = stored.json()["analysis_config"]
    assert config["analysis_questions"] == list(QUESTIONS)
    assert [(b["objective_bucket_name"], b["description"]) for b in config["analysis_buckets"]] == [
        *BUCKETS
    ]

    listed = voxdesk("usecases", "list", *VOZZO, "--tag", "sales", env=env)
    assert listed.code == 0, listed.err
    [line] = [row for row in listed.out.splitlines() if row.startswith(uuid)]
    assert "\tLoan leads\tsales\t0 recordings" in line
    assert voxdesk("usecases", "list", *VOZZO, "--tag", "nope", env=env).out == ""

    shown = voxdesk("usecases", "show", *VOZZO, uuid, "--json", env=env)
    assert shown.code == 0, shown.err
    body = json.loads(shown.out)
    assert body["usecase_uuid"] == uuid and body["summary_counts"]["total_calls"] == 0

    deleted = voxdesk("usecases", "delete", *VOZZO, uuid, env=env)
    assert deleted.code == 0 and deleted.out == f"deleted\t{uuid}\n"
    missing = voxdesk("usecases", "show", *VOZZO, uuid, env=env)
    assert missing.code != 0 and "voxdesk:" in missing.err and "Traceback" not in missing.err


def test_upload_into_a_use_case_makes_one_recording_with_its_marker(server, tmp_path) -> None:
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    uuid = voxdesk("usecases", "create", *VOZZO, "--name", "Uploads", env=env).out.strip()
    path = make_wav(tmp_path / "call.wav", 1.0)
    done = voxdesk(
        "upload", str(path), *VOZZO, "--usecase", uuid, "--date", "2026-11-02", "--json", env=env
    )
    assert done.code == 0, done.err
    [line] = map(json.loads, done.out.splitlines())
    [recording] = recordings(server, uuid)
    assert recording["metadata"][UPLOAD_MARKER] == line["uploadId"]
    assert recording["call_date"] == "2026-11-02"
    assert line["callId"].endswith(recording["recording_uuid"])


def test_use_case_options_are_checked_before_anything_is_sent(server, tmp_path) -> None:
    env = cli_env(tmp_path / "home", server.base_url, server.token)
    path = make_wav(tmp_path / "call.wav", 1.0)
    no_usecase = voxdesk("upload", str(path), *VOZZO, env=env)
    assert no_usecase.code == 2 and "--member" in no_usecase.err
    vozzo_without = voxdesk(
        "upload", str(path), *VOZZO, "--member", "m", "--category", "c", env=env
    )
    assert vozzo_without.code == 2 and "--usecase" in vozzo_without.err
    bad_date = voxdesk("upload", str(path), *VOZZO, "--usecase", "u", "--date", "2/11", env=env)
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.err
    local = voxdesk("upload", str(path), "--usecase", "u", env=env)
    assert local.code == 2 and "no use cases" in local.err
    not_vozzo = voxdesk("usecases", "list", env=env)
    assert not_vozzo.code == 2 and "has no use cases" in not_vozzo.err
