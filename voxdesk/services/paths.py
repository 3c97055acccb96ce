"""Where voxdesk keeps its files. ``VOXDESK_HOME`` moves all of them (tests use it)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def _home_override() -> Path | None:
    value = os.environ.get("VOXDESK_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir("voxdesk"))


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir("voxdesk"))


def catalog_path() -> Path:
    return data_dir() / "catalog.sqlite3"


def reviews_path() -> Path:
    """The reviewer's own reviews (a shared team store would live elsewhere)."""
    return data_dir() / "reviews.sqlite3"


def local_server_dir() -> Path:
    return data_dir() / "server"
