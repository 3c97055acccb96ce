"""Voxpria's built-in voice agents: configuration files under
``resources/voxpria/agents/``, loaded at every start (with or without ``--no-demo``).

An agent has a script of lines with ``{variable}`` placeholders, the variables it
declares (each required unless it has a default), the scorecard its calls are scored
with (a file under ``resources/voxpria/scorecards/``) and the scenarios a simulated
customer follows: reply *i* follows script line *i*. A file whose script uses an
undeclared variable, or names a scorecard that does not load, stops the server with a
message naming the file: an agent that cannot fill its own script would fail every call.
Agents name companies and clinics, so every word of the script and of the variables'
defaults must be pronounceable (``analysis.lexicon``): guessed words are logged, and a
word that cannot be pronounced at all stops the server with the word named.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from voxdesk.contracts.voxpria import Agent, AgentVariable
from voxdesk.resources import resource_path
from voxdesk.server.analysis.lexicon import PronunciationError, pronounce_phrases
from voxdesk.server.scorecard import Scorecard, ScorecardError, parse_scorecard

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Customer voices (flite), picked from the number like the scenario; the agent's is its own.
CUSTOMER_VOICES = ("slt", "rms")


class AgentConfigError(Exception):
    """An agent file that cannot be used; the message names the file and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VariableSpec(_Strict):
    description: str = ""
    default: str | None = None


class Scenario(_Strict):
    outcome: str = Field(min_length=1)
    replies: list[str | None] = Field(min_length=1)


class VoiceAgent(_Strict):
    agent_id: str = Field(alias="agentId", pattern=r"^agent_[A-Za-z0-9_]+$")
    name: str = Field(min_length=1)
    scorecard: str = Field(min_length=1)
    voice: str = "awb"
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    script: list[str] = Field(min_length=1)
    scenarios: list[Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> VoiceAgent:
        undeclared = [v for v in self.used_variables if v not in self.variables]
        if undeclared:
            raise ValueError(f"the script uses undeclared variable(s) {', '.join(undeclared)}")
        for scenario in self.scenarios:
            if len(scenario.replies) > len(self.script):
                raise ValueError(f"scenario {scenario.outcome!r} has more replies than lines")
        return self

    @property
    def used_variables(self) -> list[str]:
        """The placeholders of the script, in order of first use."""
        return list(dict.fromkeys(PLACEHOLDER.findall("\n".join(self.script))))

    def required_variables(self) -> list[str]:
        return [v for v in self.used_variables if self.variables[v].default is None]

    def missing_variables(self, given: Mapping[str, str]) -> list[str]:
        return [v for v in self.required_variables() if v not in given]

    def fill(self, line: str, given: Mapping[str, str]) -> str:
        """``line`` with every placeholder replaced, in one pass (a value holding braces
        is spoken as written, never expanded again)."""
        values = {name: spec.default for name, spec in self.variables.items()}
        values.update(given)

        def value(match: re.Match[str]) -> str:
            filled = values.get(match.group(1))
            if filled is None:
                raise KeyError(match.group(1))
            return filled

        return PLACEHOLDER.sub(value, line)

    def scenario_for(self, number: str) -> tuple[Scenario, str]:
        """The customer's scenario and voice for ``number``: the same number always
        answers the same way."""
        digest = int.from_bytes(hashlib.sha256(number.encode()).digest()[:8], "big")
        scenario = self.scenarios[digest % len(self.scenarios)]
        return scenario, CUSTOMER_VOICES[(digest >> 16) % len(CUSTOMER_VOICES)]

    def dialogue(self, number: str, given: Mapping[str, str]) -> tuple[list[dict], str]:
        """The conversation to synthesise (``synth.render``'s script) and its outcome."""
        scenario, _ = self.scenario_for(number)
        turns: list[dict] = []
        for index, line in enumerate(self.script):
            turns.append({"agent": self.fill(line, given)})
            reply = scenario.replies[index] if index < len(scenario.replies) else None
            if reply:
                turns.append({"customer": reply})
        return turns, scenario.outcome

    def wire(self, scorecard_id: str) -> Agent:
        return Agent(
            agent_id=self.agent_id,
            name=self.name,
            scorecard_id=scorecard_id,
            variables=[
                AgentVariable(
                    name=name,
                    required=self.variables[name].default is None,
                    description=self.variables[name].description,
                )
                for name in self.used_variables
            ],
        )


@dataclass(frozen=True)
class LoadedAgent:
    config: VoiceAgent
    scorecard: Scorecard


def agents_dir() -> Path:
    return resource_path("voxpria", "agents")


def load_agent(path: Path) -> LoadedAgent:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
        config = VoiceAgent.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise AgentConfigError(f"{path}: cannot be read: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise AgentConfigError(f"{path}: field {field}: {first['msg']}") from exc
    spoken = [PLACEHOLDER.sub(" ", line) for line in config.script]
    spoken += [v.default for v in config.variables.values() if v.default]
    try:
        pronounce_phrases(spoken, f"agent {path.name}")
    except PronunciationError as exc:
        raise AgentConfigError(f"{path}: its script: {exc}") from exc
    card_path = path.parent.parent / "scorecards" / config.scorecard
    try:
        scorecard = parse_scorecard(card_path)
    except ScorecardError as exc:
        raise AgentConfigError(f"{path}: its scorecard: {exc}") from exc
    return LoadedAgent(config, scorecard)


def load_agents(directory: Path | None = None) -> dict[str, LoadedAgent]:
    """Every agent file (``*.yaml``) in ``directory``, by agent id, in file-name order."""
    directory = directory or agents_dir()
    agents: dict[str, LoadedAgent] = {}
    for path in sorted(directory.glob("*.yaml")):
        agent = load_agent(path)
        if agent.config.agent_id in agents:
            raise AgentConfigError(f"{path}: agent id {agent.config.agent_id} is used twice")
        agents[agent.config.agent_id] = agent
    return agents
