#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts the kiosk demo on an
# embedded default: a local SQLite database in build/demo/ and the synthetic camera (people holding up
# admission tickets). With a display it opens the touch UI full screen; without one it runs the
# same kiosk headless through a short scripted tour and writes screenshots, and says so.
#
#   DOORPOST_DEMO_DIR=DIR   where the demo database and screenshots go (default: build/demo/)
#   DOORPOST_HEADLESS=1     headless even when a display is present
#   DOORPOST_WINDOWED=1     a window instead of full screen
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" # installs missing Debian packages first (scripts/install-deps.sh)

demo=${DOORPOST_DEMO_DIR:-$root/build/demo}
mkdir -p "$demo"
doorpost=("$root/build/bin/doorpost" --db "$demo/doorpost.db" run --synthetic --demo-pin 2468)

echo "demo: database $demo/doorpost.db, synthetic camera, staff PIN 2468 (demo only)"
if [[ ${DOORPOST_HEADLESS:-0} != 1 && -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
    echo "demo: starting the kiosk on the display; Staff -> PIN 2468 -> Shut down to quit"
    extra=()
    [[ ${DOORPOST_WINDOWED:-0} == 1 ]] && extra=(--windowed)
    if "${doorpost[@]}" "${extra[@]}"; then
        exit 0
    fi
    echo "demo: the display could not be used; falling back to headless" >&2
fi

shots="$demo/screenshots"
mkdir -p "$shots"
script="$demo/tour.script"
{
    echo "# A tour of the kiosk as staff would use it (doorpost run --script)."
    echo "wait-for camera ok 10000"
    echo "frames 10"
    echo "screenshot $shots/1_door_zh.png"
    echo "lang en"
    echo "screenshot $shots/2_door_en.png"
    echo "tap manual"
    for digit in 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X; do echo "tap key_$digit"; done
    echo "tap reason_no_phone"
    echo "expect id_status check_ok"
    echo "screenshot $shots/3_manual_registration_en.png"
    echo "tap back"
    echo "tap staff"
    echo "screenshot $shots/4_pin_pad_en.png"
    for digit in 2 4 6 8; do echo "tap pin_$digit"; done
    echo "tap pin_ok"
    echo "wait-for screen staff"
    echo "screenshot $shots/5_staff_en.png"
    echo "tap back"
    echo "tap stats"
    echo "frames 5"
    echo "screenshot $shots/6_statistics_en.png"
    echo "state"
} >"$script"
echo "demo: no display here (no \$DISPLAY or \$WAYLAND_DISPLAY): running the kiosk headless"
echo "demo: (SDL offscreen driver) through $script"
"${doorpost[@]}" --headless --no-sound --script "$script" >"$demo/tour-state.jsonl"
echo "demo: screenshots written to $shots:"
ls -1 "$shots"
echo "demo: final UI state: $(tail -n 1 "$demo/tour-state.jsonl")"
