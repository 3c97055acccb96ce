"""voxdesk."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _installed_version() -> str:
    """pyproject's version, as installed: the one version source (a bundle carries the
    package's metadata, see packaging/voxdesk.spec)."""
    try:
        return version("voxdesk")
    except PackageNotFoundError:  # a bare source tree on PYTHONPATH, never installed
        return "0+unknown"


__version__ = _installed_version()
