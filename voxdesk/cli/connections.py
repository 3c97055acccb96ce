"""``voxdesk connections add|list|remove``: saved platforms, tokens in the keyring.

``add`` takes each platform's settings as options generated from its settings model
(``settings_fields``): ``--base-url``, ``--token`` and whatever else a platform needs.
An option the chosen platform does not have is refused (exit 2), never silently kept.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace

from pydantic import ValidationError

from voxdesk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, connection_store
from voxdesk.providers.registry import entries, entry
from voxdesk.providers.settings import SettingField, settings_fields
from voxdesk.services.connections import PLATFORMS, Connection, CredentialStore

_DEST_PREFIX = "setting_"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _all_setting_fields() -> dict[str, SettingField]:
    """Every platform's settings, one option per field name (first description wins)."""
    found: dict[str, SettingField] = {}
    for platform in entries():
        for setting in settings_fields(platform.settings_model):
            found.setdefault(setting.name, setting)
    return found


def add_parsers(sub: argparse._SubParsersAction) -> None:
    conns = sub.add_parser("connections", help="manage saved connections").add_subparsers(
        dest="connections_command", required=True
    )
    add = conns.add_parser("add", help="save a connection (the token goes to the keyring)")
    add.add_argument("name")
    add.add_argument("--platform", default="voxxi", choices=PLATFORMS)
    for setting in _all_setting_fields().values():
        hint = " (omit to be prompted, not echoed)" if setting.secret else ""
        add.add_argument(
            _flag(setting.name),
            dest=_DEST_PREFIX + setting.name,
            help=f"{setting.title}: {setting.description or ''}{hint}",
        )
    add.add_argument("--activate", action="store_true", help="make it the active connection")
    add.set_defaults(handler=connections_add)
    conns.add_parser("list", help="list saved connections").set_defaults(handler=connections_list)
    remove = conns.add_parser("remove", help="forget a connection and its token")
    remove.add_argument("name")
    remove.set_defaults(handler=connections_remove)


def _given_settings(options: argparse.Namespace) -> dict[str, str]:
    return {
        key.removeprefix(_DEST_PREFIX): value
        for key, value in vars(options).items()
        if key.startswith(_DEST_PREFIX) and value is not None
    }


def connections_add(options: argparse.Namespace) -> int:
    platform = entry(options.platform)
    fields = {f.name: f for f in settings_fields(platform.settings_model)}
    given = _given_settings(options)
    foreign = [_flag(name) for name in given if name not in fields]
    if foreign:
        raise UsageError(f"{', '.join(foreign)}: not a setting of the {platform.title} platform")
    missing = [
        _flag(f.name)
        for f in fields.values()
        if f.required and not f.secret and f.name not in given
    ]
    if missing:
        raise UsageError(f"the {platform.title} platform needs {', '.join(missing)}")
    for secret in (f for f in fields.values() if f.secret and f.name not in given):
        given[secret.name] = getpass.getpass(f"{secret.title} for {options.name}: ")
    try:
        settings = platform.settings_model.model_validate(given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else "settings"
        raise UsageError(f"{_flag(name)}: {problem['msg']}") from None
    plain = {
        name: value
        for name, value in settings.model_dump(mode="json").items()
        if name != "base_url" and not fields[name].secret
    }
    store = connection_store()
    connection = Connection(options.name, options.platform, settings.base_url, plain)
    existing = store.find(options.name)
    if existing is not None:  # saving a name again updates that connection
        connection = replace(connection, id=existing.id)
    token = settings.token_value()
    if token:
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
