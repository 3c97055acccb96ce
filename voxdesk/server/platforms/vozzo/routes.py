"""Vozzo's HTTP routes under ``/v1alpha/callintel`` (``shared/api-contracts/
vozzo-callintel.txt``), every one behind the API key in any of the contract's three
forms, except the upload link's PUT, whose signature is the permission.

* ``GET    organization``                                local extension: the org
* ``POST   usecase`` · ``GET|PUT|DELETE usecase/{uuid}``  use cases
* ``GET    org-usecases/{org_uuid}?page=&limit=&tag=``   use cases with counts
* ``POST   {client_name}/{client_profile}/create-upload-link`` · ``…/direct-upload``
* ``PUT    uploads/{recording_uuid}?expires=&signature=`` the upload link itself
* ``POST   org-usecases/recordings`` · ``get-recording-details`` ·
  ``recording/transcript-analytics`` · ``analytics/summary-counts`` ·
  ``analytics/summary-details`` · ``recording/get-audio-presigned-url``

Answers are the bodies in ``voxdesk.contracts.vozzo`` (README, "Vozzo"); an
``org_uuid`` other than the organization's is a 404, like an unknown use case or
recording.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voxdesk.contracts.vozzo import (
    API_PREFIX,
    AUDIO_URL_PATH,
    DEFAULT_LIMIT,
    DEFAULT_PAGE,
    DETAILS_PATH,
    MAX_LIMIT,
    ORG_USECASES_PATH,
    ORGANIZATION_PATH,
    RECORDINGS_PATH,
    SUMMARY_COUNTS_PATH,
    SUMMARY_DETAILS_PATH,
    TRANSCRIPT_ANALYTICS_PATH,
    USECASE_PATH,
    AudioUrl,
    AudioUrlRequest,
    DirectUploadResult,
    Organization,
    RecordingPage,
    RecordingRef,
    RecordingsRequest,
    SummaryRequest,
    UploadLink,
    UploadLinkRequest,
    Usecase,
    UsecaseCreate,
    UsecaseDeleted,
    UsecasePage,
    UsecaseUpdate,
)
from voxdesk.server.core.paging import MAX_PAGE, positive_whole_number
from voxdesk.server.platforms.vozzo import views
from voxdesk.server.platforms.vozzo.bodies import json_object, parse, read
from voxdesk.server.platforms.vozzo.errors import bad_request, json_errors, not_found
from voxdesk.server.platforms.vozzo.platform import VozzoPlatform
from voxdesk.server.platforms.vozzo.recordings import RecordingFilter, StoredRecording
from voxdesk.server.platforms.vozzo.uploads import (
    UPLOADS_PATH,
    check_client,
    create_upload_link,
    direct_upload,
    receive_link_upload,
)

#: The longest an audio URL lives (``--recording-url-ttl`` only shortens it).
AUDIO_URL_SECONDS = 15 * 60

Handler = Callable[[Request], Awaitable[Response]]


def _json(body: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body.dump(), status_code=status_code)


class VozzoRoutes:
    def __init__(self, platform: VozzoPlatform) -> None:
        self._p = platform

    def _org(self, org_uuid: str | None) -> None:
        if org_uuid is not None and org_uuid != self._p.org.org_uuid:
            raise not_found(f"There is no organization {org_uuid!r} here.")

    async def _usecase(self, usecase_uuid: str) -> Usecase:
        usecase = await asyncio.to_thread(self._p.usecases.get, usecase_uuid)
        if usecase is None:
            raise not_found(f"There is no use case {usecase_uuid!r}.")
        return usecase

    async def _recording(self, ref: RecordingRef) -> StoredRecording:
        self._org(ref.org_uuid)
        stored = await asyncio.to_thread(self._p.recordings.get, ref.recording_uuid)
        if stored is None or (
            ref.usecase_uuid is not None and stored.usecase_uuid != ref.usecase_uuid
        ):
            raise not_found(f"There is no recording {ref.recording_uuid!r} in this use case.")
        return stored

    # organization and use cases

    async def organization(self, request: Request) -> Response:
        profiles = await asyncio.to_thread(self._p.db.profiles)
        return _json(
            Organization(
                org_uuid=self._p.org.org_uuid,
                client_name=self._p.org.client_name,
                profiles=profiles,
            )
        )

    async def create_usecase(self, request: Request) -> Response:
        body = await read(request, UsecaseCreate)
        self._org(body.org_uuid)
        return _json(await asyncio.to_thread(self._p.usecases.create, body))

    async def get_usecase(self, request: Request) -> Response:
        return _json(await self._usecase(request.path_params["usecase_uuid"]))

    async def update_usecase(self, request: Request) -> Response:
        body = await read(request, UsecaseUpdate)
        self._org(body.org_uuid)
        usecase_uuid = request.path_params["usecase_uuid"]
        changes = body.changes()
        if any(value is None for value in changes.values()):
            raise bad_request("A field sent to change cannot be null.")
        updated = await asyncio.to_thread(self._p.usecases.update, usecase_uuid, changes)
        if updated is None:
            raise not_found(f"There is no use case {usecase_uuid!r}.")
        return _json(updated)

    async def delete_usecase(self, request: Request) -> Response:
        usecase_uuid = request.path_params["usecase_uuid"]
        if not await asyncio.to_thread(self._p.usecases.delete, usecase_uuid):
            raise not_found(f"There is no use case {usecase_uuid!r}.")
        return _json(UsecaseDeleted(usecase_uuid=usecase_uuid))

    async def org_usecases(self, request: Request) -> Response:
        org_uuid = request.path_params["org_uuid"]
        if org_uuid != self._p.org.org_uuid:
            raise not_found(f"There is no organization {org_uuid!r} here.")
        query = request.query_params
        page = _number(query.get("page"), "page", DEFAULT_PAGE, MAX_PAGE)
        limit = _number(query.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT)
        tag = query.get("tag") or None
        items, total = await asyncio.to_thread(
            self._p.usecases.page, offset=(page - 1) * limit, limit=limit, tag=tag
        )
        return _json(UsecasePage(usecases=items, page=page, limit=limit, total=total))

    # uploads

    async def upload_link(self, request: Request) -> Response:
        profile = request.path_params["client_profile"]
        check_client(self._p, request.path_params["client_name"], profile)
        body = await read(request, UploadLinkRequest)
        link = await create_upload_link(self._p, profile, body)
        return _json(UploadLink.model_validate(link))

    async def put_upload(self, request: Request) -> Response:
        size = await receive_link_upload(self._p, request)
        return Response(status_code=200, headers={"ETag": f'"{size}"'})

    async def direct_upload(self, request: Request) -> Response:
        profile = request.path_params["client_profile"]
        check_client(self._p, request.path_params["client_name"], profile)
        result = await direct_upload(self._p, profile, request)
        return _json(DirectUploadResult.model_validate(result))

    # recordings

    async def recordings(self, request: Request) -> Response:
        body = await read(request, RecordingsRequest)
        self._org(body.org_uuid)
        await self._usecase(body.usecase_uuid)
        if body.start_date and body.end_date and body.start_date > body.end_date:
            raise bad_request("start_date is after end_date.")
        wanted = RecordingFilter(body.usecase_uuid, body.state, body.start_date, body.end_date)
        found, total = await asyncio.to_thread(
            self._p.recordings.page,
            wanted,
            offset=(body.page - 1) * body.limit,
            limit=body.limit,
        )
        page = RecordingPage(
            recordings=[views.recording(r) for r in found],
            page=body.page,
            limit=body.limit,
            total=total,
        )
        return _json(page)

    async def details(self, request: Request) -> Response:
        stored = await self._recording(await read(request, RecordingRef))
        history = await asyncio.to_thread(self._p.recordings.history, stored.recording_uuid)
        return _json(views.details(stored, history))

    async def transcript_analytics(self, request: Request) -> Response:
        stored = await self._recording(await read(request, RecordingRef))
        transcript, analytics = await asyncio.to_thread(
            self._p.recordings.results, stored.recording_uuid
        )
        return _json(views.transcript_analytics(stored, transcript, analytics))

    async def summary_counts(self, request: Request) -> Response:
        body = await read(request, SummaryRequest)
        self._org(body.org_uuid)
        await self._usecase(body.usecase_uuid)
        counts = await asyncio.to_thread(self._p.recordings.state_counts, body.usecase_uuid)
        return _json(views.summary_counts(counts))

    async def summary_details(self, request: Request) -> Response:
        body = await read(request, SummaryRequest)
        self._org(body.org_uuid)
        usecase = await self._usecase(body.usecase_uuid)
        store = self._p.recordings
        buckets = await asyncio.to_thread(store.bucket_counts, body.usecase_uuid)
        call_types = await asyncio.to_thread(store.call_type_counts, body.usecase_uuid)
        answers = await asyncio.to_thread(store.answer_counts, body.usecase_uuid)
        return _json(views.summary_details(usecase, buckets, call_types, answers))

    async def audio_url(self, request: Request) -> Response:
        body = parse(AudioUrlRequest, await json_object(request))
        stored = await asyncio.to_thread(self._p.recordings.by_s3_key, body.s3_key)
        if stored is None:
            raise not_found(f"There is no recording {body.s3_key!r} in this organization.")
        ttl = min(AUDIO_URL_SECONDS, self._p.config.recording_url_ttl_seconds or 10**9)
        url = self._p.urls.download_url(stored.storage_key, ttl)
        expires = int(parse_qs(urlsplit(url).query)["expires"][0])
        return _json(AudioUrl(url=url, expires_at=datetime.fromtimestamp(expires, UTC)))


def _number(text: str | None, name: str, default: int, maximum: int) -> int:
    if text is None or text == "":
        return default
    try:
        return positive_whole_number(text, maximum)
    except ValueError as exc:
        raise bad_request(f"{name}: {exc}") from None


def routes(platform: VozzoPlatform) -> list[BaseRoute]:
    handlers = VozzoRoutes(platform)

    def keyed(handler: Handler) -> Handler:
        async def answer(request: Request) -> Response:
            platform.key.require(request)
            return await handler(request)

        return json_errors(answer)

    client = f"{API_PREFIX}/{{client_name}}/{{client_profile}}"
    return [
        Route(ORGANIZATION_PATH, keyed(handlers.organization), methods=["GET"]),
        Route(USECASE_PATH, keyed(handlers.create_usecase), methods=["POST"]),
        Route(f"{USECASE_PATH}/{{usecase_uuid}}", keyed(handlers.get_usecase), methods=["GET"]),
        Route(f"{USECASE_PATH}/{{usecase_uuid}}", keyed(handlers.update_usecase), methods=["PUT"]),
        Route(
            f"{USECASE_PATH}/{{usecase_uuid}}",
            keyed(handlers.delete_usecase),
            methods=["DELETE"],
        ),
        Route(RECORDINGS_PATH, keyed(handlers.recordings), methods=["POST"]),
        Route(DETAILS_PATH, keyed(handlers.details), methods=["POST"]),
        Route(TRANSCRIPT_ANALYTICS_PATH, keyed(handlers.transcript_analytics), methods=["POST"]),
        Route(SUMMARY_COUNTS_PATH, keyed(handlers.summary_counts), methods=["POST"]),
        Route(SUMMARY_DETAILS_PATH, keyed(handlers.summary_details), methods=["POST"]),
        Route(AUDIO_URL_PATH, keyed(handlers.audio_url), methods=["POST"]),
        Route(f"{ORG_USECASES_PATH}/{{org_uuid}}", keyed(handlers.org_usecases), methods=["GET"]),
        Route(
            f"{UPLOADS_PATH}/{{recording_uuid}}",
            json_errors(handlers.put_upload),
            methods=["PUT"],
        ),
        Route(f"{client}/create-upload-link", keyed(handlers.upload_link), methods=["POST"]),
        Route(f"{client}/direct-upload", keyed(handlers.direct_upload), methods=["POST"]),
    ]
