"""Vozzo: use cases (Yes/No questions and buckets), recordings uploaded into them and
read back by state with their transcript, answers and bucket
(``shared/api-contracts/vozzo-callintel.txt``; wire bodies in ``voxdesk.contracts.vozzo``).

**Where.** Uploads go to ``{client_name}/{client_profile}/…`` and use cases belong to an
``org_uuid``. A real account types all three into the connection; left empty, they are
read from the local server's ``GET /organization`` extension (once per provider).

**Auth.** The contract writes the key three ways (``Authorization: <key>``, ``Bearer``,
``Token``); the connection says which one to send.

**Uploads, exactly once.** ``create-upload-link`` *creates* the recording, then one PUT
carries the bytes. Every link request carries the client's upload id in the recording's
``metadata`` under ``UPLOAD_MARKER`` (the contract keeps metadata with the recording and
details return it), so the recording a lost answer made is found again by
``find_upload`` instead of being made twice. The PUT sends the exact signed content type
and an explicit Content-Length. ``direct_upload`` is the contract's experimental
one-request upload, kept as a documented fallback (the CLI's ``--direct``): it has no
answer to reconcile by, so the queue never uses it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field

from voxdesk.contracts import vozzo as wire
from voxdesk.domain import Call, Recording
from voxdesk.providers.answers import WireT, parse_answer
from voxdesk.providers.base import CallPage, CallQuery, Provider
from voxdesk.providers.errors import ProviderError, UnsupportedOperation, ValidationError
from voxdesk.providers.http import HttpClient, ProgressCallback
from voxdesk.providers.queries import UsecaseDraft, UseCaseUpload
from voxdesk.providers.settings import ConnectionSettings, TokenSettings
from voxdesk.providers.vozzo_mapping import (
    STATE_OF_STATUS,
    UPLOAD_MARKER,
    map_recording,
    recording_ref,
    split_ref,
)

_SCHEMES = {wire.AuthForm.PLAIN: "", wire.AuthForm.BEARER: "Bearer", wire.AuthForm.TOKEN: "Token"}
log = logging.getLogger("voxdesk.providers.vozzo")
#: Analysed recordings of a listed page read whole at once (``_listed_call``).
DETAIL_READS = 6
_UNFILTERED = ("member_id", "category_id", "text", "direction", "disposition")


class VozzoSettings(TokenSettings):
    """A base URL, an API key, how to send it, and the account's names."""

    auth_form: wire.AuthForm = Field(
        default=wire.AuthForm.TOKEN,
        title="Auth form",
        description="How the key is sent: token (Token <key>), bearer (Bearer <key>) "
        "or plain (the key alone).",
    )
    org_uuid: str | None = Field(
        default=None,
        title="Organization UUID",
        description="From the account settings; empty: read from the local server.",
    )
    client_name: str | None = Field(
        default=None,
        title="Client name",
        description="The organization's client name (e.g. acme-corp); empty: read from "
        "the local server.",
    )
    client_profile: str = Field(
        default=wire.DEFAULT_PROFILE,
        title="Profile",
        description="The profile uploads are filed under.",
    )


def _parse(model: type[WireT], value: Any) -> WireT:
    return parse_answer(model, value, "the Vozzo contract")


def _day(value: Any) -> str | None:
    return None if value is None else value.date().isoformat()


def draft_config(draft: UsecaseDraft, base: wire.AnalysisConfig | None = None) -> dict[str, Any]:
    """The draft's questions and buckets as an ``analysis_config``, keeping any other
    keys ``base`` had (hints per question)."""
    config = base.model_dump(mode="json") if base is not None else {}
    config["analysis_questions"] = list(draft.questions)
    config["analysis_buckets"] = [
        {"objective_bucket_name": name, "description": description}
        for name, description in draft.buckets
    ]
    return config


