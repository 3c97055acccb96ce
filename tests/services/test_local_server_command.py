"""The local server child's command line: ``python -m voxdesk.server`` from a source
checkout, the bundle's own executable with ``server`` in a built bundle (no Python to
run ``-m`` with). build.sh --smoke proves the bundle's end for real."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from voxdesk.services.local_server import LocalServerProcess


def test_from_a_checkout_the_child_is_python_running_the_server_module(tmp_path: Path) -> None:
    command = LocalServerProcess(tmp_path, "token").command()
    assert command[:3] == [sys.executable, "-m", "voxdesk.server"]
    assert "token" not in command


def test_in_a_bundle_the_child_is_the_bundle_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    command = LocalServerProcess(tmp_path, "token", python="/opt/voxdesk/voxdesk").command()
    assert command[:2] == ["/opt/voxdesk/voxdesk", "server"]
    assert command[2:4] == ["--port", "0"]
