"""``voxdesk server``: run the local Voxxi-compatible server.

stdout carries exactly one line, ``voxdesk local server listening on http://HOST:PORT``,
once connections are accepted; everything else (a newly generated token, logs,
errors) goes to stderr. Exit codes: 0 after a clean SIGINT/SIGTERM shutdown, 1 if
the port cannot be bound, 2 for bad arguments or a scorecard that does not validate,
3 if the database is damaged, or missing or empty while recordings are on disk.

The token comes from ``--token``, else from the ``VOXDESK_SERVER_TOKEN`` environment
variable (how the app passes it: a command line is visible to every user in ``ps``,
a process's environment only to its owner), else from the data dir.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from voxdesk.server.config import MIB, ServerConfig, default_data_dir, default_workers
from voxdesk.server.credentials import TOKEN_ENV, load_or_create_token
from voxdesk.server.logs import configure_logging
from voxdesk.server.platforms.voicecalls.auth import ScopeError, parse_scoped_token
from voxdesk.server.platforms.voix.keys import TeamKeyError, parse_team_key
from voxdesk.server.scorecard import ScorecardError, load_scorecards

log = logging.getLogger(__name__)

EXIT_DATABASE = 3


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _scoped_token(text: str) -> tuple[str, frozenset[str]]:
    try:
        return parse_scoped_token(text)
    except ScopeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _team_key(text: str) -> tuple[str, str]:
    try:
        return parse_team_key(text)
    except TeamKeyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voxdesk server",
        description="Run the local, offline Voxxi-compatible call-analysis server.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"data directory (default {default_data_dir()})"
    )
    parser.add_argument(
        "--token",
        help=f"API bearer token (default: ${TOKEN_ENV}, else generated once and saved)",
    )
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo library")
    parser.add_argument(
        "--scorecards",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="DIR",
        help="extra directories of scorecard files",
    )
    parser.add_argument(
        "--recording-url-ttl",
        type=_positive_int,
        metavar="SECONDS",
        help="answer short-lived signed playback URLs for stored recordings",
    )
    parser.add_argument(
        "--upload-url-ttl",
        type=_positive_int,
        default=900,
        metavar="SECONDS",
        help="lifetime of presigned upload URLs (the contract's 15 minutes by default)",
    )
    parser.add_argument(
        "--workers", type=_positive_int, default=default_workers(), help="analysis processes"
    )
    parser.add_argument(
        "--max-upload-bytes",
        type=_positive_int,
        default=100 * MIB,
        help="largest accepted recording, uploaded or fetched",
    )
    parser.add_argument(
        "--allow-private-fetch",
        action="store_true",
        help="let audio_url point at this computer or a private network (off: public only)",
    )
    parser.add_argument(
        "--scoped-token",
        type=_scoped_token,
        action="append",
        default=[],
        metavar="TOKEN=SCOPE[,SCOPE…]",
        help="voice-bot API: another bearer token with only these scopes "
        "(voice:read, audio:download, voice:write); repeatable",
    )
    parser.add_argument(
        "--bulk-voice-calls",
        type=_positive_int,
        default=0,
        metavar="N",
        help="insert N synthetic voice calls without audio at start (a test aid)",
    )
    parser.add_argument(
        "--max-concurrent-calls",
        type=_positive_int,
        default=4,
        metavar="N",
        help="Voxpria: at most N simulated calls ring or talk at once; more wait queued",
    )
    parser.add_argument(
        "--call-time-scale",
        type=_positive_float,
        default=1.0,
        metavar="FACTOR",
        help="Voxpria: multiply every simulated wait (ringing, talking) by FACTOR, "
        "e.g. 0.1 for ten times faster",
    )
    parser.add_argument(
        "--voix-team-key",
        type=_team_key,
        action="append",
        default=[],
        metavar="KEY=TEAM_UUID",
        help="VOIX: an API key scoped to one team (--token is the workspace-wide key); repeatable",
    )
    parser.add_argument(
        "--voix-members",
        type=Path,
        metavar="FILE",
        help="VOIX: the teams' members for agent attribution "
        "(default: voix-members.json in the data dir)",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Read once and dropped, so the analysis workers do not inherit it.
    environment_token = os.environ.pop(TOKEN_ENV, None)
    config = ServerConfig(
        data_dir=(args.data_dir or default_data_dir()).expanduser().resolve(),
        host=args.host,
        port=args.port,
        token=args.token or environment_token or None,
        demo=not args.no_demo,
        scorecard_dirs=tuple(args.scorecards),
        max_upload_bytes=args.max_upload_bytes,
        recording_url_ttl_seconds=args.recording_url_ttl,
        url_ttl_seconds=args.upload_url_ttl,
        workers=args.workers,
        allow_private_fetch=args.allow_private_fetch,
        scoped_tokens=tuple(args.scoped_token),
        bulk_voice_calls=args.bulk_voice_calls,
        voxpria_lines=args.max_concurrent_calls,
        call_time_scale=args.call_time_scale,
        voix_team_keys=tuple(args.voix_team_key),
        voix_members_file=args.voix_members,
    )
    try:
        scorecards = load_scorecards(config.scorecard_dirs)
    except ScorecardError as exc:
        print(f"voxdesk server: {exc}", file=sys.stderr)
        return 2
    if config.token is None:
        token = load_or_create_token(config.data_dir)
        if token.created:
            print(
                f"voxdesk server: generated an API token, saved in {token.path}:",
                file=sys.stderr,
            )
            print(token.value, file=sys.stderr, flush=True)
        config = replace(config, token=token.value)
    configure_logging(
        args.log_level,
        secrets=[
            config.token or "",
            *(t for t, _ in config.scoped_tokens),
            *(k for k, _ in config.voix_team_keys),
        ],
    )

    from voxdesk.server.app import create_app
    from voxdesk.server.core.sqlite import DamagedDatabase
    from voxdesk.server.platforms.voxpria.agents import AgentConfigError
    from voxdesk.server.serve import bind_socket, run
    from voxdesk.server.startup_checks import LibraryLost

    try:
        sock = bind_socket(config.host, config.port)
    except OSError as exc:
        print(
            f"voxdesk server: cannot listen on {config.host}:{config.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    config = replace(config, port=sock.getsockname()[1])
    try:
        app = create_app(config, scorecards)
    except DamagedDatabase as exc:
        sock.close()
        print(
            f"voxdesk server: the database {exc.path} is damaged ({exc.detail}); restore it "
            "from a backup, or move it away to start an empty library.",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    except AgentConfigError as exc:
        sock.close()
        print(f"voxdesk server: a Voxpria agent cannot be used: {exc}", file=sys.stderr)
        return 2
    except LibraryLost as exc:
        sock.close()
        print(
            f"voxdesk server: the database {exc.database} is missing or empty, but "
            f"{config.data_dir} holds {exc.recordings} recording(s); restore the database "
            "from a backup, or move the data directory away to start an empty library.",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    try:
        run(app, sock, config, args.log_level)
    except SystemExit as exc:  # uvicorn exits this way when the app fails to start
        return exc.code if isinstance(exc.code, int) else 1
    return 0
