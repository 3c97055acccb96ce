"""Recordings arriving: the upload link and its PUT, and the direct upload.

An upload link is ``PUT {base}/v1alpha/callintel/uploads/{recording_uuid}?expires=&
signature=``, signed (``core.signing``) for PUT, the recording's storage key and the
exact content type, valid 15 minutes (less with ``--upload-url-ttl``). It accepts one
body of exactly the ``file_size`` asked for, recognised as that audio type; storage
never replaces an object, so the link is single-use. The recording exists for the API
from the moment its audio is stored (INITIATED), and is queued for processing then.

The direct upload's ``metadata`` is a JSON *string* holding an object, the contract's
pitfall: anything else is refused with its message.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.requests import Request

from voxdesk.contracts.vozzo import (
    API_PREFIX,
    AUDIO_CONTENT_TYPES,
    MAX_FILE_SIZE,
    METADATA_NOT_JSON_STRING,
    UPLOAD_LINK_SECONDS,
    UploadLinkRequest,
    UploadMetadata,
)
from voxdesk.domain.audio_formats import sniff_audio
from voxdesk.server.core.errors import ApiError
from voxdesk.server.core.signing import Verdict
from voxdesk.server.core.storage import (
    FORMAT_TYPES,
    SNIFF_BYTES,
    NotAudio,
    StorageError,
    TooLarge,
    sanitise_filename,
)
from voxdesk.server.core.storage_routes import DRAIN_SLACK, receive_upload
from voxdesk.server.core.urls import expiry_after
from voxdesk.server.core.wire_json import WireValueError, decode_body
from voxdesk.server.platforms.vozzo.bodies import problem_text
from voxdesk.server.platforms.vozzo.errors import VozzoError, bad_request, not_found
from voxdesk.server.platforms.vozzo.multipart import FormError, FormTooLarge, read_form
from voxdesk.server.platforms.vozzo.platform import VozzoPlatform
from voxdesk.server.platforms.vozzo.recordings import NewRecording, storage_key

UPLOADS_PATH = f"{API_PREFIX}/uploads"
MAX_FILE_NAME = 255
_PROFILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}")
_EXTENSIONS = {fmt: f".{fmt}" for fmt in FORMAT_TYPES}


def upload_limit(platform: VozzoPlatform) -> int:
    """The contract's 100 MB, or the server's own smaller ``--max-upload-bytes``."""
    return min(MAX_FILE_SIZE, platform.config.max_upload_bytes)


def check_client(platform: VozzoPlatform, client_name: str, profile: str) -> None:
    if client_name != platform.org.client_name:
        raise not_found(f"There is no client {client_name!r} in this organization.")
    if not _PROFILE.fullmatch(profile):
        raise bad_request(
            "client_profile: use 1 to 64 letters, digits, '-' or '_' (starting with a letter "
            "or digit)."
        )


def _s3_key(platform: VozzoPlatform, profile: str, recording_uuid: str, file_name: str) -> str:
    suffix = PurePosixPath(sanitise_filename(file_name)).suffix.lower()
    extension = suffix if _EXTENSION.fullmatch(suffix) else ""
    return f"{platform.org.client_name}/{profile}/recordings/{recording_uuid}{extension}"


async def _usecase_exists(platform: VozzoPlatform, usecase_uuid: str | None) -> None:
    if (
        usecase_uuid is not None
        and await asyncio.to_thread(platform.usecases.get, usecase_uuid) is None
    ):
        raise bad_request(f"metadata.usecase_uuid: there is no use case {usecase_uuid!r}.")


async def create_upload_link(
    platform: VozzoPlatform, profile: str, body: UploadLinkRequest
) -> dict[str, Any]:
    limit = upload_limit(platform)
    if body.file_size > limit:
        raise bad_request(f"file_size: the largest recording is {limit} bytes.")
    content_type = body.content_type.strip().lower()
    if content_type not in AUDIO_CONTENT_TYPES:
        raise bad_request(
            f"content_type: {body.content_type!r} is not an audio type; use one of "
            + ", ".join(sorted(AUDIO_CONTENT_TYPES))
            + "."
        )
    await _usecase_exists(platform, body.metadata.usecase_uuid)
    recording_uuid = str(uuid.uuid4())
    s3_key = _s3_key(platform, profile, recording_uuid, body.file_name)
    key = storage_key(s3_key)
    await asyncio.to_thread(platform.db.use_profile, profile)
    await asyncio.to_thread(
        platform.recordings.add,
        NewRecording(
            recording_uuid=recording_uuid,
            usecase_uuid=body.metadata.usecase_uuid,
            profile=profile,
            file_name=body.file_name,
            file_size=body.file_size,
            content_type=content_type,
            s3_key=s3_key,
            storage_key=key,
            call_date=body.metadata.call_date,
            call_type=body.metadata.call_type,
            metadata=body.metadata.dump(),
        ),
        stored=False,
    )
    ttl = min(UPLOAD_LINK_SECONDS, platform.config.url_ttl_seconds)
    expires = expiry_after(ttl)
    signature = platform.signer.sign("PUT", key, content_type, expires)
    url = (
        f"{platform.urls.base_url}{UPLOADS_PATH}/{quote(recording_uuid)}"
        f"?expires={expires}&signature={signature}"
    )
    return {
        "recording_uuid": recording_uuid,
        "upload_url": url,
        "s3_key": s3_key,
        "expires_at": datetime.fromtimestamp(expires, UTC),
    }


async def receive_link_upload(platform: VozzoPlatform, request: Request) -> int:
    """The PUT to an upload link; the stored size. Refusals in the server-wide body."""
    recording_uuid = request.path_params["recording_uuid"]
    pending = await asyncio.to_thread(platform.recordings.awaiting_upload, recording_uuid)
    stored = None if pending else await asyncio.to_thread(platform.recordings.get, recording_uuid)
    known = pending or stored
    content_type = (request.headers.get("content-type") or "").strip().lower()
    verdict = (
        Verdict.INVALID
        if known is None
        else platform.signer.verify(
            "PUT",
            known.storage_key,
            content_type,
            request.query_params.get("expires"),
            request.query_params.get("signature"),
        )
    )
    if verdict is Verdict.EXPIRED:
        raise VozzoError(
            403, "signature_expired", "This upload link has expired; ask for a new one."
        )
    if verdict is not Verdict.VALID:
        raise VozzoError(
            403,
            "signature_invalid",
            "This upload link's signature is missing or does not match this request (the "
            "Content-Type must be exactly the one it was issued for).",
        )
    if pending is None:
        raise VozzoError(409, "already_uploaded", "This upload link has already been used.")
    try:
        size = await receive_upload(
            request,
            platform.storage,
            pending.storage_key,
            content_type,
            limit=upload_limit(platform),
            exact_size=pending.file_size,
        )
    except ApiError as exc:
        raise VozzoError(exc.status, exc.code, exc.message, exc.headers) from None
    if await asyncio.to_thread(platform.recordings.mark_stored, recording_uuid, size):
        platform.transcription.submit(recording_uuid)
    return size


def parse_form_metadata(text: str | None) -> UploadMetadata:
    """The direct upload's ``metadata``: absent, or a JSON string holding an object."""
    if text is None:
        return UploadMetadata()
    try:
        value = decode_body(text.encode("utf-8"))
    except WireValueError:
        raise bad_request(METADATA_NOT_JSON_STRING) from None
    if not isinstance(value, dict):
        raise bad_request(METADATA_NOT_JSON_STRING)
    try:
        return UploadMetadata.model_validate(value)
    except ValidationError as exc:
        raise bad_request(problem_text(exc)) from None


