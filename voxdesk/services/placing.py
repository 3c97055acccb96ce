"""Placing Voxpria calls from the desk: the agents to choose from, one call placed at
most once, and the placed call in the catalog at once (so the list shows it before its
first poll).

Qt-free, over one connection's ``CallService`` and the outbound journal
(``services.outbound``): every attempt is on disk before its request leaves, and before
placing anything the attempts a previous run (or a lost answer a moment ago) left open
are settled through the platform's list. A request identical to one of those that was
placed after all adopts that call instead of dialling again — so pressing Place again
after "the answer was lost" never rings the customer twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from voxdesk.contracts.voxpria import Agent
from voxdesk.domain import OutboundCallRequest
from voxdesk.providers.errors import ProviderError
from voxdesk.services.calls import CallService
from voxdesk.services.outbound import (
    Attempt,
    AttemptState,
    AttemptStore,
    FindsAttempts,
    OutboundCalls,
)


@runtime_checkable
class PlacesAgentCalls(FindsAttempts, Protocol):
    """A provider whose agents can be listed and asked to call (Voxpria)."""

    async def list_agents(self) -> list[Agent]: ...


def can_place_calls(service: CallService | None) -> bool:
    return service is not None and isinstance(service.provider, PlacesAgentCalls)


@dataclass(frozen=True)
class AgentChoice:
    """An agent as the dialog offers it: its variables, required ones first marked."""

    agent_id: str
    name: str
    #: (name, required, description), in the agent's order.
    variables: tuple[tuple[str, bool, str], ...]

    @property
    def required(self) -> list[str]:
        return [name for name, required, _ in self.variables if required]

    def missing(self, given: dict[str, str]) -> list[str]:
        """The required variables ``given`` lacks (or leaves blank)."""
        return [name for name in self.required if not given.get(name, "").strip()]


def _choice(agent: Agent) -> AgentChoice:
    return AgentChoice(
        agent.agent_id,
        agent.name,
        tuple((v.name, v.required, v.description) for v in agent.variables),
    )


class CallPlacer:
    """Places calls through one connection; raises nothing for a refusal or a lost
    answer (they are the returned attempt's state)."""

    def __init__(self, service: CallService, store: AttemptStore) -> None:
        provider = service.provider
        if not isinstance(provider, PlacesAgentCalls):
            raise TypeError(f"{provider.platform} cannot place calls")
        self.service = service
        self._provider = provider
        self._outbound = OutboundCalls(service.connection, provider, store)
        #: Placed attempts found by ``settle`` that no request adopted yet.
        self._adoptable: list[Attempt] = []

    async def agents(self) -> list[AgentChoice]:
        """The platform's agents (a ``ProviderError`` when it cannot be asked)."""
        return [_choice(agent) for agent in await self._provider.list_agents()]

    async def settle(self) -> list[Attempt]:
        """Settle the attempts left open before (the platform is asked about each);
        those found placed are adopted by an identical request instead of a new call."""
        settled = await self._outbound.resume()
        self._adoptable += [a for a in settled if a.state is AttemptState.PLACED]
        return settled

    async def place(self, request: OutboundCallRequest) -> Attempt:
        await self.settle()
        match = next((a for a in self._adoptable if a.asks_for(request)), None)
        if match is not None:
            self._adoptable.remove(match)
            attempt = match
        else:
            attempt = await self._outbound.place(request)
        if attempt.state is AttemptState.PLACED and attempt.call_id:
            # Into the catalog now: the list shows the call before its first poll. A
            # failure here changes nothing: placed all the same, the next poll brings it.
            with contextlib.suppress(ProviderError):
                await self.service.fetch_call(attempt.call_id)
        return attempt
