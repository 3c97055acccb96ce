"""Saved connections to platforms, and their tokens kept in the OS keyring.

A connection is a name, a platform and a base URL, stored as JSON in the config dir.
Its token never goes there: it lives in the keyring. Where no keyring backend exists
(a headless box), the token comes from ``VOXDESK_TOKEN`` and voxdesk says so plainly —
it never falls back to storing secrets in plain text.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from voxdesk.services.factory import PLATFORMS

log = logging.getLogger("voxdesk.connections")

KEYRING_SERVICE = "voxdesk"
TOKEN_ENV = "VOXDESK_TOKEN"
LOCAL_CONNECTION = "Local (this computer)"


@dataclass(frozen=True)
class Connection:
    name: str
    platform: str
    base_url: str

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
    """Tokens in the OS keyring, keyed by connection name.

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

    def delete(self, name: str) -> None:
        self._session_tokens.pop(name, None)
        try:
            keyring.delete_password(KEYRING_SERVICE, name)
        except (PasswordDeleteError, NoKeyringError, KeyringError):
            log.debug("no stored token for %s", name)


class ConnectionStore:
    """The saved connections and which one is active, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"active": None, "connections": []}

    def _write(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        temp.replace(self.path)

    def list(self) -> list[Connection]:
        return [Connection(**c) for c in self._read()["connections"]]

    def get(self, name: str) -> Connection | None:
        return next((c for c in self.list() if c.name == name), None)

    def save(self, connection: Connection) -> None:
        state = self._read()
        others = [c for c in state["connections"] if c["name"] != connection.name]
        state["connections"] = [*others, asdict(connection)]
        if state.get("active") is None:
            state["active"] = connection.name
        self._write(state)

    def remove(self, name: str) -> bool:
        state = self._read()
        kept = [c for c in state["connections"] if c["name"] != name]
        if len(kept) == len(state["connections"]):
            return False
        state["connections"] = kept
        if state.get("active") == name:
            state["active"] = kept[0]["name"] if kept else None
        self._write(state)
        return True

    def active(self) -> Connection | None:
        state = self._read()
        return self.get(state["active"]) if state.get("active") else None

    def set_active(self, name: str) -> None:
        if self.get(name) is None:
            raise KeyError(name)
        state = self._read()
        state["active"] = name
        self._write(state)