async def direct_upload(platform: VozzoPlatform, profile: str, request: Request) -> dict[str, Any]:
    limit = upload_limit(platform)
    spool = platform.storage.temp_path()
    try:
        form = await read_form(request, spool, limit + DRAIN_SLACK)
    except FormTooLarge:
        raise VozzoError(
            413, "payload_too_large", f"The upload is larger than the {limit}-byte limit."
        ) from None
    except FormError as exc:
        raise bad_request(str(exc)) from None
    try:
        metadata_part = form.field("metadata")
        if metadata_part is not None and metadata_part.filename is not None:
            raise bad_request(METADATA_NOT_JSON_STRING)
        metadata = parse_form_metadata(None if metadata_part is None else form.text(metadata_part))
        usecase_part = form.field("usecase_uuid")
        usecase_uuid = form.text(usecase_part).strip() if usecase_part else metadata.usecase_uuid
        await _usecase_exists(platform, usecase_uuid or None)
        file_part = form.field("file")
        if file_part is None or file_part.filename is None:
            raise bad_request("file: the recording is required, as a file part named 'file'.")
        if len(file_part.filename) > MAX_FILE_NAME:
            raise bad_request(f"file: the file name is longer than {MAX_FILE_NAME} characters.")
        if file_part.size > limit:
            raise VozzoError(
                413, "payload_too_large", f"The upload is larger than the {limit}-byte limit."
            )
        audio_format = sniff_audio(await asyncio.to_thread(form.head, file_part, SNIFF_BYTES))
        if audio_format is None:
            raise VozzoError(
                415, "unsupported_media_type", "file: the uploaded bytes are not an audio file."
            )
        recording_uuid = str(uuid.uuid4())
        file_name = file_part.filename or f"recording{_EXTENSIONS[audio_format]}"
        s3_key = _s3_key(platform, profile, recording_uuid, file_name)
        key = storage_key(s3_key)
        try:
            size = await platform.storage.write_stream(
                key,
                form.chunks(file_part),
                audio_format=audio_format,
                max_bytes=limit,
                expected=file_part.size,
            )
        except NotAudio as exc:
            raise VozzoError(415, "unsupported_media_type", f"file: {exc}") from None
        except TooLarge as exc:
            raise VozzoError(413, "payload_too_large", str(exc)) from None
        except StorageError as exc:  # an unusable or taken key: not expected for a new uuid
            raise bad_request(str(exc)) from None
    except FormError as exc:
        raise bad_request(str(exc)) from None
    finally:
        await asyncio.to_thread(form.close)
    await asyncio.to_thread(platform.db.use_profile, profile)
    await asyncio.to_thread(
        platform.recordings.add,
        NewRecording(
            recording_uuid=recording_uuid,
            usecase_uuid=usecase_uuid or None,
            profile=profile,
            file_name=file_name,
            file_size=size,
            content_type=FORMAT_TYPES[audio_format],
            s3_key=s3_key,
            storage_key=key,
            call_date=metadata.call_date,
            call_type=metadata.call_type,
            metadata={**metadata.dump(), "usecase_uuid": usecase_uuid or None},
        ),
        stored=True,
    )
    platform.transcription.submit(recording_uuid)
    return {"recording_uuid": recording_uuid, "s3_key": s3_key, "state": "INITIATED"}
