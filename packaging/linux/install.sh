#!/usr/bin/env bash
# Installs the built bundle for the current user: the bundle in ~/.local/opt/voxdesk,
# `voxdesk` in ~/.local/bin, the launcher entry (with "Open with voxdesk" for audio
# files), the AppStream metainfo and the icons under ~/.local/share.
#   dist/voxdesk/install.sh            (build.sh copies it into the bundle)
#   dist/voxdesk/install.sh --uninstall
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ID=org.voxdesk.voxdesk
OPT="$HOME/.local/opt/voxdesk"
BIN="$HOME/.local/bin"
SHARE="${XDG_DATA_HOME:-$HOME/.local/share}"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$OPT" "$BIN/voxdesk" "$SHARE/applications/$ID.desktop" "$SHARE/metainfo/$ID.metainfo.xml"
  find "$SHARE/icons/hicolor" -name "$ID.*" -delete 2>/dev/null || true
else
  mkdir -p "$OPT" "$BIN" "$SHARE/applications" "$SHARE/metainfo" "$SHARE/icons"
  cp -a "$HERE/." "$OPT/"
  ln -sf "$OPT/voxdesk" "$BIN/voxdesk"
  cp "$HERE/share/applications/$ID.desktop" "$SHARE/applications/"
  cp "$HERE/share/metainfo/$ID.metainfo.xml" "$SHARE/metainfo/"
  cp -r "$HERE/share/icons/hicolor" "$SHARE/icons/"
fi
command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
