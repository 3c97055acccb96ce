"""``voxdesk connections add|list|remove``: saved platforms, tokens in the keyring."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace

from voxdesk.cli.common import EXIT_FAILED, EXIT_OK, connection_store
from voxdesk.services.connections import PLATFORMS, Connection, CredentialStore


def add_parsers(sub: argparse._SubParsersAction) -> None:
    conns = sub.add_parser("connections", help="manage saved connections").add_subparsers(
        dest="connections_command", required=True
    )
    add = conns.add_parser("add", help="save a connection (the token goes to the keyring)")
    add.add_argument("name")
    add.add_argument("--platform", default="voxxi", choices=PLATFORMS)
    add.add_argument("--base-url", required=True)
    add.add_argument("--token", help="omit to be prompted (not echoed)")
    add.add_argument("--activate", action="store_true", help="make it the active connection")
    add.set_defaults(handler=connections_add)
    conns.add_parser("list", help="list saved connections").set_defaults(handler=connections_list)
    remove = conns.add_parser("remove", help="forget a connection and its token")
    remove.add_argument("name")
    remove.set_defaults(handler=connections_remove)


def connections_add(options: argparse.Namespace) -> int:
    store = connection_store()
    connection = Connection(options.name, options.platform, options.base_url)
    existing = store.find(options.name)
    if existing is not None:  # saving a name again updates that connection
        connection = replace(connection, id=existing.id, settings=existing.settings)
    token = options.token or getpass.getpass(f"Token for {options.name}: ")
    CredentialStore().set(connection.id, token)
    store.save(connection)
    if options.activate:
        store.set_active(connection.id)
    print(f"Saved connection {connection.name!r} ({connection.platform}, {connection.base_url}).")
    return EXIT_OK


def connections_list(options: argparse.Namespace) -> int:
    store = connection_store()
    active = store.active()
    connections = store.list()
    if not connections:
        print("No saved connections. Add one with: voxdesk connections add NAME --base-url URL")
    for connection in connections:
        mark = "*" if active and active.id == connection.id else " "
        print(f"{mark} {connection.name}\t{connection.platform}\t{connection.base_url}")
    return EXIT_OK


def connections_remove(options: argparse.Namespace) -> int:
    store = connection_store()
    connection = store.find(options.name)
    if connection is None or not store.remove(connection.id):
        print(f"voxdesk: no connection named {options.name!r}", file=sys.stderr)
        return EXIT_FAILED
    CredentialStore().delete(connection.id)
    print(f"Removed connection {options.name!r}.")
    return EXIT_OK
