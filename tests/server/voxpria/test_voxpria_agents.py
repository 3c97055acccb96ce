"""Voxpria's agent files: the built-in ones load and fill their scripts; a file that
could not fill its own script, or names a scorecard that does not load, is refused with
a message naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voxdesk.server.platforms.voxpria.agents import (
    AgentConfigError,
    agents_dir,
    load_agent,
    load_agents,
)

REMINDER = "payment-reminder.yaml"


@pytest.fixture
def resources(tmp_path: Path) -> Path:
    """A copy of the shipped agents and scorecards to break."""
    shutil.copytree(agents_dir().parent, tmp_path / "voxpria")
    return tmp_path / "voxpria"


def test_every_built_in_agent_fills_its_whole_script() -> None:
    for loaded in load_agents().values():
        agent = loaded.config
        given = {name: f"<{name}>" for name in agent.required_variables()}
        dialogue, outcome = agent.dialogue("+14155551234", given)
        spoken = " ".join(text for turn in dialogue for text in turn.values())
        assert "{" not in spoken and "}" not in spoken
        assert all(f"<{name}>" in spoken for name in given)
        assert outcome in {s.outcome for s in agent.scenarios}


def test_a_value_with_braces_is_spoken_as_written() -> None:
    agent = load_agents()["agent_payment_reminder"].config
    line = agent.fill("Hello {customerName}.", {"customerName": "{accountNumber}"})
    assert line == "Hello {accountNumber}."


def test_an_undeclared_script_variable_is_refused(resources: Path) -> None:
    path = resources / "agents" / REMINDER
    path.write_text(path.read_text().replace("{amountDue}", "{balanceOwed}"))
    with pytest.raises(AgentConfigError, match="balanceOwed") as caught:
        load_agent(path)
    assert str(path) in str(caught.value)


def test_a_scorecard_that_does_not_load_is_refused(resources: Path) -> None:
    (resources / "scorecards" / REMINDER).write_text("id: [broken\n")
    with pytest.raises(AgentConfigError, match="scorecard") as caught:
        load_agents(resources / "agents")
    assert REMINDER in str(caught.value)


def test_the_same_agent_id_twice_is_refused(resources: Path) -> None:
    shutil.copy(resources / "agents" / REMINDER, resources / "agents" / "copy.yaml")
    with pytest.raises(AgentConfigError, match="used twice"):
        load_agents(resources / "agents")
