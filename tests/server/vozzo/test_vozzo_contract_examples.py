"""Every curl example of the contract (shared/api-contracts/vozzo-callintel.txt) works
as pasted, run by a real ``curl`` in a shell, with only the host, the key and the ids
changed; the answers parse as the wire bodies README documents.

The blocks below are copied verbatim from the contract.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.server.vozzo.vz_support import CALL_SCRIPT, put_upload, wait_final, webm_bytes
from tests.support.local_server import LocalServer
from voxdesk.contracts.vozzo import (
    AudioUrl,
    DirectUploadResult,
    RecordingDetails,
    RecordingPage,
    SummaryCounts,
    SummaryDetails,
    TranscriptAnalytics,
    UploadLink,
    Usecase,
    UsecaseDeleted,
    UsecasePage,
)
from voxdesk.server.analysis.synth import render

CREATE_USECASE = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/usecase \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_name": "Lead generation",
"usecase_desc": "Analyze sales calls for quality",
"tags": ["sales", "quality"],
"buckets": ["bucket1", "bucket2"],
"analysis_config": {
"analysis_questions": [
"If the lead is interested in the loan offer. (Yes/No)"
],
"analysis_buckets": [
{
"objective_bucket_name": "Hot Lead",
"description": "If user is interested in the loan offer."
},
{
"objective_bucket_name": "Warm Lead",
"description": "if user shows no interest."
},
{
"objective_bucket_name": "Not Clear",
"description": "if it is not clear that user is not interested in loan offer."
}
]
}
}'"""
GET_USECASE = """\
curl --request GET \\
--url https://backend.vozzo.ai/v1alpha/callintel/usecase/:usecase_uuid \\
--header 'Authorization: <YOUR_API_KEY>'"""
UPDATE_USECASE = """\
curl --request PUT \\
--url https://backend.vozzo.ai/v1alpha/callintel/usecase/:usecase_uuid \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_name": "Lead gen updated",
"usecase_desc": "Analyze sales calls for quality",
"tags": ["sales", "quality", "good"],
"buckets": ["bucket1", "bucket2"]
}'"""
DELETE_USECASE = """\
curl --request DELETE \\
--url https://backend.vozzo.ai/v1alpha/callintel/usecase/:usecase_uuid \\
--header 'Authorization: <YOUR_API_KEY>'"""
ORG_USECASES = """\
curl --request GET \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/:org_uuid \\
--header 'Authorization: <YOUR_API_KEY>'"""
UPLOAD_LINK = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/:client_name/:client_profile/create-upload-link \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"file_name": "test.webm",
"file_size": 357741,
"content_type": "audio/webm",
"metadata": {
"usecase_uuid": "dab80fa1-8bd1-4411-9333-c46970d27a1a",
"call_date": "2025-12-04",
"call_type": "sales"
}
}'"""
DIRECT_UPLOAD = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/:client_name/:client_profile/direct-upload \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: multipart/form-data' \\
--form file=@file.webm \\
--form usecase_uuid=00000000-0000-0000-0000-000000000000"""
RECORDINGS = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/recordings \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"usecase_uuid": "dab80fa1-8bd1-4411-9333-c46970d27a1a",
"page": 1,
"limit": 10
}'"""
DETAILS = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/get-recording-details \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_uuid": "dab80fa1-8bd1-4411-9333-c46970d27a1a",
"recording_uuid": "4cb66f57-f16b-461d-a670-6585b2fe9456"
}'"""
TRANSCRIPT = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/recording/transcript-analytics \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_uuid": "dab80fa1-8bd1-4411-9333-c46970d27a1a",
"recording_uuid": "4cb66f57-f16b-461d-a670-6585b2fe9456"
}'"""
SUMMARY_COUNTS = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/analytics/summary-counts \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_uuid": "dab80fa1-8bd1-4411-9333-c46970d27a1a"
}'"""
SUMMARY_DETAILS = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/analytics/summary-details \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"org_uuid": "33bbb237-6256-4c81-b423-a5bd16af5a32",
"usecase_uuid": "815545c1-61c1-4ec7-aa14-365a07909937"
}'"""
AUDIO_URL = """\
curl --request POST \\
--url https://backend.vozzo.ai/v1alpha/callintel/org-usecases/recording/get-audio-presigned-url \\
--header 'Authorization: <YOUR_API_KEY>' \\
--header 'Content-Type: application/json' \\
--data '{
"s3_key": "vozzodev-org/default/recordings/4d2d68a1-5d25-4154-9dc4-b862196903ca.webm"
}'"""

