"""The house rules: ui > services > providers > contracts > domain; only ui touches Qt; the local
server never imports the app; inside ui, the composition root and the window over features
that never import one another, over shared widgets, settings and theme. Checked statically
(import-linter, configured in pyproject.toml) and dynamically (what importing each layer
actually loads)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(project)},
    )


def test_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("voxdesk/services/catalog/catalog.py", "import PySide6.QtCore\n"),
        ("voxdesk/domain/models.py", "import qasync\n"),
        ("voxdesk/server/scorecard.py", "import voxdesk.ui.main_window.window\n"),
        ("voxdesk/providers/base.py", "import voxdesk.services.catalog\n"),
        ("voxdesk/contracts/voicecalls.py", "import voxdesk.providers.voxxi\n"),
        ("voxdesk/contracts/voicecalls.py", "import voxdesk.server.store\n"),
        ("voxdesk/ui/widgets/banner.py", "import voxdesk.ui.browse.call_list\n"),
        ("voxdesk/ui/playback/call_map.py", "import voxdesk.ui.transcript.panel\n"),
        ("voxdesk/ui/upload/upload_dialog.py", "import voxdesk.ui.connections.session\n"),
        ("voxdesk/ui/browse/call_list.py", "import voxdesk.ui.main_window.window\n"),
        ("voxdesk/ui/main_window/window.py", "import voxdesk.ui.composition\n"),
        ("voxdesk/ui/theme.py", "import voxdesk.ui.widgets.banner\n"),
    ],
)
def test_contracts_catch_a_violation(tmp_path: Path, module: str, bad_import: str) -> None:
    """The check above can fail: plant one bad import in a copy and it must."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "tests", "resources", "docs", "*.pyc"),
    )
    target = copy / module
    target.write_text(bad_import + target.read_text())
    result = _lint(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_every_ui_package_is_in_the_ui_layers() -> None:
    """A new ui subpackage (or top-level module) must take its place in the ui contract,
    or nothing would check what it imports."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (ui,) = [c for c in contracts if c.get("containers") == ["voxdesk.ui"]]
    layered = {name.strip() for layer in ui["layers"] for name in layer.split("|")}
    ui_dir = ROOT / "voxdesk" / "ui"
    present = {p.name for p in ui_dir.iterdir() if (p / "__init__.py").exists()}
    present |= {p.stem for p in ui_dir.glob("*.py") if p.stem != "__init__"}
    assert present == layered


@pytest.mark.parametrize(
    "package",
    [
        "voxdesk.domain",
        "voxdesk.contracts.voicecalls",
        "voxdesk.providers.voxxi",
        "voxdesk.services.calls",
        "voxdesk.services.catalog",
        "voxdesk.server.scorecard",
        "voxdesk.cli",
    ],
)
def test_importing_a_lower_layer_loads_no_qt(package: str) -> None:
    code = (
        f"import sys, {package}; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
