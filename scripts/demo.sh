#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts the kiosk demo on an
# embedded default: a local SQLite database in build/demo/, the synthetic camera (people holding up
# admission tickets for a small exam roster) and a local doorpost-central on loopback that the
# kiosk syncs with (its keys seal manual registrations). With a display it opens the touch UI full
# screen; without one it runs the same kiosk headless through a short scripted tour and writes
# screenshots, and says so.
#
#   DOORPOST_DEMO_DIR=DIR   where the demo database, central and screenshots go (default: build/demo/)
#   DOORPOST_HEADLESS=1     headless even when a display is present
#   DOORPOST_WINDOWED=1     a window instead of full screen
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" # installs missing Debian packages first (scripts/install-deps.sh)

bin="$root/build/bin"
demo=${DOORPOST_DEMO_DIR:-$root/build/demo}
central_dir="$demo/central"
mkdir -p "$demo"
db="$demo/doorpost.db"
# Each run is a fresh door (the tour counts today's registrations from zero); the central and
# the auditor's keys are kept, and the door is enrolled again below.
rm -f "$db" "$db-wal" "$db-shm"

# The central: issuer and sealing keys (made once), then served on a free loopback port for as
# long as the demo runs. The sealing key's secret half goes, passphrase-protected, into the
# auditor's file (demo passphrase in a file beside it; a real auditor keeps both elsewhere): the
# central keeps only the public half.
passphrase_file="$demo/auditor-passphrase.txt"
sealing_key="$demo/auditor-sealing-key.dpkey"
[[ -f "$passphrase_file" ]] || echo "demo auditor passphrase" >"$passphrase_file"
# (A demo folder from before keeps its keys; its sealing secret is moved out into the file.)
if [[ ! -f "$sealing_key" ]]; then
    "$bin/doorpost-central" --data-dir "$central_dir" keys --sealing-key-out "$sealing_key" \
        --passphrase-file "$passphrase_file" >/dev/null
fi
rm -f "$demo/central.port"
"$bin/doorpost-central" --data-dir "$central_dir" serve --port-file "$demo/central.port" \
    >"$demo/central.log" 2>&1 &
central_pid=$!
trap 'kill "$central_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s "$demo/central.port" ]] && break; sleep 0.1; done
[[ -s "$demo/central.port" ]] || { echo "demo: doorpost-central did not start (see $demo/central.log)" >&2; exit 3; }
central_url="http://127.0.0.1:$(cat "$demo/central.port")"
token=$("$bin/doorpost-central" --data-dir "$central_dir" enroll demo-door --replace --json |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')

# The exam roster the synthetic camera's tickets belong to, published at the central: the ID
# numbers become subject keys there (keyed with the deployment's secret) and are dropped.
cat >"$demo/roster.csv" <<'CSV'
candidate_number,name,id_number,session,room,seat
2021110100731,张伟,110105199003071239,am,101,07
2021110100732,Li Na,310101198506124563,am,101,08
2021110100733,王芳,440305200109237893,am,102,01
CSV
"$bin/doorpost-central" --data-dir "$central_dir" roster import "$demo/roster.csv" >/dev/null

# The door: the central's public keys (passes, the sealing key), then one sync round: enrolment
# (which brings the subject secret) and the roster. Both replace what they stored before, so a
# rerun is safe.
"$bin/doorpost" --db "$db" trust add-key "$central_dir/keys/public-keys.json" >/dev/null
"$bin/doorpost" --db "$db" sync --central "$central_url" --token "$token" --once >/dev/null

mkdir -p "$demo/exports"
doorpost=("$bin/doorpost" --db "$db" run --synthetic --demo-pin 2468 --demo-auditor-pin 1357
    --central "$central_url" --token "$token" --export-dir "$demo/exports")

echo "demo: database $db, synthetic camera, central $central_url (data in $central_dir)"
echo "demo: staff PIN 2468, auditor PIN 1357 (demo only); audit exports go to $demo/exports"
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
    echo "wait-for verdict admit 20000" # a candidate holds up an admission ticket
    echo "screenshot $shots/2_admit_exam_en.png"
    echo "tap manual"
    for digit in 4 4 0 3 0 5 2 0 0 1 0 9 2 3 7 8 9 3; do echo "tap key_$digit"; done
    echo "expect id_status check_ok"
    echo "tap reason_no_phone"
    echo "screenshot $shots/3_manual_registration_en.png"
    echo "tap confirm"
    echo "wait-for manual 1 10000"
    echo "screenshot $shots/4_manual_admit_en.png"
    echo "tap staff"
    echo "screenshot $shots/5_pin_pad_en.png"
    for digit in 2 4 6 8; do echo "tap pin_$digit"; done
    echo "tap pin_ok"
    echo "wait-for screen staff"
    echo "tap sync_now"
    echo "wait-for staff_result ok 30000"
    echo "tap export"
    echo "wait-for staff_result ok 60000"
    echo "screenshot $shots/6_staff_after_export_en.png"
    echo "tap back"
    echo "tap stats"
    echo "frames 5"
    echo "screenshot $shots/7_statistics_en.png"
    echo "state"
} >"$script"
echo "demo: no display here (no \$DISPLAY or \$WAYLAND_DISPLAY): running the kiosk headless"
echo "demo: (SDL offscreen driver) through $script"
"${doorpost[@]}" --headless --no-sound --script "$script" >"$demo/tour-state.jsonl"
echo "demo: screenshots written to $shots:"
ls -1 "$shots"
echo "demo: final UI state: $(tail -n 1 "$demo/tour-state.jsonl")"
echo "demo: audit exports: $(ls -1 "$demo/exports" | tr '\n' ' ')"
echo "demo: the central now holds: $("$bin/doorpost-central" --data-dir "$central_dir" stats --json)"

# The auditor's export at the central: every door, the manual registrations' full numbers opened
# with the auditor's key file (and recorded in the access log), verified like a kiosk's export.
audit_out="$demo/central-export-$(date +%Y%m%dT%H%M%S)"
"$bin/doorpost-central" --data-dir "$central_dir" export --from "$(date -u +%Y-%m-%d)" \
    --to "$(date -u -d tomorrow +%Y-%m-%d)" --out "$audit_out" --unmask \
    --sealing-key "$sealing_key" --passphrase-file "$passphrase_file" --reason "demo" --auditor demo
"$bin/doorpost" verify-export "$audit_out"
echo "demo: the auditor's report: $audit_out/report.html; access log:"
"$bin/doorpost-central" --data-dir "$central_dir" access-log
