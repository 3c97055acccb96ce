"""VOIX API keys: the server's ``--token`` is workspace-wide (a submission names its
team in ``teamId``); each ``--voix-team-key KEY=TEAM_UUID`` is scoped to one team
(``teamId`` is then ignored and the key's team used). Keys arrive as
``Authorization: Bearer KEY``; no key or an unknown one is a 401. Every key is compared
in constant time, so timing says nothing about which exist.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request

from voxdesk.server.platforms.voix.errors import VoixError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="voxdesk-voix"'}


class TeamKeyError(ValueError):
    """A ``--voix-team-key`` argument that does not parse; the message says why."""


def parse_team_key(text: str) -> tuple[str, str]:
    """``KEY=TEAM_UUID`` → (key, team id in canonical form)."""
    key, sep, team = text.partition("=")
    key, team = key.strip(), team.strip()
    if not sep or not key or not team:
        raise TeamKeyError(f"expected KEY=TEAM_UUID, got {text!r}")
    try:
        return key, str(uuid.UUID(team))
    except ValueError:
        raise TeamKeyError(f"the team id {team!r} is not a UUID") from None


@dataclass(frozen=True)
class Grant:
    """What a key may do: ``team_id`` ``None`` for the workspace-wide key."""

    team_id: str | None

    @property
    def workspace(self) -> bool:
        return self.team_id is None


class VoixKeys:
    def __init__(self, workspace_key: str, team_keys: Iterable[tuple[str, str]]) -> None:
        self._grants = [(f"Bearer {workspace_key}".encode(), Grant(None))]
        self._grants += [(f"Bearer {key}".encode(), Grant(team)) for key, team in team_keys]

    def require(self, request: Request) -> Grant:
        header = (request.headers.get("authorization") or "").encode("latin-1", "replace")
        if not header:
            raise VoixError(
                401,
                "unauthorized",
                "VOIX needs your API key in an 'Authorization: Bearer <key>' header.",
                headers=_CHALLENGE,
            )
        found = None
        for expected, grant in self._grants:
            if hmac.compare_digest(header, expected) and found is None:
                found = grant
        if found is None:
            raise VoixError(
                401,
                "unauthorized",
                "This API key is not valid for this server.",
                headers=_CHALLENGE,
            )
        return found
