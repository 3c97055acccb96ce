"""A phone system's call log (CSV) sent to VOIX through the outbox, row by row.

Columns (header names, any order): ``from``, ``to``, ``startTime`` (required),
``outgoing`` (true/false), ``duration`` (whole seconds), ``userId``, ``teamId`` (UUIDs)
and ``recordingUrl``; an empty cell is an omitted field. A row is known by its from, to
and start time, so running the same log again finds its calls: those without a
recording get beat 1, those with one the finishing beat, and a beat VOIX has already
answered is skipped. Each row gets a report (sent, skipped as already sent, refused with
the reason); a refused row never stops the others.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxdesk.contracts.voix import InvalidSubmission
from voxdesk.providers.voix import VoixProvider
from voxdesk.services.voix_outbox import CALL_FIELDS, Sent, VoixOutbox

REQUIRED_COLUMNS = ("from", "to", "startTime")
COLUMNS = (*CALL_FIELDS, "recordingUrl")


class CallLogError(ValueError):
    """The file cannot be read as a call log at all; the message says why."""


@dataclass(frozen=True)
class LogRow:
    line: int
    key: str
    fields: dict[str, Any]
    recording_url: str | None


@dataclass(frozen=True)
class RowReport:
    line: int
    outcome: Sent
    beat: str
    call_id: str | None = None
    job_id: str | None = None
    reason: str | None = None

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
                rows.append(LogRow(reader.line_num, key, fields, cells.get("recordingUrl") or None))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CallLogError(f"{path} cannot be read as a CSV call log: {exc}") from exc


async def send_call_log(
    outbox: VoixOutbox, provider: VoixProvider, connection_id: str, rows: list[LogRow]
) -> list[RowReport]:
    reports = []
    for row in rows:
        beat = "the finishing beat" if row.recording_url else "beat 1"
        try:
            call = await outbox.prepare(connection_id, row.key, row.fields, row.recording_url)
        except InvalidSubmission as exc:
            reports.append(RowReport(row.line, Sent.REFUSED, beat, reason=str(exc)))
            continue
        if call.recording_url is not None:
            beat = "the finishing beat"
        result = await outbox.send(provider, call)
        reports.append(
            RowReport(
                row.line,
                result.outcome,
                beat,
                call_id=call.call_id,
                job_id=result.call.job_id,
                reason=result.reason,
            )
        )
    return reports
