"""Saved connections to platforms, and their tokens kept in the OS keyring.

A connection is a stable id, a name, a platform, a base URL and the platform's own
settings (org, profile, team ids, auth scheme…), stored as JSON in the config dir.
Everything kept per connection — its cached calls, its upload jobs, its token — is
keyed by the id, so renaming a connection orphans nothing. Its token never goes in the
file: it lives in the keyring. Where no keyring backend exists (a headless box), the
token comes from ``VOXDESK_TOKEN`` and voxdesk says so plainly — it never falls back to
storing secrets in plain text.

voxdesk 0.1.0 keyed everything by the connection's name. Loading its file gives each
connection an id, moves its token to the id, and records ``legacy_keys`` (old name →
id) for the catalog and the upload queue to re-key their rows when they open.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from voxdesk.services import paths
from voxdesk.services.factory import PLATFORMS

log = logging.getLogger("voxdesk.connections")

KEYRING_SERVICE = "voxdesk"
TOKEN_ENV = "VOXDESK_TOKEN"
LOCAL_CONNECTION = "Local (this computer)"
#: The connections file's layout: 0.1.0 wrote none (connections keyed by name).
FILE_VERSION = 2


def new_connection_id() -> str:
    return str(uuid.uuid4())


def connections_path() -> Path:
    return paths.config_dir() / "connections.json"


@dataclass(frozen=True)
class Connection:
    name: str
    platform: str
    base_url: str
    #: Platform-specific fields, kept as given (each provider validates its own). Left
    #: out of the hash, so a connection can still be a dict key.
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    #: Assigned once, at creation; never changes, whatever the name becomes.
    id: str = field(default_factory=new_connection_id)

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValueError(f"unknown platform {self.platform!r}; known: {', '.join(PLATFORMS)}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("the base URL must start with http:// or https://")


class CredentialError(Exception):
    """No token can be stored or found; the message tells the user what to do."""


class NoKeyringAvailable(CredentialError):
    """There is no system keyring at all (as opposed to one that refused the token)."""


def environment_token() -> str | None:
    """The token in ``VOXDESK_TOKEN``, which the CLI and the app use without a keyring."""
    return os.environ.get(TOKEN_ENV) or None


class CredentialStore:
    """Tokens in the OS keyring, keyed by connection id.

    Without a keyring a token can be kept in memory for this run of the app only
    (``keep_for_session``): still never written to disk."""

    def __init__(self) -> None:
        self._session_tokens: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        try:
            token = keyring.get_password(KEYRING_SERVICE, name)
        except (NoKeyringError, KeyringError):
            token = None
        return token or self._session_tokens.get(name) or environment_token()

    def set(self, name: str, token: str) -> None:
        try:
            keyring.set_password(KEYRING_SERVICE, name, token)
        except NoKeyringError as exc:
            raise NoKeyringAvailable(
                "No system keyring is available to keep the token safely. "
                f"Set the {TOKEN_ENV} environment variable instead; voxdesk will not "
                "store tokens in plain text."
            ) from exc
        except KeyringError as exc:
            raise CredentialError(f"The system keyring refused the token: {exc}") from exc
        self._session_tokens.pop(name, None)

    def keep_for_session(self, name: str, token: str) -> None:
        """Hold ``token`` in memory until the app quits (no keyring to keep it in)."""
        self._session_tokens[name] = token

    def is_session_only(self, name: str) -> bool:
        return name in self._session_tokens

    def move(self, old_key: str, new_key: str) -> bool:
        """Copy a token kept under ``old_key`` to ``new_key``; False when there is none
        (or no keyring). The old entry stays until ``delete``: a crash in between loses
        nothing."""
        try:
            token = keyring.get_password(KEYRING_SERVICE, old_key)
            if token:
                keyring.set_password(KEYRING_SERVICE, new_key, token)
        except (NoKeyringError, KeyringError):
            return False
        return bool(token)

    def delete(self, name: str) -> None:
        self._session_tokens.pop(name, None)
        try:
            keyring.delete_password(KEYRING_SERVICE, name)
        except (PasswordDeleteError, NoKeyringError, KeyringError):
            log.debug("no stored token for %s", name)


class ConnectionStore:
    """The saved connections and which one is active, in one JSON file."""

    def __init__(self, path: Path | None = None, credentials: CredentialStore | None = None):
        self.path = path or connections_path()
        self._credentials = credentials

    def _read(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": FILE_VERSION, "active": None, "connections": [], "legacy_keys": {}}
        found = state.get("version", 1)
        if found > FILE_VERSION:
            raise ValueError(
                f"{self.path} was written by a newer version of voxdesk (layout {found}); "
                "update voxdesk to read it."
            )
        return self._upgrade(state) if found < FILE_VERSION else state

    def _upgrade(self, state: dict) -> dict:
        """Give 0.1.0's name-keyed connections ids, and their tokens with them.

        Tokens are copied first, the file written next, the old entries deleted last:
        a crash at any point leaves every token reachable."""
        credentials = self._credentials or CredentialStore()
        legacy_keys = {c["name"]: new_connection_id() for c in state["connections"]}
        moved = [
            name
            for name, connection_id in legacy_keys.items()
            # The Local connection's keyring entry is its server's token, kept under
            # the fixed name ``local_server_token`` reads: it stays where it is.
            if name != LOCAL_CONNECTION and credentials.move(name, connection_id)
        ]
        upgraded = {
            "version": FILE_VERSION,
            "active": legacy_keys.get(state.get("active")),
            "connections": [
                {**c, "settings": c.get("settings", {}), "id": legacy_keys[c["name"]]}
                for c in state["connections"]
            ],
            "legacy_keys": legacy_keys,
        }
        self._write(upgraded)
        for name in moved:
            credentials.delete(name)
        log.info("connections keyed by id now (%d migrated)", len(legacy_keys))
        return upgraded

    def _write(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        temp.replace(self.path)

    def list(self) -> list[Connection]:
        return [Connection(**c) for c in self._read()["connections"]]

    def get(self, connection_id: str) -> Connection | None:
        return next((c for c in self.list() if c.id == connection_id), None)

    def find(self, name: str) -> Connection | None:
        """The connection called ``name`` (names are unique), for a user who typed it."""
        return next((c for c in self.list() if c.name == name), None)

    def legacy_keys(self) -> dict[str, str]:
        """0.1.0's keys (connection names) → the ids that replaced them."""
        return dict(self._read().get("legacy_keys", {}))

    def save(self, connection: Connection) -> None:
        """Add the connection, or update the one with its id (a rename keeps the id)."""
        state = self._read()
        taken = next(
            (c for c in state["connections"] if c["name"] == connection.name), {"id": None}
        )
        if taken["id"] not in (None, connection.id):
            raise ValueError(f"a connection named {connection.name!r} already exists")
        stored = {**asdict(connection), "settings": dict(connection.settings)}
        state["connections"] = [
            stored if c["id"] == connection.id else c for c in state["connections"]
        ]
        if stored not in state["connections"]:
            state["connections"].append(stored)
        if state.get("active") is None:
            state["active"] = connection.id
        self._write(state)

    def remove(self, connection_id: str) -> bool:
        state = self._read()
        kept = [c for c in state["connections"] if c["id"] != connection_id]
        if len(kept) == len(state["connections"]):
            return False
        state["connections"] = kept
        if state.get("active") == connection_id:
            state["active"] = kept[0]["id"] if kept else None
        self._write(state)
        return True

    def active(self) -> Connection | None:
        state = self._read()
        return self.get(state["active"]) if state.get("active") else None

    def set_active(self, connection_id: str) -> None:
        if self.get(connection_id) is None:
            raise KeyError(connection_id)
        state = self._read()
        state["active"] = connection_id
        self._write(state)
