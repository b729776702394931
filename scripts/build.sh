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
# Debug builds (-g) would otherwise hash the build folder, so no worktree could hit another's
# cache; the cost is a debug-info compile directory that may name another worktree.
export CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
cmake --build "$build_dir" -j"${DOORPOST_JOBS:-2}"
