"""What the call list asks the catalog for, and how that becomes SQL: the filter, the
sort order, the row the list shows, and the WHERE / ORDER BY built from them.

Sorting and filtering run in SQLite with LIMIT/OFFSET — never in a Qt proxy model,
which takes 17 s to sort 100k rows where an indexed query takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from voxdesk.domain import AgentKind, CallStatus, Direction, Disposition
from voxdesk.services.catalog.review_marks import REVIEW_STATE_SQL

#: Trigrams need three characters; shorter searches scan with LIKE.
MIN_INDEXED_SEARCH = 3
#: Up to this many matching rows, sorting them beats walking the order's index.
NARROW_FILTER_ROWS = 5000


class SortKey(StrEnum):
    """A sortable column; each value is the column's name in ``calls``."""

    DATE = "date"
    AGENT = "agent"
    CATEGORY = "category"
    DURATION = "duration"
    SCORE = "score"
    OUTCOME = "outcome"
    STATUS = "status"
    # The neutral facts of the platforms that list calls (schema 2).
    DIRECTION = "direction"
    DISPOSITION = "disposition"
    #: The grouping's name where the platform gives one, else its id (a campaign…).
    GROUPING = "grouping_name"
    TALK_TIME = "talk_time"
    SURVEY_SCORE = "survey_score"
    # The review columns, from ``review_marks`` (joined, so sorted rather than indexed).
    REVIEW = "review_state"
    HUMAN_SCORE = "human_score"
    DELTA = "score_delta"


REVIEW_SORT_KEYS = frozenset({SortKey.REVIEW, SortKey.HUMAN_SCORE, SortKey.DELTA})


@dataclass(frozen=True)
class CallFilter:
    """What the reviewer narrowed the list to. Empty fields do not filter.

    ``grouping`` matches the grouping as the list shows it (its name, else its id:
    a voice-bot campaign id), like ``agent`` and ``category`` match their names."""

    text: str = ""
    statuses: frozenset[CallStatus] = frozenset()
    agent: str | None = None
    category: str | None = None
    outcome: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    grouping: str | None = None
    disposition: Disposition | None = None
    direction: Direction | None = None
    #: Review states (``ReviewState`` values: unreviewed, draft, reviewed).
    review_states: frozenset[str] = frozenset()
    delta_min: float | None = None
    delta_max: float | None = None
    #: Only calls whose human score differs from the AI's.
    differs: bool = False
    #: The Needs attention view: analysed calls not yet reviewed whose AI score is
    #: below this, or that the AI failed on an auto-fail criterion, or that have an
    #: answer the engine marked uncertain.
    attention_below: float | None = None


@dataclass(frozen=True)
class CallOrder:
    key: SortKey = SortKey.DATE
    descending: bool = True


NEWEST_FIRST = CallOrder(SortKey.DATE, descending=True)


@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of the call list: only what the list shows, so 100k rows stay small.
    The fields after ``outcome`` are ``None`` for platforms that do not have them."""

    call_id: str
    status: CallStatus
    agent: str | None
    category: str | None
    date: datetime | None
    duration: float | None
    score: float | None
    outcome: str | None
    direction: Direction | None = None
    disposition: Disposition | None = None
    grouping: str | None = None
    talk_time: float | None = None
    survey_score: float | None = None
    agent_kind: AgentKind | None = None
    review_state: str = "unreviewed"
    human_score: float | None = None
    delta: float | None = None


#: Read from ``calls`` joined to ``review_marks`` (``CALLS_WITH_MARKS``).
ROW_COLUMNS = (
    "call_id, status, agent, category, date, duration, score, outcome, "
    "direction, disposition, grouping_name, talk_time, survey_score, agent_kind, "
    f"{REVIEW_STATE_SQL}, human_score, score_delta"
)


def call_row(r: tuple) -> CallRow:
    return CallRow(
        call_id=r[0],
        status=CallStatus(r[1]),
        agent=r[2],
        category=r[3],
        date=datetime.fromisoformat(r[4]) if r[4] else None,
        duration=r[5],
        score=r[6],
        outcome=r[7],
        direction=Direction(r[8]) if r[8] else None,
        disposition=Disposition(r[9]) if r[9] else None,
        grouping=r[10],
        talk_time=r[11],
        survey_score=r[12],
        agent_kind=AgentKind(r[13]) if r[13] else None,
        review_state=r[14],
        human_score=r[15],
        delta=r[16],
    )


def iso(moment: datetime | None) -> str | None:
    # Stored as UTC text so that lexical order is time order.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: Filters on one value, each with its ``calls_<column>_by_date`` index.
_EQUALITY_FILTERS = (
    ("agent", "agent"),
    ("category", "category"),
    ("outcome", "outcome"),
    ("grouping", "grouping_name"),
    ("disposition", "disposition"),
    ("direction", "direction"),
)
NEWEST_INDEXED_COLUMNS = (
    "agent",
    "category",
    "outcome",
    "status",
    "grouping_name",
    "disposition",
    "direction",
)


def newest_of_one(where: CallFilter, order: CallOrder) -> bool:
    """True when a ``calls_<column>_by_date`` index serves both the filter and the order."""
    return order == NEWEST_FIRST and (
        any(getattr(where, name) for name, _ in _EQUALITY_FILTERS) or len(where.statuses) == 1
    )


def order_by(order: CallOrder, *, use_index: bool = True) -> str:
    """The order as one ORDER BY that SQLite sorts by: NULLs last in both directions (a
    call still processing has no score yet), ties by call id. A unary ``+`` keeps
    SQLite from using the order's index (for narrow filters). A page walked along the
    order's index uses ``index_walks`` instead."""
    key = order.key.value if use_index else f"+{order.key.value}"
    if order.descending:
        return f"{key} IS NOT NULL DESC, {key} DESC, call_id DESC"
    return f"{key} IS NULL ASC, {key} ASC, call_id ASC"


