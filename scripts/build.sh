#!/usr/bin/env bash
# Configures and builds Doorpost into build/ (binaries in build/bin/).
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
shift || true
"$root/scripts/install-deps.sh"
# Worktrees and clones share one ccache when paths are taken relative to the source root.
export CCACHE_BASEDIR=$root
cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
cmake --build "$build_dir" -j"${DOORPOST_JOBS:-2}"