class VozzoProvider(Provider):
    platform: ClassVar[str] = "vozzo"
    settings_model: ClassVar[type[ConnectionSettings]] = VozzoSettings

    def __init__(self, http: HttpClient, settings: ConnectionSettings | None = None) -> None:
        super().__init__(http, settings)
        self._organization: wire.Organization | None = None
        self._usecase_names: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, **http_options: object) -> Provider:
        form = settings.auth_form if isinstance(settings, VozzoSettings) else wire.AuthForm.TOKEN
        http = HttpClient(
            settings.base_url,
            settings.token_value(),
            auth_scheme=_SCHEMES[form],
            **http_options,  # type: ignore[arg-type]
        )
        return cls(http, settings)

    # --- the account -------------------------------------------------------------------

    async def organization(self) -> wire.Organization:
        """The account's org uuid, client name and profiles: typed in the connection,
        else read from the local server's organization extension."""
        if self._organization is not None:
            return self._organization
        typed = self.settings if isinstance(self.settings, VozzoSettings) else None
        if typed is not None and typed.org_uuid and typed.client_name:
            found = wire.Organization(
                org_uuid=typed.org_uuid,
                client_name=typed.client_name,
                profiles=[typed.client_profile],
            )
        else:
            found = _parse(
                wire.Organization, await self.http.request_json("GET", wire.ORGANIZATION_PATH)
            )
            if typed is not None:
                found = found.model_copy(
                    update={
                        "org_uuid": typed.org_uuid or found.org_uuid,
                        "client_name": typed.client_name or found.client_name,
                    }
                )
        self._organization = found
        return found

    @property
    def profile(self) -> str:
        if isinstance(self.settings, VozzoSettings):
            return self.settings.client_profile
        return wire.DEFAULT_PROFILE

    async def _client_path(self, tail: str) -> str:
        org = await self.organization()
        client = quote(org.client_name, safe="")
        return f"{wire.API_PREFIX}/{client}/{quote(self.profile, safe='')}/{tail}"

    # --- use cases ----------------------------------------------------------------------

    async def list_usecases(self, tag: str | None = None) -> list[wire.UsecaseListItem]:
        """Every use case of the organization (all pages), with its counts by state."""
        org = await self.organization()
        found: list[wire.UsecaseListItem] = []
        page = 1
        while True:
            body = await self.http.request_json(
                "GET",
                f"{wire.ORG_USECASES_PATH}/{quote(org.org_uuid, safe='')}",
                params={"page": page, "limit": wire.MAX_LIMIT, "tag": tag},
            )
            result = _parse(wire.UsecasePage, body)
            found.extend(result.usecases)
            if not result.usecases or len(found) >= result.total:
                break
            page += 1
        self._usecase_names.update({u.usecase_uuid: u.usecase_name for u in found})
        return found

    async def get_usecase(self, usecase_id: str) -> wire.Usecase:
        body = await self.http.request_json("GET", self._usecase_path(usecase_id))
        usecase = _parse(wire.Usecase, body)
        self._usecase_names[usecase.usecase_uuid] = usecase.usecase_name
        return usecase

    async def create_usecase(self, draft: UsecaseDraft) -> wire.Usecase:
        org = await self.organization()
        body = {
            "org_uuid": org.org_uuid,
            "usecase_name": draft.name,
            "usecase_desc": draft.description,
            "tags": list(draft.tags),
            "analysis_config": draft_config(draft),
        }
        # A create answered never is not replayed: a second use case would appear.
        answer = await self.http.request_json("POST", wire.USECASE_PATH, json=body)
        return _parse(wire.Usecase, answer)

    async def update_usecase(self, usecase_id: str, draft: UsecaseDraft) -> wire.Usecase:
        """Replace the use case's name, description, tags, questions and buckets; other
        keys of its analysis config (hints) and its storage buckets are kept."""
        current = await self.get_usecase(usecase_id)
        body = {
            "org_uuid": current.org_uuid,
            "usecase_name": draft.name,
            "usecase_desc": draft.description,
            "tags": list(draft.tags),
            "analysis_config": draft_config(draft, current.analysis_config),
        }
        answer = await self.http.request_json("PUT", self._usecase_path(usecase_id), json=body)
        return _parse(wire.Usecase, answer)

    async def delete_usecase(self, usecase_id: str) -> None:
        """Delete the use case; its recordings stay (the contract says so)."""
        _parse(
            wire.UsecaseDeleted,
            await self.http.request_json("DELETE", self._usecase_path(usecase_id)),
        )
        self._usecase_names.pop(usecase_id, None)

    def _usecase_path(self, usecase_id: str) -> str:
        return f"{wire.USECASE_PATH}/{quote(usecase_id, safe='')}"

    # --- recordings ----------------------------------------------------------------------

    async def list_recordings(
        self, request: wire.RecordingsRequest
    ) -> tuple[list[wire.Recording], int]:
        """One page of a use case's recordings, newest first, and the total."""
        body = await self.http.request_json(
            "POST",
            wire.RECORDINGS_PATH,
            json=request.model_dump(mode="json", exclude_none=True),
            idempotent=True,  # a read, sent as POST
        )
        page = _parse(wire.RecordingPage, body)
        return page.recordings, page.total

    async def list_calls(self, query: CallQuery) -> CallPage:
        """A use case's recordings (``grouping_id``), filtered by state and call day."""
        asked = [name for name in _UNFILTERED if getattr(query, name) is not None]
        if asked:
            raise UnsupportedOperation(
                f"Vozzo's recording list cannot be filtered by {', '.join(asked)}."
            )
        if query.grouping_id is None:
            raise UnsupportedOperation("Vozzo lists recordings per use case: choose a use case.")
        org = await self.organization()
        limit = min(query.page_size, wire.MAX_LIMIT)
        request = wire.RecordingsRequest(
            usecase_uuid=query.grouping_id,
            org_uuid=org.org_uuid,
            page=query.page,
            limit=limit,
            state=STATE_OF_STATUS[query.status] if query.status is not None else None,
            start_date=_day(query.date_from),
            end_date=_day(query.date_to),
        )
        recordings, total = await self.list_recordings(request)
        name = self._usecase_names.get(query.grouping_id)
        gate = asyncio.Semaphore(DETAIL_READS)
        calls = await asyncio.gather(
            *(self._listed_call(org.org_uuid, r, name, gate) for r in recordings)
        )
        return CallPage(calls=list(calls), page=query.page, page_size=limit, total=total)

    async def _listed_call(
        self,
        org: str,
        recording: wire.Recording,
        usecase_name: str | None,
        gate: asyncio.Semaphore,
    ) -> Call:
        """A listed recording as a call, with its answers and transcript when analysed.

        Vozzo's list gives a recording's state but not its answers or bucket, so a list
        of bare rows would show no bucket and export no answers until each was opened;
        the analysed ones are read whole here (``DETAIL_READS`` at a time). One that
        cannot be read now is listed bare and read again when opened."""
        bare = map_recording(org, recording, usecase_name=usecase_name)
        if recording.state is not wire.RecordingState.ANALYSIS_COMPLETED:
            return bare
        async with gate:
            try:
                return await self.get_call(bare.id)
            except ProviderError as exc:
                log.info("Vozzo recording %s listed without its answers: %s", bare.id, exc)
                return bare

    async def recording_details(self, call_id: str) -> wire.RecordingDetails:
        org, usecase, recording = split_ref(call_id)
        body = await self.http.request_json(
            "POST",
            wire.DETAILS_PATH,
            json=wire.RecordingRef(
                recording_uuid=recording, org_uuid=org, usecase_uuid=usecase
            ).model_dump(mode="json", exclude_none=True),
            idempotent=True,
        )
        return _parse(wire.RecordingDetails, body)

    async def transcript_analytics(self, call_id: str) -> wire.TranscriptAnalytics:
        org, usecase, recording = split_ref(call_id)
        body = await self.http.request_json(
            "POST",
            wire.TRANSCRIPT_ANALYTICS_PATH,
            json=wire.RecordingRef(
                recording_uuid=recording, org_uuid=org, usecase_uuid=usecase
            ).model_dump(mode="json", exclude_none=True),
            idempotent=True,
        )
        return _parse(wire.TranscriptAnalytics, body)

    async def get_call(self, call_id: str) -> Call:
        org, usecase, _ = split_ref(call_id)
        details = await self.recording_details(call_id)
        analytics = None
        if details.state is not wire.RecordingState.INITIATED:
            analytics = await self.transcript_analytics(call_id)
        name = self._usecase_names.get(usecase) if usecase else None
        return map_recording(org, details, details, analytics, usecase_name=name)

    async def recording_url(self, call_id: str) -> Recording | None:
        details = await self.recording_details(call_id)
        audio = await self.audio_url(details.s3_key)
        return Recording(url=audio.url, expires_at=audio.expires_at)

    async def audio_url(self, s3_key: str) -> wire.AudioUrl:
        body = await self.http.request_json(
            "POST", wire.AUDIO_URL_PATH, json={"s3_key": s3_key}, idempotent=True
        )
        return _parse(wire.AudioUrl, body)

    # --- summaries -----------------------------------------------------------------------

    async def summary_counts(self, usecase_id: str) -> wire.SummaryCounts:
        return _parse(wire.SummaryCounts, await self._summary(wire.SUMMARY_COUNTS_PATH, usecase_id))

    async def summary_details(self, usecase_id: str) -> wire.SummaryDetails:
        return _parse(
            wire.SummaryDetails, await self._summary(wire.SUMMARY_DETAILS_PATH, usecase_id)
        )

    async def _summary(self, path: str, usecase_id: str) -> Any:
        org = await self.organization()
        body = {"org_uuid": org.org_uuid, "usecase_uuid": usecase_id}
        return await self.http.request_json("POST", path, json=body, idempotent=True)

    # --- uploads -------------------------------------------------------------------------

    def _metadata(self, request: UseCaseUpload) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "usecase_uuid": request.usecase_id,
            UPLOAD_MARKER: request.marker,
        }
        if request.call_date:
            metadata["call_date"] = request.call_date
        if request.call_type:
            metadata["call_type"] = request.call_type
        return metadata

    async def create_upload_link(self, request: UseCaseUpload) -> wire.UploadLink:
        """Create the recording and its one-PUT link. Never replayed by the HTTP layer:
        a lost answer is settled with ``find_upload``."""
        body = {
            "file_name": request.file_name,
            "file_size": request.size,
            "content_type": request.content_type,
            "metadata": self._metadata(request),
        }
        answer = await self.http.request_json(
            "POST", await self._client_path("create-upload-link"), json=body, idempotent=False
        )
        return _parse(wire.UploadLink, answer)

    async def put_recording(
        self,
        upload_url: str,
        request: UseCaseUpload,
        path: Path,
        progress: ProgressCallback | None = None,
    ) -> None:
        """PUT the file to the link: the exact signed content type, explicit length.
        The link takes one body: PUT again after the first was stored, it answers 409
        (a ``ValidationError`` with that status), which proves the recording exists."""
        if path.stat().st_size != request.size:
            raise ValidationError(
                f"{path.name} is {path.stat().st_size} bytes now, not the {request.size} "
                "the upload link was signed for.",
                status=None,
            )
        await self.http.put_file(upload_url, path, request.content_type, progress=progress)

    async def find_upload(self, request: UseCaseUpload) -> wire.RecordingDetails | None:
        """The recording made for ``request`` (its marker in the metadata), or ``None``
        when the use case has none. Only recordings of the same file name are opened."""
        org = await self.organization()
        page = 1
        while True:
            recordings, total = await self.list_recordings(
                wire.RecordingsRequest(
                    usecase_uuid=request.usecase_id,
                    org_uuid=org.org_uuid,
                    page=page,
                    limit=wire.MAX_LIMIT,
                    # The metadata's call date is the one the list filters by.
                    start_date=request.call_date,
                    end_date=request.call_date,
                )
            )
            for recording in recordings:
                if recording.file_name != request.file_name:
                    continue
                if recording.metadata and recording.metadata.get(UPLOAD_MARKER) != request.marker:
                    continue  # the list shows metadata (local server): no need to open it
                ref = recording_ref(org.org_uuid, request.usecase_id, recording.recording_uuid)
                details = await self.recording_details(ref.key)
                if details.metadata.get(UPLOAD_MARKER) == request.marker:
                    return details
            if not recordings or page * wire.MAX_LIMIT >= total:
                return None
            page += 1

    async def upload_call_id(self, request: UseCaseUpload, recording_id: str) -> str:
        """The ``Call.id`` of the recording an upload made."""
        org = await self.organization()
        return recording_ref(org.org_uuid, request.usecase_id, recording_id).key

    async def direct_upload(self, request: UseCaseUpload, path: Path) -> wire.DirectUploadResult:
        """The contract's experimental one-request upload (metadata as a JSON *string*).
        Not reconcilable: a lost answer may leave a recording behind."""
        data = {"usecase_uuid": request.usecase_id, "metadata": json.dumps(self._metadata(request))}
        answer = await self.http.request_multipart(
            "POST",
            await self._client_path("direct-upload"),
            data=data,
            file_field="file",
            path_on_disk=path,
            content_type=request.content_type,
        )
        return _parse(wire.DirectUploadResult, answer)
