"""Locates the files shipped in ``resources/`` (scorecards, demo library, icons).

In a source checkout they sit beside the package; in a wheel they are installed as
``voxdesk/_resources`` (see ``[tool.hatch.build.targets.wheel.force-include]``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir() -> Path:
    """The directory holding voxdesk's bundled resources."""
    checkout = _PACKAGE_DIR.parent / "resources"
    if checkout.is_dir():
        return checkout
    return _PACKAGE_DIR / "_resources"


def resource_path(*parts: str) -> Path:
    """A path inside the bundled resources."""
    return resource_dir().joinpath(*parts)
