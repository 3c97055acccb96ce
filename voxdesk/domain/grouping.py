"""How platforms group calls: Voxxi by category (the scorecard), the voice-bot platform
by campaign, Vozzo by use case, VOIX by team. One shape for all of them."""

from __future__ import annotations

from enum import StrEnum

from voxdesk.domain.models import DomainModel


class GroupingKind(StrEnum):
    CAMPAIGN = "campaign"
    CATEGORY = "category"
    USE_CASE = "use_case"
    TEAM = "team"


class Grouping(DomainModel):
    """The group a call belongs to, named the way its platform names groups."""

    kind: GroupingKind
    id: str
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Category(DomainModel):
    """A call category: the scorecard a call is analysed against (Voxxi's grouping)."""

    id: str
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def as_grouping(self) -> Grouping:
        return Grouping(kind=GroupingKind.CATEGORY, id=self.id, name=self.name)
