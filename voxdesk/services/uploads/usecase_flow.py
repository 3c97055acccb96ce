"""One job's way into a Vozzo use case: check → upload link → PUT → follow.

Here the link request is what *creates* the recording (on the local server the
recording appears once its audio is stored), so the order differs from the Voxxi flow
(upload, then create). Exactly one recording per file rests on two rules:

1. **A link is kept until its PUT is settled, and PUT to again.** The link names one
   recording and takes one body: PUT again after an earlier PUT was stored (a killed
   app's bytes may still arrive after it died), the platform answers 409, which proves
   the recording exists. So a resumed or retried job with an unexpired link never asks
   for another.
2. **Before asking for a new link, look for the job's marker** (``find_upload``: the job
   id, kept in the recording's metadata). Found, the job adopts that recording; absent,
   no earlier link became a recording. This settles a link request whose answer was
   lost, and an expired link. The search is narrowed to the job's call date, so it costs
   one short list request.

The job reuses the queue's fields: ``category_id`` is the use case, ``call_id`` the
recording's reference once it exists, ``create_attempts`` counts link requests;
``upload_link``/``link_recording_id`` hold the link until its PUT is settled.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from voxdesk.providers.errors import AuthError, ProviderError
from voxdesk.providers.errors import ValidationError as RefusedRequest
from voxdesk.providers.protocols import SupportsUseCaseUpload
from voxdesk.providers.queries import UseCaseUpload
from voxdesk.providers.signed_urls import url_expiry
from voxdesk.services.calls import CallService
from voxdesk.services.uploads.checks import MAX_UPLOAD_BYTES, FileCheck, check_file
from voxdesk.services.uploads.flow import (
    CHANGED,
    FlowTimings,
    JobControl,
    _not_created,
    follow_to_end,
)
from voxdesk.services.uploads.jobs import UploadJob, UploadState

log = logging.getLogger("voxdesk.uploads")

#: Link requests for one job (each only after proving the last made no recording).
MAX_LINK_ATTEMPTS = 3
LOST_LINK = "The answer to the upload-link request was lost; checking whether it made a recording."


def _expired(upload_url: str) -> bool:
    """Whether a kept link is past (or within a minute of) its expiry; one that does not
    say when it expires is taken as expired, so the marker search decides."""
    expires = url_expiry(upload_url)
    return expires is None or expires - timedelta(minutes=1) <= datetime.now(UTC)


def usecase_upload(job: UploadJob) -> UseCaseUpload:
    """What the platform is asked for ``job``: its marker is the job id."""
    assert job.content_type is not None
    return UseCaseUpload(
        usecase_id=job.category_id,
        file_name=job.name,
        size=job.size,
        content_type=job.content_type,
        marker=job.id,
        call_date=job.call_date[:10] if job.call_date else None,
        call_type=job.udfs.get("call_type"),
    )


class UseCaseUploadFlow:
    def __init__(
        self,
        service: CallService,
        *,
        max_bytes: int = MAX_UPLOAD_BYTES,
        follow: bool = True,
        timings: FlowTimings | None = None,
    ) -> None:
        assert isinstance(service.provider, SupportsUseCaseUpload)
        self.service = service
        self.provider: SupportsUseCaseUpload = service.provider
        self.max_bytes = max_bytes
        self.follow = follow
        self.timings = timings or FlowTimings()

    async def run(self, control: JobControl) -> None:
        while True:
            state = control.job.state
            if state.is_final:
                return
            if state is UploadState.PROCESSING:
                if self.follow:
                    await self._follow(control)
                else:
                    return
            elif state is UploadState.CREATING:
                await self._link_and_put(control)
            elif state is UploadState.OUTCOME_UNKNOWN:
                if not await self._reconcile(control, settle=True):
                    return
            else:
                await self._check(control)

    async def _check(self, control: JobControl) -> None:
        job = await control.save(state=UploadState.CHECKING, reason=None, bytes_sent=0)
        now = await asyncio.to_thread(check_file, job.path, self.max_bytes)
        queued = FileCheck(job.path, job.size, job.mtime_ns, job.fingerprint)
        reason = now.reason if not now.ok else (None if now.same_file(queued) else CHANGED)
        if reason is not None:
            await control.save(state=UploadState.REFUSED, reason=reason)
            return
        if job.upload_link is not None and not _expired(job.upload_link):
            # The kept link makes at most its one recording: adopt it if an earlier PUT
            # stored it, else PUT again.
            if not await self._adopt_if_stored(control):
                await self._put(control)
            return
        # An earlier start of this job may have made the recording: look before asking.
        await self._reconcile(control, settle=False)

    async def _adopt_if_stored(self, control: JobControl) -> bool:
        """Adopt the recording the job's marker names, if there is one; ``False`` when
        there is none or the list cannot be read (the caller goes on as if none)."""
        try:
            found = await self.provider.find_upload(usecase_upload(control.job))
        except ProviderError as exc:
            log.info("looking for upload %s failed: %s", control.job.id, exc)
            return False
        if found is None:
            return False
        await self._adopt(control, found.recording_uuid)
        return True

    async def _adopt(self, control: JobControl, recording_id: str) -> None:
        log.info("upload %s is recording %s", control.job.id, recording_id)
        await control.save(
            state=UploadState.PROCESSING,
            call_id=await self.provider.upload_call_id(usecase_upload(control.job), recording_id),
            bytes_sent=control.job.size,
            reason=None,
            upload_link=None,
            link_recording_id=None,
        )

    async def _reconcile(self, control: JobControl, *, settle: bool) -> bool:
        """Adopt the recording the job's marker names, or clear the job to ask for a
        link; ``False`` (job left as it is, with the reason) when the list is unreadable."""
        if settle:
            await asyncio.sleep(self.timings.settle)
        try:
            found = await self.provider.find_upload(usecase_upload(control.job))
        except ProviderError as exc:
            await control.save(
                state=UploadState.OUTCOME_UNKNOWN,
                reason=f"Could not check whether the recording was made ({exc}); "
                "Retry checks again.",
            )
            return False
        if found is None:
            await control.save(
                state=UploadState.CREATING, reason=None, upload_link=None, link_recording_id=None
            )
            return True
        await self._adopt(control, found.recording_uuid)
        return True

    async def _link_and_put(self, control: JobControl) -> None:
        job = control.job
        if job.create_attempts >= MAX_LINK_ATTEMPTS:
            await control.save(
                state=UploadState.FAILED,
                reason=f"No upload link worked in {job.create_attempts} tries; try again later.",
            )
            return
        job = await control.save(create_attempts=job.create_attempts + 1)
        request = usecase_upload(job)
        try:
            link = await self.provider.create_upload_link(request)
        except ProviderError as exc:
            if _not_created(exc):
                await control.save(state=UploadState.FAILED, reason=f"Not uploaded: {exc}")
            else:
                log.info("upload link for %s has an unknown outcome: %s", job.id, exc)
                await control.save(state=UploadState.OUTCOME_UNKNOWN, reason=LOST_LINK)
            return
        await control.save(upload_link=link.upload_url, link_recording_id=link.recording_uuid)
        await self._put(control)

    async def _put(self, control: JobControl) -> None:
        job = await control.save(state=UploadState.UPLOADING, bytes_sent=0)
        assert job.upload_link is not None and job.link_recording_id is not None
        request = usecase_upload(job)
        try:
            await self.provider.put_recording(job.upload_link, request, job.path, control.report)
        except ProviderError as exc:
            if isinstance(exc, RefusedRequest) and exc.status == 409:
                log.info("upload %s: its link was used already; adopting it", job.id)
            elif await self._adopt_if_stored(control):
                # The PUT broke, but the link's recording is stored (an earlier PUT of a
                # killed run finished meanwhile, and this one was turned away).
                return
            elif isinstance(exc, AuthError) and exc.status == 403:
                # The link expired or was refused: look for the marker again (as always)
                # before a fresh link.
                await control.save(
                    state=UploadState.OUTCOME_UNKNOWN,
                    reason=str(exc),
                    upload_link=None,
                    link_recording_id=None,
                )
                return
            else:
                await control.save(state=UploadState.FAILED, reason=f"The upload failed: {exc}")
                return
        except OSError as exc:
            await control.save(
                state=UploadState.REFUSED,
                reason=f"The file could not be read ({exc.strerror or exc}).",
            )
            return
        await self._adopt(control, job.link_recording_id)

    async def _follow(self, control: JobControl) -> None:
        await follow_to_end(
            self.service, self.timings, control, "The platform no longer has the recording."
        )
