"""Which columns and filters the call list offers, per platform, as data.

A platform's list is a ``ListLayout``: its columns (title, the catalog column it sorts
by, a sample that sizes it, how a row's value reads) and the filters it offers. The
model, the header and the filter bar read the layout; none of them asks which platform
is connected. Voxxi and the local server keep the analysis-centred list (agent,
category, score); the voice-bot platform lists how each call went (direction, campaign,
state, outcome, survey score). A platform with no layout of its own gets Voxxi's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from voxdesk.domain import CallStatus, Disposition
from voxdesk.services.call_words import direction_text, disposition_text
from voxdesk.services.catalog import CallRow, SortKey
from voxdesk.services.formatting import PLACEHOLDER, format_duration, format_score

#: The word beside the status icon (``status_icon``): never colour or a symbol alone.
STATUS_TEXT = {
    CallStatus.PENDING: "Pending…",
    CallStatus.PROCESSING: "Processing…",
    CallStatus.COMPLETED: "Completed",
    CallStatus.FAILED: "Failed",
}


def format_date(row: CallRow) -> str:
    return row.date.astimezone().strftime("%Y-%m-%d %H:%M") if row.date else PLACEHOLDER


class FilterKind(StrEnum):
    """The filter widgets a layout can offer."""

    STATUS = "status"
    AGENT = "agent"
    CATEGORY = "category"
    OUTCOME = "outcome"
    SCORE = "score"
    DATE = "date"
    CAMPAIGN = "campaign"
    DISPOSITION = "disposition"
    DIRECTION = "direction"
    REVIEW = "review"


@dataclass(frozen=True)
class ListColumn:
    """One column: what it shows and how the catalog sorts it."""

    key: SortKey
    title: str
    #: Text as wide as the column's usual values, in the user's font.
    sample: str
    text: Callable[[CallRow], str]
    #: Numbers line up on the right.
    numeric: bool = False
    #: The value drawn as a coloured score pill (``ScoreBadgeDelegate``), if any.
    score: Callable[[CallRow], float | None] | None = None
    #: Long values are shortened ("…") before the list scrolls sideways.
    elides: bool = False
    #: The analysis status icon is drawn beside the text; where the list is narrow the
    #: column shrinks to the icon (the word stays in the cell's tooltip).
    status_icon: bool = False
    #: Hidden first where the list is too narrow for every column (the value is also in
    #: the call's detail); the header's menu shows it again.
    optional: bool = False


#: The states a finished call can be in (the voice-bot platform lists only those).
FINAL_DISPOSITIONS = tuple(d for d in Disposition if d.is_final)


@dataclass(frozen=True)
class ListLayout:
    name: str
    columns: tuple[ListColumn, ...]
    filters: frozenset[FilterKind]
    search_hint: str
    #: The states the state filter offers (``FilterKind.DISPOSITION``).
    dispositions: tuple[Disposition, ...] = FINAL_DISPOSITIONS
    #: What the campaign filter's "any" entry says (``FilterKind.CAMPAIGN``).
    any_grouping: str = "All campaigns"

    def index_of(self, key: SortKey) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.key == key), None)

    def offers(self, kind: FilterKind) -> bool:
        return kind in self.filters


def _or_placeholder(value: str | None) -> str:
    return value or PLACEHOLDER


DATE = ListColumn(SortKey.DATE, "Date", "2026-12-31 23:59", format_date)
DURATION = ListColumn(
    SortKey.DURATION,
    "Duration",
    "Duration",
    lambda r: format_duration(r.duration),
    numeric=True,
    optional=True,
)
AGENT = ListColumn(
    SortKey.AGENT, "Agent", "Firstname Lastname", lambda r: _or_placeholder(r.agent), elides=True
)
SCORE = ListColumn(
    SortKey.SCORE,
    "Score",
    # The pill is three digits wide; the title with its sort arrow is the wider of the two.
    "Score 10",
    lambda r: format_score(r.score),
    numeric=True,
    score=lambda r: r.score,
)
OUTCOME = ListColumn(
    SortKey.OUTCOME, "Outcome", "Unresolved", lambda r: _or_placeholder(r.outcome), elides=True
)
DIRECTION = ListColumn(
    SortKey.DIRECTION,
    "Direction",
    "Outbound",
    lambda r: _or_placeholder(direction_text(r.direction)),
    optional=True,
)
REVIEW_TEXT = {"unreviewed": "Unreviewed", "draft": "Draft", "reviewed": "Reviewed"}
#: The reviewer's columns: review state, human score and human − AI.
REVIEW_COLUMNS = (
    ListColumn(
        SortKey.REVIEW, "Review", "Unreviewed", lambda r: REVIEW_TEXT.get(r.review_state, "?")
    ),
    ListColumn(
        SortKey.HUMAN_SCORE,
        "Human",
        "Human 10",
        lambda r: format_score(r.human_score),
        numeric=True,
        score=lambda r: r.human_score,
    ),
    ListColumn(
        SortKey.DELTA,
        "Δ",
        "Δ -100",
        lambda r: PLACEHOLDER if r.delta is None else f"{r.delta:+.0f}",
        numeric=True,
    ),
)

#: Voxxi's and the local server's list; its column order is ``call_list_model.Column``.
ANALYSIS = ListLayout(
    name="analysis",
    columns=(
        DATE,
        AGENT,
        ListColumn(
            SortKey.CATEGORY,
            "Category",
            "Customer support QA",
            lambda r: _or_placeholder(r.category),
            elides=True,
            optional=True,
        ),
        DURATION,
        SCORE,
        OUTCOME,
        ListColumn(
            SortKey.STATUS,
            "Status",
            "Processing…",
            lambda r: STATUS_TEXT[r.status],
            status_icon=True,
        ),
        *REVIEW_COLUMNS,
    ),
    filters=frozenset(
        {
            FilterKind.REVIEW,
            FilterKind.STATUS,
            FilterKind.AGENT,
            FilterKind.CATEGORY,
            FilterKind.OUTCOME,
            FilterKind.SCORE,
            FilterKind.DATE,
        }
    ),
    search_hint="Search agent, outcome, call ID, summary  (Ctrl+F)",
)

#: The voice-bot platform: calls a bot placed or answered, each in a campaign.
VOICE_BOT = ListLayout(
    name="voicecalls",
    columns=(
        DATE,
        DIRECTION,
        ListColumn(
            SortKey.GROUPING,
            "Campaign",
            "camp_appointments",
            lambda r: _or_placeholder(r.grouping),
            elides=True,
        ),
        ListColumn(
            SortKey.DISPOSITION,
            "State",
            "No answer",
            lambda r: _or_placeholder(disposition_text(r.disposition)),
        ),
        OUTCOME,
        ListColumn(
            SortKey.SURVEY_SCORE,
            "Survey",
            # The pill is three digits wide; the title is the wider of the two.
            "Survey 10",
            lambda r: format_score(r.survey_score),
            numeric=True,
            score=lambda r: r.survey_score,
        ),
        DURATION,
        REVIEW_COLUMNS[0],
    ),
    filters=frozenset(
        {
            FilterKind.CAMPAIGN,
            FilterKind.DISPOSITION,
            FilterKind.DIRECTION,
            FilterKind.DATE,
            FilterKind.REVIEW,
        }
    ),
    search_hint="Search outcome, call ID  (Ctrl+F)",
)

#: VOIX's own words for where a call is: received (beat 1, no recording yet),
#: transcribing, completed, failed.
VOIX_STATUS_TEXT = {
    CallStatus.PENDING: "Received",
    CallStatus.PROCESSING: "Transcribing…",
    CallStatus.COMPLETED: "Completed",
    CallStatus.FAILED: "Failed",
}

#: VOIX: a phone system's calls, sent from here, each with its VOIX status.
VOIX = ListLayout(
    name="voix",
    columns=(
        DATE,
        DIRECTION,
        AGENT,
        DURATION,
        SCORE,
        OUTCOME,
        ListColumn(
            SortKey.STATUS,
            "VOIX status",
            "Transcribing…",
            lambda r: VOIX_STATUS_TEXT[r.status],
            status_icon=True,
        ),
    ),
    filters=frozenset({FilterKind.STATUS, FilterKind.AGENT, FilterKind.DIRECTION, FilterKind.DATE}),
    search_hint="Search agent, outcome, call ID, summary  (Ctrl+F)",
)

STATE = ListColumn(
    SortKey.DISPOSITION,
    "State",
    "In progress",
    lambda r: _or_placeholder(disposition_text(r.disposition)),
)

#: Voxpria: calls its agents placed, followed live (queued … completed), then scored.
VOXPRIA = ListLayout(
    name="voxpria",
    columns=(
        DATE,
        ListColumn(
            SortKey.GROUPING,
            "Agent",
            "Appointment confirmation",
            lambda r: _or_placeholder(r.grouping),
            elides=True,
        ),
        STATE,
        DURATION,
        SCORE,
        OUTCOME,
        ListColumn(
            SortKey.STATUS,
            "Analysis",
            "Processing…",
            lambda r: STATUS_TEXT[r.status],
            status_icon=True,
        ),
    ),
    filters=frozenset({FilterKind.CAMPAIGN, FilterKind.DISPOSITION, FilterKind.DATE}),
    search_hint="Search outcome, call ID  (Ctrl+F)",
    # Every one of the contract's seven: a placed call is listed while it rings.
    dispositions=tuple(Disposition),
    any_grouping="All agents",
)

#: Vozzo: recordings uploaded to a use case, answered and put in a bucket (no agent,
#: no score: answers are not points).
VOZZO = ListLayout(
    name="vozzo",
    columns=(
        DATE,
        ListColumn(
            SortKey.GROUPING,
            "Use case",
            "Loan leads follow-up",
            lambda r: _or_placeholder(r.grouping),
            elides=True,
        ),
        DURATION,
        ListColumn(
            SortKey.OUTCOME,
            "Bucket",
            "Warm Lead",
            lambda r: _or_placeholder(r.outcome),
            elides=True,
        ),
        ListColumn(
            SortKey.STATUS,
            "Analysis",
            "Processing…",
            lambda r: STATUS_TEXT[r.status],
            status_icon=True,
        ),
        REVIEW_COLUMNS[0],
    ),
    filters=frozenset({FilterKind.CAMPAIGN, FilterKind.STATUS, FilterKind.DATE, FilterKind.REVIEW}),
    search_hint="Search bucket, call ID, summary  (Ctrl+F)",
    any_grouping="All use cases",
)

_BY_PLATFORM = {"voicecalls": VOICE_BOT, "voxpria": VOXPRIA, "voix": VOIX, "vozzo": VOZZO}


def layout_for(platform: str | None) -> ListLayout:
    """The list a connection to ``platform`` shows (Voxxi's for the ones without their own)."""
    return _BY_PLATFORM.get(platform or "", ANALYSIS)
