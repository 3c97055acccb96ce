"""The launcher entry, AppStream metainfo and icons in packaging/linux/: valid by the
freedesktop validators (installed by packaging/install-prereqs.sh), the screenshots the
current ones, every uploadable audio type offered to "Open with", icons rendered from
the SVG at every size."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from voxdesk.services.uploads.checks import CONTENT_TYPES

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
APP_ID = "org.voxdesk.voxdesk"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
SCREENSHOTS = REPO / "docs" / "screenshots"
ICON_SVG = REPO / "resources" / "icons" / "voxdesk.svg"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run packaging/install-prereqs.sh"
    return path


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_is_valid() -> None:
    done = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_metainfo_is_valid_even_pedantically() -> None:
    done = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--pedantic", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation was successful." in done.stdout, done.stdout


def test_the_metainfo_shows_the_current_screenshots_at_their_sizes() -> None:
    images = ET.parse(METAINFO).getroot().findall("./screenshots/screenshot/image")
    shown = {}
    for image in images:
        name = (image.text or "").rsplit("/", 1)[-1]
        shown[name] = (int(image.get("width", 0)), int(image.get("height", 0)))
    current = {p.name: _png_size(p) for p in SCREENSHOTS.glob("*.png")}
    assert shown == current


def test_the_entry_opens_files_and_offers_every_uploadable_audio_type() -> None:
    entry = _desktop_entry()
    assert entry["Exec"].split() == ["voxdesk", "%F"]
    assert entry["Icon"] == APP_ID
    offered = set(entry["MimeType"].rstrip(";").split(";"))
    missing = set(CONTENT_TYPES.values()) - offered
    assert not missing, f"the upload takes {missing} but Open with does not offer them"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_icon_is_the_svg_rendered_at_its_size(size: int, tmp_path: Path) -> None:
    png = LINUX / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert _png_size(png) == (size, size)
    fresh = tmp_path / "icon.png"
    subprocess.run(
        [_tool("rsvg-convert"), "-w", str(size), "-h", str(size), str(ICON_SVG), "-o", str(fresh)],
        check=True,
    )
    assert png.read_bytes() == fresh.read_bytes(), "stale: run packaging/linux/render-icons.sh"


def test_the_scalable_icon_is_the_apps_own() -> None:
    scalable = LINUX / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == ICON_SVG.read_bytes()
