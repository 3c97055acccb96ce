"""Scorecard files: the schema a category is scored against, and their loading.

A scorecard file (JSON or YAML) describes the sections and criteria of one call
category; its ``id`` is the ``categoryId`` that ``POST /calls`` accepts. Built-in
scorecards live in ``resources/scorecards``; ``voxdesk server --scorecards DIR`` adds
more. A file that does not validate is refused at start with the file, the field and
the reason, so a typo never silently scores calls against half a scorecard.

Every word of every phrase must have a pronunciation the recogniser can use (see
``analysis.lexicon``): words the dictionary lacks are guessed and logged at load, and a
phrase with a word that cannot be pronounced at all refuses the file, naming the word.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from voxdesk.resources import resource_path
from voxdesk.server.analysis.lexicon import PronunciationError, pronounce_phrases

Speaker = Literal["agent", "customer", "any"]
SCORECARD_SUFFIXES = (".json", ".yaml", ".yml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """What a criterion or an outcome checks. Exactly one kind of check per rule."""

    said: list[str] | None = Field(default=None, min_length=1)
    not_said: list[str] | None = Field(default=None, min_length=1)
    max_silence_seconds: float | None = Field(default=None, gt=0)
    max_talk_share: float | None = Field(default=None, gt=0, le=1)
    by: Speaker = "any"
    within_seconds: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one_check(self) -> Rule:
        kinds = [
            name
            for name in ("said", "not_said", "max_silence_seconds", "max_talk_share")
            if getattr(self, name) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                "a rule needs exactly one of said, not_said, max_silence_seconds, "
                f"max_talk_share (found: {', '.join(kinds) or 'none'})"
            )
        if self.within_seconds is not None and self.said is None:
            raise ValueError("within_seconds only applies to a 'said' rule")
        return self

    @property
    def kind(self) -> str:
        for name in ("said", "not_said", "max_silence_seconds", "max_talk_share"):
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated rule without a kind")


class Criterion(_Strict):
    """One yes/no question of a scorecard. ``advice`` is what to tell the agent when the
    answer is No; without it the advice is derived from the question."""

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    points: int = Field(ge=0)
    auto_fail: bool = False
    advice: str | None = Field(default=None, min_length=1)
    rule: Rule


class Section(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, criteria: list[Criterion]) -> list[Criterion]:
        _require_unique([c.id for c in criteria], "criterion ids")
        return criteria


class Outcome(_Strict):
    label: str = Field(min_length=1)
    rule: Rule | None = None


class Scorecard(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1)
    agent_channel: Literal[0, 1] = 0
    sections: list[Section] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)

    def phrases(self) -> list[str]:
        """Every phrase a criterion or an outcome listens for, in file order."""
        rules = [c.rule for s in self.sections for c in s.criteria]
        rules += [o.rule for o in self.outcomes if o.rule is not None]
        found = [p for r in rules for p in (r.said or r.not_said or [])]
        return list(dict.fromkeys(found))

    # Field validators (not one model validator) so an error names the offending field.
    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[Section]) -> list[Section]:
        _require_unique([s.id for s in sections], "section ids")
        return sections

    @field_validator("outcomes")
    @classmethod
    def _default_last(cls, outcomes: list[Outcome]) -> list[Outcome]:
        if outcomes[-1].rule is not None:
            raise ValueError("the last outcome is the default and must have no rule")
        if any(o.rule is None for o in outcomes[:-1]):
            raise ValueError("only the last outcome may omit its rule")
        return outcomes


def _require_unique(ids: list[str], what: str) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{what} must be unique (repeated: {', '.join(repeated)})")


class ScorecardError(Exception):
    """A scorecard file that cannot be used; the message names file, field and reason."""


def parse_scorecard(path: Path) -> Scorecard:
    """Read and validate one scorecard file."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScorecardError(f"{path}: cannot be read: {exc}") from exc
    try:
        card = Scorecard.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ScorecardError(f"{path}: field {field}: {first['msg']}") from exc
    try:
        pronounce_phrases(card.phrases(), f"scorecard {path.name}")
    except PronunciationError as exc:
        raise ScorecardError(f"{path}: {exc}") from exc
    return card


def builtin_scorecard_dir() -> Path:
    return resource_path("scorecards")


def load_scorecards(extra_dirs: Iterable[Path] = ()) -> dict[str, Scorecard]:
    """Built-in scorecards plus those in ``extra_dirs``; a later file with the same id wins."""
    cards: dict[str, Scorecard] = {}
    for directory in (builtin_scorecard_dir(), *extra_dirs):
        if not directory.is_dir():
            raise ScorecardError(f"{directory}: not a directory")
        for path in sorted(directory.iterdir()):
            if path.suffix in SCORECARD_SUFFIXES:
                card = parse_scorecard(path)
                cards[card.id] = card
    return cards
