#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test through
# ctest — first the normal build, then the ASan+UBSan build of the same tests.
# DOORPOST_SKIP_SANITIZERS=1 skips the second pass (for a quick local loop only; CI runs both).
# Last, scripts/test-install.sh builds the Debian packages, lints them and installs them on a fresh
# minimal bookworm root; DOORPOST_SKIP_INSTALL_TEST=1 skips it (locally only; CI runs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

run_suite() {
    local build_dir=$1
    shift
    "$root/scripts/build.sh" "$build_dir" "$@"
    (cd "$build_dir" && ctest --output-on-failure --timeout 900 -j"${DOORPOST_TEST_JOBS:-2}")
}

echo "== tests: release build (build/)"
run_suite "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [[ ${DOORPOST_SKIP_SANITIZERS:-0} != 1 ]]; then
    echo "== tests: ASan+UBSan build (build-asan/)"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_suite "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DDOORPOST_SANITIZE=ON
fi

if [[ ${DOORPOST_SKIP_INSTALL_TEST:-0} != 1 ]]; then
    echo "== tests: packages and a fresh installation (scripts/test-install.sh)"
    "$root/scripts/test-install.sh" "$root/build"
fi
