"""A VOIX team's members read from, and written to, the voxdesk local server's members list
(``voix-members.json``, documented in ``voxdesk.server.platforms.voix.members``), so the
desk can take them over instead of typing them (VOIX has no endpoint that lists them),
and the app's own server attributes agents from the members its connection keeps.

    {"teams": {"<team UUID>": [{"userId": "<user UUID>", "name": "Priya Shah"}, …]}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from voxdesk.providers.voix import TeamMember


class MembersFileError(ValueError):
    """The file is not a members list, or lists no such team; the message says why."""


def read_members_file(path: Path, team_id: str | None) -> list[TeamMember]:
    """The members of ``team_id`` (of the only team, when none is given)."""
    try:
        teams = json.loads(path.read_text("utf-8"))["teams"]
        if not isinstance(teams, dict):
            raise TypeError("'teams' is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MembersFileError(f"{path.name} is not a VOIX members list: {exc}") from None
    if team_id is None:
        if len(teams) != 1:
            raise MembersFileError(
                f"{path.name} lists {len(teams)} teams: give the connection's team id first."
            )
        team_id = next(iter(teams))
    listed = teams.get(team_id.lower()) or teams.get(team_id)
    if not listed:
        raise MembersFileError(f"{path.name} lists no members for the team {team_id}.")
    try:
        return [
            TeamMember(user_id=str(entry["userId"]), name=str(entry["name"])) for entry in listed
        ]
    except (KeyError, TypeError, ValidationError) as exc:
        raise MembersFileError(f"{path.name} has a member entry VOIX cannot use: {exc}") from None


def publish_members(path: Path, team_id: str, members: Sequence[TeamMember]) -> None:
    """Write the team's members into a voxdesk local server's members list, the other
    teams' entries kept (the server reads it again for every call it transcribes)."""
    teams: dict[str, object] = {}
    try:
        found = json.loads(path.read_text("utf-8")).get("teams")
        if isinstance(found, dict):
            teams = found
    except (OSError, ValueError, AttributeError):
        pass  # none yet, or unreadable: this team's list replaces it
    teams[team_id] = [{"userId": member.user_id, "name": member.name} for member in members]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"teams": teams}, indent=2), "utf-8")
    temporary.replace(path)
