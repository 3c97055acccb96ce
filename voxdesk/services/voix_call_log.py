"""A phone system's call log (CSV) sent to VOIX through the outbox, row by row.

Columns (header names, any order): ``from``, ``to``, ``startTime`` (required),
``outgoing`` (true/false), ``duration`` (whole seconds), ``userId``, ``teamId`` (UUIDs),
and the recording as ``recordingUrl`` (a URL VOIX can fetch) or ``recording`` (a local
file, relative to the log's folder); an empty cell is an omitted field. VOIX must be
able to fetch a recording, so a file is staged first in storage VOIX reaches (``stage``:
the voxdesk local server's own storage, whose signed URL it fetches) and its URL kept in
the outbox, so a re-run stages nothing again; with nowhere to stage, the row is refused.

A row is known by its from, to and start time, so running the same log again finds
its calls: those without a recording get beat 1, those with one the finishing beat, and
a beat VOIX has already answered is skipped. Each row gets a report (sent, skipped as
already sent, refused with the reason); a refused row never stops the others.
"""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from voxdesk.contracts.voix import InvalidSubmission
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.signed_urls import url_expiry
from voxdesk.providers.voix import VoixProvider
from voxdesk.providers.voxxi import LocalProvider
from voxdesk.services.uploads.checks import check_file
from voxdesk.services.voix_outbox import CALL_FIELDS, OutboxCall, Sent, VoixOutbox, check_call

REQUIRED_COLUMNS = ("from", "to", "startTime")
#: A staged URL is reused only with this long left: VOIX fetches soon after the
#: finishing beat, but not at once.
REUSE_MARGIN = timedelta(minutes=2)
COLUMNS = (*CALL_FIELDS, "recordingUrl", "recording")
NOWHERE_TO_STAGE = (
    "a recording file must first be staged where VOIX can fetch it, and only the voxdesk "
    "local server can stage it (its own token as the staging token); give a recordingUrl "
    "instead"
)

#: Puts a local recording where VOIX can fetch it; returns that URL.
Stager = Callable[[Path], Awaitable[str]]


class CallLogError(ValueError):
    """The file cannot be read as a call log at all; the message says why."""


@dataclass(frozen=True)
class LogRow:
    line: int
    key: str
    fields: dict[str, Any]
    recording_url: str | None
    recording_file: Path | None = None


@dataclass(frozen=True)
class RowReport:
    line: int
    outcome: Sent
    beat: str
    call_id: str | None = None
    job_id: str | None = None
    reason: str | None = None
    #: The call as the outbox has it after this row (``None`` when refused before).
    call: OutboxCall | None = None

    @property
    def went_through(self) -> bool:
        return self.outcome in (Sent.SENT, Sent.SKIPPED)


def _value(column: str, text: str) -> Any:
    """A cell as its JSON value where it has an obvious one; anything else stays text,
    for the contract's check to refuse in plain words."""
    if column == "outgoing" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if column == "duration" and text.isdigit():
        return int(text)
    return text


