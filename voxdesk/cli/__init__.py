"""voxdesk's entry points.

``voxdesk`` opens the desktop app (``voxdesk FILE…`` opens it with those recordings
queued for upload, as the launcher's "Open with" does); ``voxdesk server`` runs the
local server;
``voxdesk calls``, ``voxdesk upload`` and ``voxdesk connections`` work from a terminal
through the same services the app uses. Exit codes: see ``voxdesk.cli.common``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from voxdesk import __version__
from voxdesk.cli import calls, connections, upload, usecases, voix
from voxdesk.cli.common import (
    BASE_URL_ENV,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UsageError,
    exit_code_for,
)
from voxdesk.providers.errors import ProviderError
from voxdesk.providers.redaction import install_log_redaction
from voxdesk.services.connections import PLATFORMS, TOKEN_ENV, CredentialError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["server"]:
        from voxdesk.server.cli import main as server_main

        return server_main(args[1:])
    parser, commands = _parser()
    files = _files_to_open(commands, args)
    options = parser.parse_args([] if files else args)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    install_log_redaction()
    if options.command is None:
        from voxdesk.ui.app import run_app

        return run_app(files)
    try:
        return options.handler(options)
    except (UsageError, ValueError) as exc:
        print(f"voxdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ProviderError as exc:
        print(f"voxdesk: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    except CredentialError as exc:
        print(f"voxdesk: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _parser() -> tuple[argparse.ArgumentParser, frozenset[str]]:
    """The parser and the names of its commands."""
    parser = argparse.ArgumentParser(
        prog="voxdesk", description="Call-QA workbench. With no command, opens the app."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument("--version", action="version", version=f"voxdesk {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("server", help="run the local server (see: voxdesk server --help)")

    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--connection", help="a saved connection (default: the active one)")
    target.add_argument(
        "--base-url", default=os.environ.get(BASE_URL_ENV), help=f"or ${BASE_URL_ENV}"
    )
    target.add_argument("--token", default=None, help=f"or ${TOKEN_ENV}")
    target.add_argument("--platform", default="local", choices=PLATFORMS)

    calls.add_parsers(sub, target)
    upload.add_parser(sub, target)
    usecases.add_parsers(sub, target)
    connections.add_parsers(sub)
    voix.add_parsers(sub)
    return parser, frozenset(sub.choices)


def _files_to_open(commands: frozenset[str], args: list[str]) -> list[str]:
    """The recordings of ``voxdesk FILE…`` (the desktop entry's ``%F``): every argument
    when none is an option and the first names no command; else nothing."""
    if not args or args[0] in commands or any(a.startswith("-") for a in args):
        return []
    return args
