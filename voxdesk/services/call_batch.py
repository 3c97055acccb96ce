"""A small batch of Voxpria calls: one agent to several numbers, pasted or from a CSV.

Rows are read and checked before anything is sent (``read_rows``: pasted numbers, one a
line, or CSV text whose header has a ``toNumber`` or ``number`` column, every other column
a variable of that row). ``CallBatch.run`` then places them in order, at most ``lines``
calls under way at once — the platform's concurrency (its lines), so rows not yet dialled
really are waiting here and ``cancel`` can stop them. Each placed call is followed until
it ends (``CallService.follow``: fast while it rings and talks); every change of a row
goes to ``on_change``; the summary says what was placed, what was refused and why, and
how the placed calls ended.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from voxdesk.domain import Call, Disposition, OutboundCallRequest
from voxdesk.domain.phone import parse_e164
from voxdesk.providers.errors import NotFound
from voxdesk.services.call_words import DISPOSITION_WORDS
from voxdesk.services.outbound import AttemptState
from voxdesk.services.placing import AgentChoice, CallPlacer

NUMBER_COLUMNS = ("toNumber", "number")
#: Calls under way at once when the platform does not say (the local simulator's default).
DEFAULT_LINES = 4


class RowState(StrEnum):
    WAITING = "waiting"
    PLACING = "placing"
    PLACED = "placed"
    REFUSED = "refused"
    #: Never sent: cancelled, or the platform could not be reached.
    NOT_PLACED = "not_placed"
    #: The answer was lost and the platform's list could not yet tell.
    UNKNOWN = "unknown"


ROW_WORDS = {
    RowState.WAITING: "Waiting",
    RowState.PLACING: "Placing…",
    RowState.PLACED: "Placed",
    RowState.REFUSED: "Refused",
    RowState.NOT_PLACED: "Not placed",
    RowState.UNKNOWN: "Not known yet",
}
_FROM_ATTEMPT = {
    AttemptState.PLACED: RowState.PLACED,
    AttemptState.REFUSED: RowState.REFUSED,
    AttemptState.NOT_PLACED: RowState.NOT_PLACED,
    AttemptState.UNKNOWN: RowState.UNKNOWN,
    AttemptState.SENDING: RowState.UNKNOWN,
}


@dataclass(frozen=True)
class BatchRow:
    number: str
    variables: dict[str, str] = field(default_factory=dict)
    state: RowState = RowState.WAITING
    call_id: str | None = None
    disposition: Disposition | None = None
    reason: str | None = None

    @property
    def status_text(self) -> str:
        """What the row's Status column says: the call's own state once it is placed."""
        if self.state is RowState.PLACED and self.disposition is not None:
            return DISPOSITION_WORDS[self.disposition]
        words = ROW_WORDS[self.state]
        return f"{words}: {self.reason}" if self.reason else words


class RowsError(ValueError):
    """Rows that cannot be sent; the message names each line and what is wrong with it."""


def read_rows(text: str, agent: AgentChoice, common: dict[str, str]) -> list[BatchRow]:
    """The rows of pasted numbers or CSV text, each checked (an E.164 number, every
    required variable of ``agent`` given by its row or by ``common``); a ``RowsError``
    naming every bad line otherwise."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise RowsError("Paste at least one number, or load a CSV file.")
    header = [c.strip() for c in next(csv.reader([lines[0]]))]
    column = next((c for c in NUMBER_COLUMNS if c in header), None)
    if column is None:
        # Plain numbers, one a line (a line that looks like a header but names no
        # number column is reported as the bad number it is).
        raw = [(n, line.strip(), {}) for n, line in enumerate(lines, start=1)]
    else:
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        raw = [
            (
                n,
                (row.get(column) or "").strip(),
                {
                    k.strip(): v.strip()
                    for k, v in row.items()
                    if k and k != column and v not in (None, "")
                },
            )
            for n, row in enumerate(reader, start=2)
        ]
    rows, problems = [], []
    for line, number, variables in raw:
        merged = {**common, **variables}
        try:
            normalised = parse_e164(number)
        except ValueError as exc:
            problems.append(f"Line {line}: {exc}")
            continue
        if missing := agent.missing(merged):
            problems.append(f"Line {line} ({normalised}): no value for {', '.join(missing)}")
            continue
        rows.append(BatchRow(normalised, merged))
    if problems:
        raise RowsError("\n".join(problems))
    return rows


