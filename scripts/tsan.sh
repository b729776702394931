#!/usr/bin/env bash
# ThreadSanitizer over the threaded parts: the gate's worker, the UI's log and status workers,
# the sync worker against a loopback central (whose HTTP server runs a thread pool), capture
# and decode. Not part of the README's test command (a TSan build of everything would add a
# third full build and run to CI); run it after changing code where threads meet.
# Usage: scripts/tsan.sh [test program...]   (default: the programs listed below)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOORPOST_TSAN=ON
# Debian builds cpp-httplib as a shared library without TSan, so TSan cannot see the
# synchronisation inside it and reports the handoff of sockets to its worker threads; the
# suppression covers only reports whose frames come from that library.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/scripts/tsan.supp"
programs=("$@")
if [[ ${#programs[@]} -eq 0 ]]; then
    programs=(doorpost_sync_tests doorpost_sync_gate_tests doorpost_ui_tests doorpost_drivers_tests
              doorpost_central_pass_tests doorpost_pass_tests)
fi
cd "$root/build-tsan"
for program in "${programs[@]}"; do
    echo "== tsan: $program"
    "bin/$program"
done
