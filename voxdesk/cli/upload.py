"""``voxdesk upload``: recordings to calls, on the same persistent queue the app uses.

Re-running the same command after a crash resumes the unfinished files instead of
sending them twice. A file that already made a call is not uploaded again unless asked
(``--again``): the command says which call it is, with its date and status, and exits 5.
Every mistake a command line can hold (no such file, a base URL that is not one, a date
in no accepted format) is refused before a byte is sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from voxdesk.cli.common import (
    EXIT_ALREADY_UPLOADED,
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    with_service,
)
from voxdesk.contracts.voxxi_dates import DateFormatError, parse_call_date
from voxdesk.contracts.vozzo import parse_day
from voxdesk.domain import CallStatus
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.protocols import SupportsUseCaseUpload
from voxdesk.services.calls import CallService
from voxdesk.services.formatting import PLACEHOLDER, format_duration
from voxdesk.services.uploads.checks import expand_paths
from voxdesk.services.uploads.jobs import UploadJob, UploadMetadata, UploadState
from voxdesk.services.uploads.queue import UploadQueue
from voxdesk.services.uploads.report import progress_line
from voxdesk.services.uploads.store import UploadStore

#: While waiting for analyses, a "still waiting" line this often (seconds).
HEARTBEAT = 10.0
ALREADY_UPLOADED = "already_uploaded"


def add_parser(sub: argparse._SubParsersAction, target: argparse.ArgumentParser) -> None:
    upload = sub.add_parser(
        "upload", parents=[target], help="upload recordings and create their calls"
    )
    upload.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    upload.add_argument("--member", help="the agent: member id or email (Voxxi)")
    upload.add_argument("--category", help="the category (scorecard) id (Voxxi)")
    upload.add_argument("--usecase", metavar="UUID", help="the use case to upload into (Vozzo)")
    upload.add_argument("--date", help="the call date (default: each file's modified time)")
    upload.add_argument(
        "--udf", action="append", default=[], type=_udf, metavar="KEY=VALUE",
        help="a user-defined field (repeatable)",
    )  # fmt: skip
    upload.add_argument("--wait", action="store_true", help="wait until each call is analysed")
    upload.add_argument(
        "--again", action="store_true", help="upload files that already made a call once more"
    )
    upload.add_argument("--json", action="store_true", help="one JSON line per file")
    upload.set_defaults(handler=upload_files)


def _udf(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key.strip(), value


def _metadata(options: argparse.Namespace) -> UploadMetadata:
    """What the files are filed under: a use case (Vozzo), or an agent and a category."""
    if options.usecase is not None:
        if options.member or options.category:
            raise UsageError("--usecase files into a use case: leave out --member/--category")
        if options.date is not None:
            try:
                parse_day(options.date)
            except ValueError:
                raise UsageError(f"--date: {options.date!r} is not YYYY-MM-DD") from None
        # A use case takes the place of the category; Vozzo has no agent to name.
        return UploadMetadata(
            member_id="", category_id=options.usecase, date=options.date, udfs=dict(options.udf)
        )
    if not options.member or not options.category:
        raise UsageError("name the agent and category (--member, --category) or a --usecase")
    if options.date is not None:
        try:
            parse_call_date(options.date)
        except DateFormatError as exc:
            raise UsageError(f"--date: {exc}") from None
    return UploadMetadata(
        member_id=options.member,
        category_id=options.category,
        date=options.date,
        udfs=dict(options.udf),
    )


def upload_files(options: argparse.Namespace) -> int:
    metadata = _metadata(options)
    for path in options.paths:
        if not path.exists():
            raise UsageError(f"no such file: {path}")
    return asyncio.run(with_service(options, lambda service: _upload(options, service, metadata)))


async def _upload(
    options: argparse.Namespace, service: CallService, metadata: UploadMetadata
) -> int:
    by_usecase = isinstance(service.provider, SupportsUseCaseUpload)
    if by_usecase != (options.usecase is not None):
        raise UsageError(
            f"{service.provider.platform} uploads into a use case: pass --usecase UUID"
            if by_usecase
            else f"{service.provider.platform} has no use cases: leave out --usecase"
        )
    store = UploadStore()
    await store.open()
    queue = UploadQueue(service, store, follow=options.wait)
    try:
        return await _Run(options, service, queue).run(store, metadata)
    finally:
        await queue.close()
        await store.close()


def _succeeded(job: UploadJob, waited: bool) -> bool:
    return job.state is UploadState.DONE or (job.state is UploadState.PROCESSING and not waited)


class _Run:
    """One ``voxdesk upload``: the queue, what has been printed, the progress shown."""

    def __init__(
        self, options: argparse.Namespace, service: CallService, queue: UploadQueue
    ) -> None:
        self.options = options
        self.service = service
        self.queue = queue
        self.bar = sys.stderr.isatty()
        self.ids: list[str] = []
        self.printed: set[str] = set()
        #: Per job, while waiting: the call status last reported, and since when it waits.
        self.reported: dict[str, str | None] = {}
        self.waiting_since: dict[str, float] = {}

    async def run(self, store: UploadStore, metadata: UploadMetadata) -> int:
        self.queue.subscribe(self._changed)
        heartbeat = asyncio.get_running_loop().create_task(self._heartbeat())
        try:
            files = await asyncio.to_thread(expand_paths, self.options.paths)
            repeats = [] if self.options.again else await self._already_uploaded(store, files)
            uploaded = {job.path for job in repeats}
            fresh = [path for path in files if path not in uploaded]
            for job in repeats:
                await self._say_already_uploaded(job)
            if fresh:
                self.ids.extend(await self.queue.add(fresh, metadata, again=self.options.again))
            for job_id in self.ids:
                self._changed(job_id)
            jobs = await self.queue.wait(self.ids)
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
            self._clear_bar()
        if not jobs and not repeats:
            print("voxdesk: no files to upload.", file=sys.stderr)
            return EXIT_FAILED
        if not all(_succeeded(job, self.options.wait) for job in jobs):
            return EXIT_FAILED
        return EXIT_ALREADY_UPLOADED if repeats else EXIT_OK

    # --- files that already made a call ------------------------------------------------

    async def _already_uploaded(self, store: UploadStore, files: list[Path]) -> list[UploadJob]:
        found = []
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue  # the queue's own check refuses it, with the reason
            job = await store.find_uploaded(
                self.service.connection, path, stat.st_size, stat.st_mtime_ns
            )
            if job is not None:
                found.append(job)
        return found

    async def _say_already_uploaded(self, job: UploadJob) -> None:
        assert job.call_id is not None
        date, status, score = job.call_date, None, None
        try:
            call = await self.service.open_call(job.call_id)
        except ProviderError as exc:
            status = f"its status unknown: {exc}"
        else:
            date = call.date.isoformat() if call.date else date
            status = call.status.value
            score = call.analysis.score if call.analysis else None
        message = (
            f"{job.path} is already uploaded as call {job.call_id} with date "
            f"{date or PLACEHOLDER} ({status}); not uploading it again (--again would)."
        )
        if self.options.json:
            line = self._json(job, state=ALREADY_UPLOADED, status=status, score=score)
            line.update(date=date, error=message)
            print(json.dumps(line), flush=True)
        else:
            print(f"{ALREADY_UPLOADED}\t{job.path}\t{job.call_id}", flush=True)
        print(f"voxdesk: {message}", file=sys.stderr)

    # --- progress ----------------------------------------------------------------------

    def _changed(self, job_id: str) -> None:
        job = self.queue.job(job_id)
        if self.bar:
            line = progress_line(self.queue.totals(), self.queue.jobs(), len(self.printed))
            print("\r\033[K" + line, end="", file=sys.stderr)
        if job is None or job_id not in self.ids or job_id in self.printed:
            return
        if self.options.wait and job.state is UploadState.PROCESSING:
            self._report_analysis(job)
        if self.queue.running(job_id):
            return
        self.printed.add(job_id)
        self._clear_bar()
        print(self._line(job), flush=True)

    def _report_analysis(self, job: UploadJob) -> None:
        """A line on stderr each time a call's analysis moves on (pending, processing)."""
        status = job.call_status
        if status is not None and CallStatus(status).is_final:
            return
        if job.id in self.reported and self.reported[job.id] == status:
            return
        self.reported[job.id] = status
        since = self.waiting_since.setdefault(job.id, time.monotonic())
        self._note(
            f"{job.name}: call {job.call_id} is {status or 'created'}; waiting for its "
            f"analysis ({format_duration(time.monotonic() - since)} so far)"
        )

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            waiting = [
                job
                for job in self.queue.jobs()
                if job.id in self.ids and job.state is UploadState.PROCESSING
            ]
            if self.options.wait and waiting:
                since = min(self.waiting_since.get(job.id, time.monotonic()) for job in waiting)
                self._note(
                    f"still waiting for the analysis of {len(waiting)} call(s) "
                    f"({format_duration(time.monotonic() - since)} so far)"
                )

    def _note(self, text: str) -> None:
        self._clear_bar()
        print(f"voxdesk: {text}", file=sys.stderr, flush=True)

    def _clear_bar(self) -> None:
        if self.bar:
            print("\r\033[K", end="", file=sys.stderr)

    # --- result lines ------------------------------------------------------------------

    def _json(self, job: UploadJob, **fields: object) -> dict[str, object]:
        line: dict[str, object] = {
            "file": str(job.path),
            "state": job.state.value,
            "callId": job.call_id,
            "status": job.call_status,
            "score": job.score,
            "date": job.call_date,
            "error": job.reason,
            "uploadId": job.id,
        }
        line.update(fields)
        return line

    def _line(self, job: UploadJob) -> str:
        if self.options.json:
            return json.dumps(self._json(job))
        outcome = job.call_id or job.reason or ""
        return f"{job.state.value}\t{job.path}\t{outcome}"
