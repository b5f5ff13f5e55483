#!/usr/bin/env bash
# Hearth developer entry point. On a fresh Debian 12 machine:
#   packaging/dev.sh run    install what is missing, build, start the app
#   packaging/dev.sh test   install what is missing, build, run every test
# Also: deps (install packages), build (configure + build Release into build/),
#       asan (ASan/UBSan build into build-asan/ and every test but the slow ones).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build_dir="${HEARTH_BUILD_DIR:-$root/build}"
jobs="${HEARTH_JOBS:-$(nproc)}"

log() { printf '\033[1m[hearth]\033[0m %s\n' "$*"; }

sudo_cmd() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
  local wanted missing=()
  wanted=$(grep -v '^\s*#' "$here/debian-packages.txt" | grep -v '^\s*$')
  for pkg in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all $(echo "$wanted" | wc -w) Debian packages are installed"
    return 0
  fi
  log "installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd apt-get update -q
  # Recommends included: the Qt/QML, Mesa and font packages rely on what they recommend.
  sudo_cmd apt-get install -y -q "${missing[@]}"
}

build() {
  log "configuring Release build in $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  log "building with $jobs jobs"
  cmake --build "$build_dir" -j "$jobs"
}

run() {
  deps
  build
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    log "no display found (DISPLAY and WAYLAND_DISPLAY are unset)."
    log "Hearth is a desktop app: run it inside a graphical session, or under a virtual display:"
    log "    xvfb-run -a -s '-screen 0 1280x800x24' packaging/dev.sh run"
    log "or headless (nothing visible): QT_QPA_PLATFORM=offscreen packaging/dev.sh run"
    exit 1
  fi
  log "starting $build_dir/app/hearth $*"
  exec "$build_dir/app/hearth" "$@"
}

test_() {
  deps
  build
  local start=$SECONDS
  log "running tests (GUI tests use QT_QPA_PLATFORM=offscreen)"
  export QT_QPA_PLATFORM=offscreen
  mkdir -p "$build_dir/test-artifacts"
  ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "$@"
  log "tests finished in $((SECONDS - start)) s; screenshots in $build_dir/test-artifacts"
}

asan() {
  deps
  build_dir="$root/build-asan"
  log "configuring ASan/UBSan build in $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEARTH_SANITIZE=ON
  cmake --build "$build_dir" -j "$jobs"
  # Every test but the `slow` ones (minutes each when instrumented). The leak, UB and suppression
  # options (packaging/lsan.supp) are set per test by tests/CMakeLists.txt.
  local start=$SECONDS
  log "running the sanitized tests (all labels but slow)"
  export QT_QPA_PLATFORM=offscreen
  mkdir -p "$build_dir/test-artifacts"
  ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" -LE slow "$@"
  log "sanitized tests finished in $((SECONDS - start)) s"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  deps) deps ;;
  build) deps; build "$@" ;;
  run) run "$@" ;;
  test) test_ "$@" ;;
  asan) asan "$@" ;;
  *)
    echo "usage: packaging/dev.sh {run|test|deps|build|asan} [args]" >&2
    exit 2
    ;;
esac