@dataclass(frozen=True)
class BatchSummary:
    rows: tuple[BatchRow, ...]

    @property
    def placed(self) -> list[BatchRow]:
        return [r for r in self.rows if r.state is RowState.PLACED]

    def text(self) -> str:
        """ "3 rows: 2 placed, 1 refused. Ended: 1 completed, 1 busy." with reasons."""
        counts = Counter(r.state for r in self.rows)
        parts = [f"{counts[s]} {ROW_WORDS[s].lower().rstrip('…')}" for s in RowState if counts[s]]
        noun = "row" if len(self.rows) == 1 else "rows"
        text = f"{len(self.rows)} {noun}: {', '.join(parts)}."
        ended = Counter(r.disposition for r in self.placed if r.disposition is not None)
        if ended:
            text += " Ended: " + ", ".join(
                f"{count} {DISPOSITION_WORDS[d].lower()}" for d, count in ended.items()
            )
            text += "."
        for row in self.rows:
            if row.state in (RowState.REFUSED, RowState.UNKNOWN) and row.reason:
                text += f"\n{row.number}: {row.reason}"
        return text


class CallBatch:
    """One run of rows through ``placer``; cancel the ``run`` task to stop following."""

    def __init__(
        self,
        placer: CallPlacer,
        agent_id: str,
        rows: list[BatchRow],
        *,
        lines: int = DEFAULT_LINES,
        on_change: Callable[[int, BatchRow], None] | None = None,
    ) -> None:
        self._placer = placer
        self._agent_id = agent_id
        self.rows = list(rows)
        self._lines = asyncio.Semaphore(max(1, lines))
        self._on_change = on_change
        self._cancelled = False

    def cancel(self) -> None:
        """Stop the rows not yet placed, at once; the placed ones ring on (a call cannot
        be taken back) and are still followed to their end."""
        self._cancelled = True
        for index, row in enumerate(self.rows):
            if row.state is RowState.WAITING:
                self._set(index, state=RowState.NOT_PLACED, reason="cancelled")

    def _set(self, index: int, **changes: object) -> None:
        self.rows[index] = replace(self.rows[index], **changes)  # type: ignore[arg-type]
        if self._on_change is not None:
            self._on_change(index, self.rows[index])

    async def run(self) -> BatchSummary:
        following: list[asyncio.Task[None]] = []
        try:
            for index, row in enumerate(self.rows):
                await self._lines.acquire()
                if self._cancelled:  # its rows were marked by ``cancel``
                    self._lines.release()
                    break
                self._set(index, state=RowState.PLACING)
                request = OutboundCallRequest(
                    agent_id=self._agent_id, to_number=row.number, variables=row.variables
                )
                attempt = await self._placer.place(request)
                state = _FROM_ATTEMPT[attempt.state]
                self._set(index, state=state, call_id=attempt.call_id, reason=attempt.reason)
                if state is RowState.PLACED and attempt.call_id:
                    following.append(asyncio.create_task(self._follow(index, attempt.call_id)))
                else:
                    self._lines.release()
            await asyncio.gather(*following)
        finally:
            for task in following:
                task.cancel()
        return BatchSummary(tuple(self.rows))

    async def _follow(self, index: int, call_id: str) -> None:
        """Follow one placed call until it ends; its line is free again then."""

        def changed(call: Call) -> None:
            if call.disposition is not None:
                self._set(index, disposition=call.disposition)

        try:
            await self._placer.service.follow(
                call_id,
                on_update=changed,
                until=lambda call: call.disposition is not None and call.disposition.is_final,
            )
        except NotFound:
            self._set(index, reason="the platform no longer has this call")
        finally:
            self._lines.release()


def read_csv_file(path: Path) -> str:
    """A CSV file's text for the batch box; a ``RowsError`` saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RowsError(f"{path.name} cannot be read: {exc}") from None