@dataclass(frozen=True)
class IndexWalk:
    """One stretch of an order's index, walked in order: the rows that also match
    ``where`` (SQL; empty for all of them), in ``order_by``'s order."""

    where: str
    order_by: str


def indexed(order: CallOrder) -> bool:
    """Whether ``order`` has a sort index (``calls_<key>``) to walk."""
    return order.key not in REVIEW_SORT_KEYS


def index_walks(order: CallOrder) -> tuple[IndexWalk, ...]:
    """``order`` (``order_by``'s: NULLs last, ties by call id) as walks of its one sort
    index, ``(connection, <key>, call_id)``. SQLite keeps NULL below every value, so a
    walk from the end (descending) comes to the NULLs last by itself, and ascending
    walks the values and then the NULLs: two stretches. One index serves both
    directions, where a single ORDER BY of both needs two (one per place of the NULLs):
    half the indexes for every write and for a first sync to build."""
    key = order.key.value
    if order.descending:
        return (IndexWalk("", f"{key} DESC, call_id DESC"),)
    return (
        IndexWalk(f"{key} IS NOT NULL", f"{key} ASC, call_id ASC"),
        IndexWalk(f"{key} IS NULL", "call_id ASC"),
    )


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def where_sql(
    connection: str,
    where: CallFilter,
    *,
    index_filters: bool = True,
    indexed_search: bool = False,
) -> Where:
    """The filter as SQL. ``index_filters=False`` marks the filter's columns with a
    unary ``+`` so SQLite walks the order's index instead (for broad filters)."""
    c = "" if index_filters else "+"
    clause = Where()
    clause.add("connection = ?", connection)
    text = where.text.strip()
    if indexed_search and len(text) >= MIN_INDEXED_SEARCH:
        # The matches drive (a few rowids), never a scan of the connection's keys
        # probing the index per key: ``+connection`` keeps that index out of it.
        clause.add(
            "call_id IN (SELECT call_id FROM call_keys WHERE +connection = ? AND id IN "
            "(SELECT rowid FROM calls_search WHERE calls_search MATCH ?))",
            connection,
            '"' + text.replace('"', '""') + '"',
        )
    elif text:
        pattern = like(text)
        clause.add(
            "(agent LIKE ? ESCAPE '\\' OR outcome LIKE ? ESCAPE '\\' "
            "OR call_id LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')",
            pattern,
            pattern,
            pattern,
            pattern,
        )
    if where.statuses:
        marks = ",".join("?" * len(where.statuses))
        clause.add(f"{c}status IN ({marks})", *sorted(s.value for s in where.statuses))
    for name, column in _EQUALITY_FILTERS:
        value = getattr(where, name)
        if value:
            clause.add(f"{c}{column} = ?", str(value))
    if where.score_min is not None:
        clause.add(f"{c}score >= ?", where.score_min)
    if where.score_max is not None:
        clause.add(f"{c}score <= ?", where.score_max)
    if where.date_from is not None:
        clause.add(f"{c}date >= ?", iso(where.date_from))
    if where.date_to is not None:
        clause.add(f"{c}date <= ?", iso(where.date_to))
    _review_filters(clause, where)
    return clause


def _review_filters(clause: Where, where: CallFilter) -> None:
    """The review columns' filters (the query joins ``review_marks`` for them)."""
    if where.review_states:
        marks = ",".join("?" * len(where.review_states))
        clause.add(f"{REVIEW_STATE_SQL} IN ({marks})", *sorted(where.review_states))
    if where.delta_min is not None:
        clause.add("score_delta >= ?", where.delta_min)
    if where.delta_max is not None:
        clause.add("score_delta <= ?", where.delta_max)
    if where.differs:
        clause.add("score_delta != 0")
    if where.attention_below is not None:
        clause.add(
            f"status = ? AND {REVIEW_STATE_SQL} != 'reviewed' "
            "AND (score < ? OR auto_failed = 1 OR uncertain_criteria > 0)",
            CallStatus.COMPLETED.value,
            where.attention_below,
        )
