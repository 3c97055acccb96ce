#!/usr/bin/env bash
# Builds the one-folder Linux bundle dist/voxdesk/ (run ./dist/voxdesk/voxdesk).
#   packaging/build.sh           build it (PyInstaller, in uv's throwaway overlay env)
#   packaging/build.sh --smoke   build it, then run it offscreen with no Python on PATH
#                                and no network: the local server starts, the window
#                                paints with every demo call already analysed, a demo
#                                call plays, the app exits 0 and its server is gone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/dist"
BUNDLE="$DIST/voxdesk"
PYINSTALLER_SPEC="pyinstaller>=6.10,<7"
export PATH="$HOME/.local/bin:$PATH"
cd "$ROOT"

build() {
  local started=$SECONDS
  uv sync --quiet
  # --with: PyInstaller lives in a throwaway overlay of the project's env, not its deps.
  uv run --quiet --with "$PYINSTALLER_SPEC" pyinstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" packaging/voxdesk.spec
  bundle_flite
  bundle_desktop_files
  echo "built $BUNDLE in $((SECONDS - started)) s ($(du -sh "$BUNDLE" | cut -f1))"
}

# Debian's flite (the telephony simulator's voice) with its own libraries, run through a
# wrapper that points the loader at them: the bundle speaks on machines without flite.
bundle_flite() {
  local flite_bin dir
  flite_bin="$(command -v flite)" || { echo "flite is missing: run packaging/install-prereqs.sh" >&2; exit 1; }
  dir="$BUNDLE/_internal/flite"
  mkdir -p "$dir/lib"
  cp "$flite_bin" "$dir/flite.bin"
  ldd "$flite_bin" | awk '/libflite/ {print $3}' | xargs -r cp -L -t "$dir/lib"
  cat > "$dir/flite" <<'WRAPPER'
#!/bin/sh
here="${0%/*}"  # shell only: PATH may hold nothing else
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/flite.bin" "$@"
WRAPPER
  chmod +x "$dir/flite" "$dir/flite.bin"
}

# The launcher entry, metainfo and icons, and the script that installs them with the
# bundle for the current user (dist/voxdesk/install.sh).
bundle_desktop_files() {
  local linux="$ROOT/packaging/linux"
  mkdir -p "$BUNDLE/share/applications" "$BUNDLE/share/metainfo" "$BUNDLE/share/icons"
  cp "$linux/org.voxdesk.voxdesk.desktop" "$BUNDLE/share/applications/"
  cp "$linux/org.voxdesk.voxdesk.metainfo.xml" "$BUNDLE/share/metainfo/"
  cp -r "$linux/icons/hicolor" "$BUNDLE/share/icons/"
  cp "$linux/install.sh" "$BUNDLE/"
}

smoke() {
  local home empty_path status started log
  home="$(mktemp -d)"
  empty_path="$home/empty-path"
  mkdir -p "$empty_path"
  log="$home/smoke.out"
  started=$(date +%s%N)
  # No Python (nothing at all) on PATH; HOME and VOXDESK_HOME fresh (a first run: the
  # demo library is seeded); no network namespace beyond loopback where unshare allows.
  local -a isolate=()
  # A new network namespace has loopback only once `ip` brings it up.
  if command -v ip >/dev/null && unshare -n ip link set lo up 2>/dev/null; then
    isolate=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
  else
    echo "smoke: no network namespace here (unshare -n or ip missing): host network kept"
  fi
  set +e
  # Each line the run prints is stamped with the milliseconds since launch.
  timeout 180 "${isolate[@]}" env -i HOME="$home" VOXDESK_HOME="$home/voxdesk" \
    PATH="$empty_path" QT_QPA_PLATFORM=offscreen VOXDESK_SMOKE=1 LANG=C.UTF-8 \
    "$BUNDLE/voxdesk" 2>"$home/smoke.err" | while IFS= read -r line; do
      echo "[$(( ($(date +%s%N) - started) / 1000000 )) ms] $line"
    done >"$log"
  status=${PIPESTATUS[0]}
  set -e
  cat "$log"
  echo "smoke: exit $status after $(( ($(date +%s%N) - started) / 1000000 )) ms"
  # The demo library's shipped results must be served: a first run lists no call waiting.
  if [ "$status" -ne 0 ] || ! grep -q "] voxdesk smoke: played" "$log" \
    || ! grep -q "] voxdesk smoke: first listing: [0-9]* calls, 0 waiting" "$log"; then
    echo "smoke FAILED; stderr:" >&2
    tail -40 "$home/smoke.err" >&2
    tail -20 "$home/voxdesk/data/server/server.log" >&2 2>/dev/null || true
    exit 1
  fi
  # Any process still naming the smoke run's data dir is a server that outlived the app.
  if grep -qs -- "$home/voxdesk" /proc/[0-9]*/cmdline; then
    echo "smoke FAILED: the local server outlived the app" >&2
    exit 1
  fi
  rm -rf "$home"
  echo "smoke passed"
}

build
if [ "${1:-}" = "--smoke" ]; then
  smoke
fi
