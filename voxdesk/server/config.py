"""Settings of one local server process, gathered in one place so the CLI, the app
factory and the tests all describe a server the same way."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

MIB = 1024 * 1024


def default_data_dir() -> Path:
    """Per-user data directory; the server keeps its database, files and keys here."""
    return Path(platformdirs.user_data_dir("voxdesk")) / "server"


def default_workers() -> int:
    """Analysis processes: at most two, and one core left for the API on small machines."""
    return max(1, min(2, (os.cpu_count() or 1)))


@dataclass(frozen=True)
class ServerConfig:
    """Everything a server needs to start.

    ``port`` must be the real bound port by the time ``create_app`` runs (the CLI binds
    the socket first), because the server hands out absolute URLs to its own storage.
    ``token`` of ``None`` means "use the one saved in the data dir, creating it once".
    """

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    demo: bool = True
    scorecard_dirs: tuple[Path, ...] = ()
    max_upload_bytes: int = 100 * MIB
    url_ttl_seconds: int = 900
    public_url_ttl_seconds: int = 365 * 24 * 3600
    recording_url_ttl_seconds: int | None = None
    workers: int = field(default_factory=default_workers)
    fetch_timeout_seconds: float = 30.0
    #: A download must finish within this, and never run slower than the minimum rate
    #: over a whole window (a byte every few seconds never trips a read timeout).
    fetch_deadline_seconds: float = 300.0
    fetch_min_bytes_per_second: int = 4096
    fetch_rate_window_seconds: float = 30.0
    #: Fetch ``audio_url`` from loopback and private addresses too (``--allow-private-fetch``).
    allow_private_fetch: bool = False
    #: A connection must send a request's headers within this, however slowly it trickles.
    header_timeout_seconds: float = 10.0
    #: An idle keep-alive connection is closed after this.
    keep_alive_timeout_seconds: float = 5.0
    # Voice-bot platform: extra bearer tokens with only some scopes, and how many
    # synthetic calls (no audio) to insert at start — a test aid for sync benchmarks.
    scoped_tokens: tuple[tuple[str, frozenset[str]], ...] = ()
    bulk_voice_calls: int = 0
    # Voxpria's telephony simulator: how many calls may ring or talk at once (the rest
    # wait queued), and a factor on every simulated wait (0.1: ten times faster).
    voxpria_lines: int = 4
    call_time_scale: float = 1.0
    # VOIX: team-scoped API keys (key, team UUID) beside the workspace-wide --token, and
    # the members list used to attribute agents (None: voix-members.json in data_dir).
    voix_team_keys: tuple[tuple[str, str], ...] = ()
    voix_members_file: Path | None = None

    @property
    def base_url(self) -> str:
        """Where this server can be reached, for the URLs it hands out."""
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"
