"""The teams' members, known from a local list, for attributing a call's agent.

The list is a JSON file: ``--voix-members FILE``, else ``voix-members.json`` in the
server's data directory (absent: nobody is attributed)::

    {"teams": {"<team UUID>": [{"userId": "<user UUID>", "name": "Priya Shah"}, …]}}

It is read again for every transcription, so an edit applies to the next call without a
restart. A file that does not parse is logged and treated as empty: a broken list must
not fail the calls themselves.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEMBERS_FILE = "voix-members.json"


@dataclass(frozen=True)
class TeamMember:
    user_id: str
    name: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def load_members(path: Path, team_id: str | None) -> list[TeamMember]:
    """The members of ``team_id`` listed in ``path`` (none when unknown or unreadable)."""
    if team_id is None or not path.is_file():
        return []
    try:
        teams = json.loads(path.read_text("utf-8"))["teams"]
        listed = teams.get(team_id) or []
        return [
            TeamMember(str(uuid.UUID(entry["userId"])), str(entry["name"]).strip())
            for entry in listed
            if str(entry.get("name", "")).strip()
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("Ignoring the VOIX members list %s: %s", path, exc)
        return []