def read_call_log(path: Path) -> list[LogRow]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                raise CallLogError(
                    f"{path} has no {', '.join(missing)} column(s); a call log needs "
                    f"{', '.join(REQUIRED_COLUMNS)} and may have {', '.join(COLUMNS[3:])}."
                )
            unknown = [name for name in header if name not in COLUMNS]
            if unknown:
                raise CallLogError(
                    f"{path} has column(s) VOIX does not take: {', '.join(unknown)} "
                    f"(known: {', '.join(COLUMNS)})."
                )
            rows = []
            for raw in reader:
                cells = {
                    (k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None
                }
                fields = {
                    name: _value(name, cells[name])
                    for name in CALL_FIELDS
                    if cells.get(name, "") != ""
                }
                key = "|".join(cells.get(name, "") for name in REQUIRED_COLUMNS)
                file = cells.get("recording") or None
                rows.append(
                    LogRow(
                        reader.line_num,
                        key,
                        fields,
                        cells.get("recordingUrl") or None,
                        None if file is None else (path.parent / file).resolve(),
                    )
                )
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CallLogError(f"{path} cannot be read as a CSV call log: {exc}") from exc


class StagingRefused(ValueError):
    """The file cannot be staged (not audio, too large, missing); the message says why."""


def stage_on_local_server(storage: LocalProvider) -> Stager:
    """A stager that uploads to the local server's staging (``POST /staging``) and
    answers the signed URL VOIX fetches. The server removes the staged copy once its
    own VOIX has fetched it, or once that URL has expired. A server older than staging
    (404) gets a Voxxi presigned upload instead, which it keeps."""

    async def stage(path: Path) -> str:
        checked = check_file(path)
        if not checked.ok or checked.content_type is None:
            raise StagingRefused(f"{path.name}: {checked.reason}")
        try:
            target = await storage.request_staging(path.name, checked.content_type)
        except ProviderError as exc:
            if exc.status != 404:
                raise
            target = await storage.request_upload(path.name, checked.content_type, checked.size)
        await storage.upload(target, path)
        return target.public_url

    return stage


def _still_fetchable(url: str) -> bool:
    """``url`` is good for ``REUSE_MARGIN`` more (or does not say when it expires)."""
    expiry = url_expiry(url)
    return expiry is None or expiry - datetime.now(UTC) > REUSE_MARGIN


async def _recording(
    outbox: VoixOutbox, connection_id: str, row: LogRow, stage: Stager | None
) -> str | None:
    """The row's recording URL, staging its file once (``StagingRefused``,
    ``ProviderError``)."""
    if row.recording_file is None:
        return row.recording_url
    if row.recording_url is not None:
        raise StagingRefused("give recordingUrl or recording, not both")
    known = await outbox.get(connection_id, row.key)
    source = str(row.recording_file)
    # VOIX answered it (a re-run sends nothing again), or VOIX can still fetch it: reuse
    # it. A staged URL that expired before VOIX took it is staged afresh, or VOIX's fetch
    # would fail on a file that is fine.
    if (
        known is not None
        and known.recording_source == source
        and known.recording_url
        and (known.answered or _still_fetchable(known.recording_url))
    ):
        return known.recording_url
    if stage is None:
        raise StagingRefused(NOWHERE_TO_STAGE)
    return await stage(row.recording_file)


async def send_call_log(
    outbox: VoixOutbox,
    provider: VoixProvider,
    connection_id: str,
    rows: list[LogRow],
    stage: Stager | None = None,
    on_report: Callable[[RowReport], None] | None = None,
) -> list[RowReport]:
    """Send every row, in order; each row's report is also passed to ``on_report`` as
    soon as it is known (the desk shows them as they come)."""
    reports: list[RowReport] = []

    def report(row_report: RowReport) -> None:
        reports.append(row_report)
        if on_report is not None:
            on_report(row_report)

    for row in rows:
        has_recording = row.recording_url is not None or row.recording_file is not None
        beat = "the finishing beat" if has_recording else "beat 1"
        try:
            check_call(row.fields, row.recording_url)  # before staging anything
            url = await _recording(outbox, connection_id, row, stage)
            source = None if row.recording_file is None else str(row.recording_file)
            call = await outbox.prepare(connection_id, row.key, row.fields, url, source)
        except (InvalidSubmission, StagingRefused) as exc:
            report(RowReport(row.line, Sent.REFUSED, beat, reason=str(exc)))
            continue
        except ProviderError as exc:
            reason = f"staging the recording failed: {exc}"
            report(RowReport(row.line, Sent.FAILED, beat, reason=reason))
            continue
        if call.recording_url is not None:
            beat = "the finishing beat"
        result = await outbox.send(provider, call)
        report(
            RowReport(
                row.line,
                result.outcome,
                beat,
                call_id=call.call_id,
                job_id=result.call.job_id,
                reason=result.reason,
                call=result.call,
            )
        )
    return reports
