"""Calls laid out as the catalog's rows, ready to write.

Laying a call out (its JSON, its columns) is most of a write's Python work. Done apart
from the write, it can run on any thread: a sync lays out each page on the worker
thread that parsed it, so the catalog's thread only binds rows and runs SQLite. A batch
waiting for its write then holds plain tuples of text and numbers, which the garbage
collector stops tracking, instead of some fifteen model objects a call that it would
walk again and again (its longest pauses of a 100,000-call sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from voxdesk.domain import Call
from voxdesk.services.catalog.query import iso
from voxdesk.services.catalog.schema import CALL_COLUMNS, neutral_values

#: Positions in a row (``CALL_COLUMNS`` order) of what is resolved when it is written:
#: the agent's and the category's names, from the connection's members and categories.
_MEMBER_ID, _AGENT, _CATEGORY_ID, _CATEGORY = 3, 4, 5, 6
INSERT_CALLS = (
    f"INSERT OR REPLACE INTO calls ({CALL_COLUMNS}) "
    f"VALUES ({','.join('?' * (CALL_COLUMNS.count(',') + 1))})"
)


def catalog_row(connection: str, call: Call, fetched_at: float) -> tuple:
    """One call's row, in ``CALL_COLUMNS`` order; the agent and category columns hold
    their ids until ``CallRows.named`` puts the names the catalog knows in."""
    analysis = call.analysis
    return (
        connection,
        call.id,
        call.status.value,
        call.member_id,
        call.member_id,
        call.category_id,
        call.category_id,
        iso(call.date),
        call.duration,
        analysis.score if analysis else None,
        analysis.outcome_label if analysis else None,
        call.summary,
        # Defaults left out (parsing puts them back): about half the size, so most
        # rows fit their page without an overflow page.
        call.model_dump_json(exclude_defaults=True),
        fetched_at,
        *neutral_values(call),
    )


@dataclass(frozen=True)
class CallRows:
    """One connection's calls as rows (``CALL_COLUMNS`` order), with their ids."""

    connection: str
    ids: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)

    @classmethod
    def of(cls, connection: str, calls: Iterable[Call]) -> CallRows:
        """Lay ``calls`` out; their fetch time is now."""
        now = datetime.now(UTC).timestamp()
        rows = [catalog_row(connection, call, now) for call in calls]
        return cls(connection, [row[1] for row in rows], rows)

    @classmethod
    def joined(cls, connection: str, parts: Iterable[CallRows]) -> CallRows:
        ids: list[str] = []
        rows: list[tuple] = []
        for part in parts:
            ids += part.ids
            rows += part.rows
        return cls(connection, ids, rows)

    def __len__(self) -> int:
        return len(self.rows)

    def named(self, agents: dict[str, str], categories: dict[str, str]) -> list[tuple]:
        """The rows with the agent and category names the catalog knows (ids where it
        knows none); rebuilt only where a name differs from its id."""
        if not agents and not categories:
            return self.rows
        named = []
        for row in self.rows:
            agent = agents.get(row[_MEMBER_ID], row[_AGENT])
            category = categories.get(row[_CATEGORY_ID], row[_CATEGORY])
            if agent != row[_AGENT] or category != row[_CATEGORY]:
                row = (*row[:_AGENT], agent, row[_CATEGORY_ID], category, *row[_CATEGORY + 1 :])
            named.append(row)
        return named
