#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to run and test voxdesk:
# Qt's runtime libraries (QtMultimedia needs libpulse0), Debian's flite (the speech
# synthesiser the tests and the demo library generator use), Debian's espeak-ng (the
# analysis engine's letter-to-sound guess for words outside the dictionary), the
# validators and the SVG renderer for the desktop files in packaging/linux/
# (desktop-file-utils, appstream, librsvg2-bin), poppler-utils (pdftotext and pdftoppm,
# which the review export tests read the PDF with), pocketsphinx-testdata (recordings of
# human voices for tests/bench/bench_human_speech.py; 3.4 MB) and uv.
set -euo pipefail

APT_PACKAGES=(
  libpulse0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  flite espeak-ng
  desktop-file-utils appstream librsvg2-bin
  poppler-utils pocketsphinx-testdata
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
