#!/usr/bin/env bash
# Renders the app icon (resources/icons/voxdesk.svg, also the window's icon) to the PNG
# sizes of the hicolor theme under packaging/linux/icons/ (rsvg-convert: librsvg2-bin).
# Run it after changing the SVG; tests/packaging/test_desktop_files.py checks the result.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SVG="$HERE/../../resources/icons/voxdesk.svg"
ICON=org.voxdesk.voxdesk
mkdir -p "$HERE/icons/hicolor/scalable/apps"
cp "$SVG" "$HERE/icons/hicolor/scalable/apps/$ICON.svg"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "$HERE/icons/hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" "$SVG" -o "$HERE/icons/hicolor/${size}x${size}/apps/$ICON.png"
done