EXAMPLE_ORG = "33bbb237-6256-4c81-b423-a5bd16af5a32"
EXAMPLE_USECASES = (
    "dab80fa1-8bd1-4411-9333-c46970d27a1a",
    "815545c1-61c1-4ec7-aa14-365a07909937",
    "00000000-0000-0000-0000-000000000000",
    ":usecase_uuid",
)
EXAMPLE_RECORDING = "4cb66f57-f16b-461d-a670-6585b2fe9456"
EXAMPLE_S3_KEY = "vozzodev-org/default/recordings/4d2d68a1-5d25-4154-9dc4-b862196903ca.webm"
EXAMPLE_SIZE = 357741

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl program")


class Examples:
    """Runs the contract's curl blocks against the local server, with the example ids
    replaced by real ones as they become known."""

    def __init__(self, server: LocalServer, org: dict, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.ids = {
            "https://backend.vozzo.ai": server.base_url,
            "<YOUR_API_KEY>": server.token,
            EXAMPLE_ORG: org["org_uuid"],
            ":org_uuid": org["org_uuid"],
            ":client_name": org["client_name"],
            ":client_profile": "default",
        }

    def usecase(self, usecase_uuid: str) -> None:
        self.ids.update(dict.fromkeys(EXAMPLE_USECASES, usecase_uuid))

    def run(self, example: str) -> dict:
        command = example
        for old, new in self.ids.items():
            command = command.replace(old, new)
        done = subprocess.run(
            ["bash", "-c", command + " --silent --show-error --write-out '\\n%{http_code}'"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.folder,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        body, _, status = done.stdout.rpartition("\n")
        assert status == "200", (example.splitlines()[1], status, body)
        return json.loads(body)


def test_every_example_works(vz_server: LocalServer, org: dict, tmp_path: Path) -> None:
    examples = Examples(vz_server, org, tmp_path)
    stereo, _ = render(CALL_SCRIPT)
    recording = webm_bytes(stereo, EXAMPLE_SIZE)
    (tmp_path / "file.webm").write_bytes(recording)

    created = Usecase.model_validate(examples.run(CREATE_USECASE))
    assert created.usecase_name == "Lead generation"
    assert len(created.analysis_config.analysis_buckets) == 3
    examples.usecase(created.usecase_uuid)
    assert Usecase.model_validate(examples.run(GET_USECASE)) == created
    updated = Usecase.model_validate(examples.run(UPDATE_USECASE))
    assert updated.usecase_name == "Lead gen updated"
    assert updated.tags == ["sales", "quality", "good"]
    assert updated.analysis_config == created.analysis_config

    # Step 2 and 3 of the quick start: a link, then the PUT of exactly that file.
    link = UploadLink.model_validate(examples.run(UPLOAD_LINK))
    assert link.s3_key.endswith(".webm")
    assert put_upload(link.upload_url, recording, "audio/webm").status_code == 200
    direct = DirectUploadResult.model_validate(examples.run(DIRECT_UPLOAD))
    assert direct.state == "INITIATED"

    api = httpx.Client(
        base_url=vz_server.base_url, headers={"Authorization": vz_server.token}, timeout=30
    )
    for recording_uuid in (link.recording_uuid, direct.recording_uuid):
        assert wait_final(api, recording_uuid)["state"] == "ANALYSIS_COMPLETED"

    listed = RecordingPage.model_validate(examples.run(RECORDINGS))
    assert {r.recording_uuid for r in listed.recordings} == {
        link.recording_uuid,
        direct.recording_uuid,
    }
    examples.ids[EXAMPLE_RECORDING] = link.recording_uuid
    details = RecordingDetails.model_validate(examples.run(DETAILS))
    assert details.call_date == "2025-12-04" and details.call_type == "sales"
    assert details.file.size == EXAMPLE_SIZE
    analytics = TranscriptAnalytics.model_validate(examples.run(TRANSCRIPT))
    assert analytics.transcript and analytics.analytics is not None
    assert analytics.analytics.bucket is not None
    counts = SummaryCounts.model_validate(examples.run(SUMMARY_COUNTS))
    assert (counts.total_calls, counts.completed, counts.completion_percentage) == (2, 2, 100)
    summary = SummaryDetails.model_validate(examples.run(SUMMARY_DETAILS))
    assert [b.name for b in summary.buckets] == ["Hot Lead", "Warm Lead", "Not Clear"]
    assert sum(b.count for b in summary.buckets) == 2

    examples.ids[EXAMPLE_S3_KEY] = link.s3_key
    audio = AudioUrl.model_validate(examples.run(AUDIO_URL))
    assert httpx.get(audio.url, headers={"Range": "bytes=0-3"}).content == recording[:4]

    page = UsecasePage.model_validate(examples.run(ORG_USECASES))
    assert created.usecase_uuid in [u.usecase_uuid for u in page.usecases]
    assert UsecaseDeleted.model_validate(examples.run(DELETE_USECASE)).deleted
    api.close()
