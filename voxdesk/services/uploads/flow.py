"""One job's way through the platform: check → upload → create → follow.

Each step writes the state it is about to enter before it acts, and each failure is
sorted by what it proves. An upload may always start again from byte 0; a create is
sent again only when the platform cannot have acted on it, or when its call list shows
it did not; a lost answer otherwise leaves the job "outcome unknown" until checked.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from voxdesk.domain import Call, CallStatus, NewCall, UploadTarget
from voxdesk.providers.errors import AuthError, NotFound, ProviderError, RateLimited
from voxdesk.providers.errors import ValidationError as RefusedRequest
from voxdesk.services.calls import CallService
from voxdesk.services.uploads.checks import MAX_UPLOAD_BYTES, FileCheck, check_file
from voxdesk.services.uploads.jobs import UploadJob, UploadState
from voxdesk.services.uploads.reconcile import can_reconcile, find_marked_call

log = logging.getLogger("voxdesk.uploads")

#: Creates tried for one job before giving up (each one only after proving the last
#: one made no call), so a platform that keeps failing does not loop forever.
MAX_CREATE_ATTEMPTS = 3

CHANGED = "The file changed on disk since it was queued; add it again to upload the new version."
LOST_ANSWER = (
    "The platform's answer to the create request was lost; checking whether it made the call."
)
CANNOT_CHECK = (
    "The platform's answer to the create request was lost, and {platform} cannot list "
    "calls to check whether it made the call. Look for it on the platform first: Retry "
    "creates it again."
)


@dataclass(frozen=True)
class FlowTimings:
    """Waits of the flow; tests shorten them."""

    #: Before searching for a call whose create answer was lost: let the request land.
    settle: float = 2.0
    poll_first: float = 1.0
    poll_max: float = 15.0


class JobControl(Protocol):
    """How the flow reads and changes its job (the queue implements it)."""

    @property
    def job(self) -> UploadJob: ...

    async def save(self, **changes: Any) -> UploadJob:
        """Apply ``changes``, tell listeners, and write the job to disk."""

    def report(self, sent: int, total: int) -> None:
        """Live upload progress (not written to disk)."""

    def observe(self, call: Call) -> None:
        """The call as the platform reports it now (live, not written to disk)."""


class UploadFlow:
    def __init__(
        self,
        service: CallService,
        *,
        max_bytes: int = MAX_UPLOAD_BYTES,
        follow: bool = True,
        timings: FlowTimings | None = None,
    ) -> None:
        self.service = service
        self.provider = service.provider
        self.max_bytes = max_bytes
        self.follow = follow
        self.timings = timings or FlowTimings()

    async def run(self, control: JobControl) -> None:
        """Advance the job until it is final, or can go no further without the user
        (outcome unknown and uncheckable), or is created when not following analysis."""
        while True:
            state = control.job.state
            if state.is_final:
                return
            if state is UploadState.OUTCOME_UNKNOWN:
                if not await self._reconcile(control):
                    return
            elif state is UploadState.PROCESSING:
                if not self.follow:
                    await self._look(control)
                    return
                await self._follow(control)
            elif state is UploadState.CREATING:
                await self._create(control)
            else:
                await self._upload(control)

    # --- steps -----------------------------------------------------------------------

    async def _upload(self, control: JobControl) -> None:
        job = await control.save(state=UploadState.CHECKING, reason=None, bytes_sent=0)
        if await self._refused_on_disk(control, job):
            return
        job = await control.save(state=UploadState.UPLOADING)
        try:
            target = await self._put(control, job)
        except ProviderError as exc:
            await control.save(state=UploadState.FAILED, reason=f"The upload failed: {exc}")
            return
        except OSError as exc:
            await control.save(
                state=UploadState.REFUSED,
                reason=f"The file could not be read ({exc.strerror or exc}).",
            )
            return
        if await self._refused_on_disk(control, job):
            return
        await control.save(
            state=UploadState.CREATING, public_url=target.public_url, create_attempts=0
        )

    async def _refused_on_disk(self, control: JobControl, job: UploadJob) -> bool:
        """Refuse the job when its file is gone, unreadable or no longer what was queued."""
        now = await asyncio.to_thread(check_file, job.path, self.max_bytes)
        queued = FileCheck(job.path, job.size, job.mtime_ns, job.fingerprint)
        reason = now.reason if not now.ok else (None if now.same_file(queued) else CHANGED)
        if reason is not None:
            await control.save(state=UploadState.REFUSED, reason=reason)
        return reason is not None

    async def _put(self, control: JobControl, job: UploadJob) -> UploadTarget:
        """Stream the file to a presigned URL; a 403 (the URL expired or was refused)
        gets one fresh URL and one more attempt, never a loop."""
        assert job.content_type is not None
        target = await self.provider.request_upload(job.name, job.content_type, job.size)
        try:
            await self.provider.upload(target, job.path, control.report)
        except AuthError as exc:
            if exc.status != 403:
                raise
            log.info("storage refused the upload URL (%s); asking for a fresh one", exc)
            target = await self.provider.request_upload(job.name, job.content_type, job.size)
            await self.provider.upload(target, job.path, control.report)
        return target

    async def _create(self, control: JobControl) -> None:
        job = control.job
        if job.create_attempts >= MAX_CREATE_ATTEMPTS:
            await control.save(
                state=UploadState.FAILED,
                reason=(
                    f"The platform failed to create the call {job.create_attempts} times "
                    "(none of them made a call); try again later."
                ),
            )
            return
        assert job.public_url is not None
        job = await control.save(create_attempts=job.create_attempts + 1)
        try:
            created = await self.provider.create_call(
                NewCall(
                    member_id=job.member_id,
                    category_id=job.category_id,
                    audio_url=job.public_url,
                    udfs=job.create_udfs(),
                    date=job.call_date,
                )
            )
        except ProviderError as exc:
            if _not_created(exc):
                await control.save(
                    state=UploadState.FAILED, reason=f"The call was not created: {exc}"
                )
            else:
                log.info("create for upload %s has an unknown outcome: %s", job.id, exc)
                await control.save(state=UploadState.OUTCOME_UNKNOWN, reason=LOST_ANSWER)
            return
        await control.save(state=UploadState.PROCESSING, call_id=created.call_id, reason=None)

    async def _reconcile(self, control: JobControl) -> bool:
        """Settle an unknown outcome; ``False`` when it cannot be settled now."""
        if not can_reconcile(self.provider):
            await control.save(reason=CANNOT_CHECK.format(platform=self.provider.platform))
            return False
        await asyncio.sleep(self.timings.settle)
        try:
            call_id = await find_marked_call(self.provider, control.job)
        except ProviderError as exc:
            await control.save(
                reason=f"Could not check whether the call was made ({exc}); Retry checks again."
            )
            return False
        if call_id is not None:
            log.info("upload %s reconciled to call %s", control.job.id, call_id)
            await control.save(state=UploadState.PROCESSING, call_id=call_id, reason=None)
        else:
            await control.save(state=UploadState.CREATING, reason=None)
        return True

    async def _look(self, control: JobControl) -> None:
        """Read the created call once, so a caller not following it still learns what the
        platform says of it; a failed read changes nothing (the call exists)."""
        call_id = control.job.call_id
        assert call_id is not None
        try:
            control.observe(await self.service.fetch_call(call_id))
        except ProviderError as exc:
            log.info("reading call %s after creating it failed: %s", call_id, exc)

    async def _follow(self, control: JobControl) -> None:
        call_id = control.job.call_id
        assert call_id is not None
        await follow_to_end(
            self.service, self.timings, control, f"The platform no longer has call {call_id}."
        )


async def follow_to_end(
    service: CallService, timings: FlowTimings, control: JobControl, gone: str
) -> None:
    """Poll the job's call until final and settle the job: done, failed with the
    platform's reason, or failed with ``gone`` when the platform no longer has it."""
    call_id = control.job.call_id
    assert call_id is not None
    try:
        call = await service.follow(
            call_id, control.observe, first_delay=timings.poll_first, max_delay=timings.poll_max
        )
    except NotFound:
        await control.save(state=UploadState.FAILED, reason=gone)
        return
    if call.status is CallStatus.COMPLETED:
        await control.save(state=UploadState.DONE, reason=None)
    else:
        await control.save(
            state=UploadState.FAILED,
            reason=call.error or "The platform could not analyse the recording.",
        )


def _not_created(exc: ProviderError) -> bool:
    """Whether a failed create certainly made no call: it never reached the server, or the
    server refused it outright. A 5xx or a lost answer proves nothing."""
    return not exc.request_sent or isinstance(
        exc, RefusedRequest | AuthError | NotFound | RateLimited
    )
