"""The two secrets a server keeps in its data directory: the API bearer token and the
key that signs storage URLs. Both are created once, readable only by the owner, and
reused on every start so that issued URLs and configured clients keep working."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voxdesk.server.core.private_files import private_dir

TOKEN_FILE = "api-token"
#: The environment variable the app passes its child server's token in.
TOKEN_ENV = "VOXDESK_SERVER_TOKEN"
SIGNING_KEY_FILE = "signing.key"


@dataclass(frozen=True)
class Token:
    value: str
    created: bool
    path: Path


def _read_or_create(path: Path, make: Callable[[], str]) -> tuple[str, bool]:
    try:
        existing = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing, False
    private_dir(path.parent)
    value = make()
    # O_EXCL + 0600: the secret is never readable by others, not even for a moment.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    os.replace(tmp, path)
    return value, True


def load_or_create_token(data_dir: Path) -> Token:
    """The saved API token, generating and saving one on first use."""
    path = data_dir / TOKEN_FILE
    value, created = _read_or_create(path, lambda: secrets.token_urlsafe(32))
    return Token(value, created, path)


def load_or_create_signing_key(data_dir: Path) -> bytes:
    """The HMAC key for storage URLs (hex on disk)."""
    value, _ = _read_or_create(data_dir / SIGNING_KEY_FILE, lambda: secrets.token_hex(32))
    return bytes.fromhex(value)
