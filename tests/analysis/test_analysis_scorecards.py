"""Scorecard files: the built-in ones load, broken ones are refused with file, field
and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxdesk.server.scorecard import ScorecardError, load_scorecards, parse_scorecard

RULE_KINDS = {"said", "not_said", "max_silence_seconds", "max_talk_share"}


def test_builtin_scorecards_load_and_use_every_rule_kind() -> None:
    cards = load_scorecards()
    assert {"support-qa", "sales-qa"} <= set(cards)
    for card in cards.values():
        kinds = {c.rule.kind for s in card.sections for c in s.criteria}
        assert kinds == RULE_KINDS, card.id
        assert any(c.auto_fail for s in card.sections for c in s.criteria)
        assert any(c.rule.within_seconds for s in card.sections for c in s.criteria)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VALID = """
id: mini
name: Mini
sections:
  - id: s
    name: S
    criteria:
      - {id: c, question: Q, points: 1, rule: RULE}
outcomes:
  - label: Only
"""


@pytest.mark.parametrize(
    ("rule", "field", "reason"),
    [
        ("{said: []}", "sections.0.criteria.0.rule.said", "at least 1 item"),
        ("{said: [hi], not_said: [bye]}", "sections.0.criteria.0.rule", "exactly one of"),
        ("{max_silence_seconds: 10, within_seconds: 5}", "sections.0.criteria.0.rule",
         "within_seconds only applies"),
        ("{max_talk_share: 1.5}", "sections.0.criteria.0.rule.max_talk_share",
         "less than or equal"),
        ("{said: [hi], by: boss}", "sections.0.criteria.0.rule.by", "'agent', 'customer' or 'any'"),
        ("{said: [hi], sad: 1}", "sections.0.criteria.0.rule.sad", "Extra inputs"),
    ],
)  # fmt: skip
def test_invalid_rules_name_file_field_and_reason(
    tmp_path: Path, rule: str, field: str, reason: str
) -> None:
    path = write(tmp_path, "mini.yaml", VALID.replace("RULE", rule))
    with pytest.raises(ScorecardError) as info:
        parse_scorecard(path)
    message = str(info.value)
    assert message.startswith(f"{path}: field {field}: ")
    assert reason in message


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "id: [unclosed")
    with pytest.raises(ScorecardError, match=r"broken\.yaml: cannot be read"):
        parse_scorecard(path)


def test_default_outcome_must_come_last(tmp_path: Path) -> None:
    text = VALID.replace("RULE", "{said: [hi]}").replace(
        "  - label: Only", "  - label: Only\n  - label: Late\n    rule: {said: [bye]}"
    )
    with pytest.raises(ScorecardError, match=r"field outcomes: .*last outcome is the default"):
        parse_scorecard(write(tmp_path, "order.yaml", text))


def test_load_scorecards_refuses_a_broken_extra_file(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", VALID.replace("RULE", "{said: [hi]}"))
    bad = write(tmp_path, "zz-bad.json", '{"id": "bad", "name": "Bad"}')
    with pytest.raises(ScorecardError, match=rf"{bad}: field sections: Field required"):
        load_scorecards([tmp_path])


def test_load_scorecards_adds_extra_cards(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", VALID.replace("RULE", "{said: [hi]}"))
    assert "mini" in load_scorecards([tmp_path])


def test_missing_extra_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="not a directory"):
        load_scorecards([tmp_path / "nope"])


def test_repeated_criterion_ids_are_named(tmp_path: Path) -> None:
    text = VALID.replace("RULE", "{said: [hi]}").replace(
        "      - {id: c,",
        "      - {id: c, question: Q, points: 1, rule: {said: [x]}}\n      - {id: c,",
    )
    with pytest.raises(ScorecardError, match=r"field sections\.0\.criteria: .*repeated: c"):
        parse_scorecard(write(tmp_path, "dupes.yaml", text))
