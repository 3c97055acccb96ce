"""A VOIX team's members read from the voxdesk local server's members list
(``voix-members.json``, documented in ``voxdesk.server.platforms.voix.members``), so the
desk can take them over instead of typing them: VOIX has no endpoint that lists them.

    {"teams": {"<team UUID>": [{"userId": "<user UUID>", "name": "Priya Shah"}, …]}}
"""

from __future__ import annotations

import json
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
