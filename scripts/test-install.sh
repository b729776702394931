#!/usr/bin/env bash
# The packages and a fresh installation of them, end to end (issue 15). scripts/test.sh runs it
# last; DOORPOST_SKIP_INSTALL_TEST=1 skips it there (a quick local loop only: CI runs it).
#   1. builds the doorpost and doorpost-central packages with cpack
#   2. lintian: no errors
#   3. their contents: binaries, units, udev rules, man pages, default configuration, conffiles
#   4. a throwaway minimal Debian bookworm root (mmdebstrap --variant=minbase) where
#      `apt-get install ./doorpost*.deb` pulls every dependency from Debian
#   5. inside it: both --version, `config check` of the shipped kiosk.toml and central.toml,
#      systemd-analyze verify of the units, the users and folders the maintainer scripts made,
#      doorpost-central started the way its unit starts it (its user, its state directory, its
#      ExecStart with --config), a door enrolled, a kiosk database with an event synced to it,
#      the central's `stats --json` holding that event, both databases 0600.
# Usage: scripts/test-install.sh [BUILD_DIR]     (default build/; built first if needed)
# The minbase root (as a tarball) and the downloaded .debs are kept in BUILD_DIR/install-test/
# for a week to save time on later runs; a clean build directory (CI) makes them again.
# Needs root (chroot, mount, unshare). Exit 0 when every step passed, 1 otherwise.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root_dir/build}" 2>/dev/null && pwd) || build=${1:-$root_dir/build}
work=$build/install-test
chroot_dir=$work/root
cache=$work/cache
started=$(date +%s)
step_name="starting"
mirror=${DOORPOST_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DOORPOST_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

step() {
    step_name=$*
    echo "== install-test: $* ($(($(date +%s) - started)) s)"
}
fail() {
    echo "install-test: FAILED: $step_name: $*" >&2
    reported=1
    exit 1
}
cleanup() {
    local status=$?
    if [[ -n ${central_pid:-} ]]; then kill "$central_pid" 2>/dev/null || true; fi
    if mountpoint -q "$chroot_dir/proc" 2>/dev/null; then umount "$chroot_dir/proc" || true; fi
    if [[ $status -ne 0 && -z ${reported:-} ]]; then
        # set -e stops on the first failing command; say which step it was in, on one line.
        echo "install-test: FAILED: $step_name (exit $status; output above)" >&2
    fi
    [[ ${DOORPOST_KEEP_INSTALL_ROOT:-0} == 1 ]] || rm -rf --one-file-system "$chroot_dir"
    local now
    now=$(date +%s)
    echo "install-test: took $((now - started)) s (build and cpack $((${built:-$now} - started)) s, the rest $((now - ${built:-$now})) s)"
}
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] || fail "needs root (mmdebstrap, chroot, unshare)"

mkdir -p "$work"

step "build and cpack"
# Only what the packages hold (scripts/test.sh has built everything before anyway).
"$root_dir/scripts/install-deps.sh"
export CCACHE_BASEDIR=$root_dir
{
    [[ -f $build/build.ninja ]] || cmake -S "$root_dir" -B "$build" -G Ninja
    cmake --build "$build" -j"${DOORPOST_JOBS:-2}" --target doorpost_packages
} >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; fail "build (log: $work/build.log)"; }
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1) || { tail -20 "$work/cpack.log" >&2; fail "cpack (log: $work/cpack.log)"; }
built=$(date +%s)
version=$(cat "$build/version.txt")
kiosk_deb=$(ls "$build"/packages/doorpost_*.deb 2>/dev/null) || fail "no doorpost_*.deb in $build/packages"
central_deb=$(ls "$build"/packages/doorpost-central_*.deb 2>/dev/null) || fail "no doorpost-central_*.deb in $build/packages"
for deb in "$kiosk_deb" "$central_deb"; do
    [[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "$(basename "$deb"): version $(dpkg-deb -f "$deb" Version), built $version"
    echo "$(basename "$deb"): $(du -h "$deb" | cut -f1); Depends: $(dpkg-deb -f "$deb" Depends)"
done

step "lintian"
# Errors fail the test; warnings and notes are printed for whoever reads the log.
lintian_out=$(lintian --fail-on error --display-info "$kiosk_deb" "$central_deb" 2>&1) || {
    echo "$lintian_out" >&2
    fail "lintian reports errors (E: lines above)"
}
echo "${lintian_out:-lintian: no tags}"
echo "lintian: $(grep -c '^E:' <<<"$lintian_out" || true) errors, $(grep -c '^W:' <<<"$lintian_out" || true) warnings, $(grep -c '^[IP]:' <<<"$lintian_out" || true) notes"

step "package contents"
expect_files() {
    local deb=$1
    shift
    local listing
    listing=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|')
    for path in "$@"; do
        grep -qx -- "$path" <<<"$listing" || fail "$(basename "$deb") lacks $path"
    done
}
expect_files "$kiosk_deb" /usr/bin/doorpost /lib/systemd/system/doorpost-kiosk.service \
    /lib/udev/rules.d/70-doorpost.rules /etc/doorpost/kiosk.toml /usr/share/man/man1/doorpost.1.gz \
    /usr/share/doc/doorpost/copyright /usr/share/doc/doorpost/changelog.gz
expect_files "$central_deb" /usr/bin/doorpost-central /lib/systemd/system/doorpost-central.service \
    /etc/doorpost/central.toml /usr/share/man/man1/doorpost-central.1.gz \
    /usr/share/doc/doorpost-central/copyright /usr/share/doc/doorpost-central/changelog.gz
dpkg-deb -I "$kiosk_deb" conffiles | grep -qx /etc/doorpost/kiosk.toml || fail "kiosk.toml is not a conffile"
dpkg-deb -I "$central_deb" conffiles | grep -qx /etc/doorpost/central.toml || fail "central.toml is not a conffile"
for dep in cage fonts-noto-cjk libpam-systemd adduser libsqlite3-0; do
    dpkg-deb -f "$kiosk_deb" Depends | grep -qw -- "$dep" || fail "doorpost does not depend on $dep"
done
for dep in adduser procps libsqlite3-0 libpq5; do
    dpkg-deb -f "$central_deb" Depends | grep -qw -- "$dep" || fail "doorpost-central does not depend on $dep"
done
if dpkg-deb -f "$central_deb" Depends | grep -qw -- libsdl2-2.0-0; then
    fail "doorpost-central depends on SDL (kiosk code linked into the central)"
fi
echo "contents: binaries, units, udev rules, man pages, configuration (conffiles), copyright, changelog"

step "minimal Debian bookworm root"
mkdir -p "$cache/archives"
base=$cache/bookworm-minbase.tar
if [[ ! -s $base || -n $(find "$base" -mtime +7) ]]; then
    # Suites as on this build machine: the binaries' library versions come from bookworm,
    # bookworm-updates and bookworm-security.
    mmdebstrap --quiet --variant=minbase --mode=root --format=tar bookworm "$base.tmp" \
        "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
        "deb $security_mirror bookworm-security main" >"$work/mmdebstrap.log" 2>&1 ||
        { tail -20 "$work/mmdebstrap.log" >&2; fail "mmdebstrap (log: $work/mmdebstrap.log)"; }
    mv "$base.tmp" "$base"
else
    echo "reusing $base (made $(date -r "$base" '+%F %R'))"
fi
# A root left by an interrupted run: its /proc first, then the files (never across mounts).
if mountpoint -q "$chroot_dir/proc" 2>/dev/null; then umount "$chroot_dir/proc"; fi
rm -rf --one-file-system "$chroot_dir"
mkdir -p "$chroot_dir"
tar -C "$chroot_dir" -xf "$base"
mount -t proc proc "$chroot_dir/proc"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$chroot_dir/tmp/debs"
cp "$kiosk_deb" "$central_deb" "$chroot_dir/tmp/debs/"
cp "$cache/archives/"*.deb "$chroot_dir/var/cache/apt/archives/" 2>/dev/null || true

step "apt-get install ./doorpost*.deb"
in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get -q update >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; fail "apt-get update in the root"; }
if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    /tmp/debs/"$(basename "$kiosk_deb")" /tmp/debs/"$(basename "$central_deb")" >>"$work/apt.log" 2>&1; then
    tail -30 "$work/apt.log" >&2
    fail "apt-get install of the packages (log: $work/apt.log)"
fi
cp -n "$chroot_dir/var/cache/apt/archives/"*.deb "$cache/archives/" 2>/dev/null || true
echo "installed with $(in_root dpkg-query -W -f '${Package}\n' | wc -l) packages in the root"

step "installed: versions, units, users and folders"
[[ $(in_root doorpost --version) == "doorpost $version" ]] || fail "doorpost --version: '$(in_root doorpost --version)', expected 'doorpost $version'"
[[ $(in_root doorpost-central --version) == "doorpost-central $version" ]] || fail "doorpost-central --version: '$(in_root doorpost-central --version)'"
echo "doorpost --version: $(in_root doorpost --version); doorpost-central --version: $(in_root doorpost-central --version)"
# Documentation= links are checked apart (minbase has no man-db): the pages are in the packages.
verify_out=$(in_root systemd-analyze verify --man=no /lib/systemd/system/doorpost-kiosk.service \
    /lib/systemd/system/doorpost-central.service 2>&1) || { echo "$verify_out" >&2; fail "systemd-analyze verify"; }
echo "systemd-analyze verify: ${verify_out:-no complaints}"
echo "systemd-analyze security doorpost-central.service: $(in_root systemd-analyze security --offline=yes \
    /lib/systemd/system/doorpost-central.service 2>&1 | tail -1 | sed 's/^→ //')"
for user in doorpost doorpost-central; do
    in_root getent passwd "$user" >/dev/null || fail "no $user user"
    in_root getent group "$user" >/dev/null || fail "no $user group"
    mode=$(in_root stat -c '%a %U:%G' "/var/lib/$user")
    [[ $mode == "700 $user:$user" ]] || fail "/var/lib/$user is $mode, expected 700 $user:$user"
done
[[ -L $chroot_dir/etc/systemd/system/graphical.target.wants/doorpost-kiosk.service ]] || fail "doorpost-kiosk.service is not enabled"
[[ -L $chroot_dir/etc/systemd/system/multi-user.target.wants/doorpost-central.service ]] || fail "doorpost-central.service is not enabled"
# The shipped configuration files, checked by the binaries that read them.
in_root doorpost config check /etc/doorpost/kiosk.toml || fail "doorpost config check on the shipped kiosk.toml"
in_root doorpost-central config check /etc/doorpost/central.toml ||
    fail "doorpost-central config check on the shipped central.toml"

step "central started as its unit starts it; a kiosk enrolled and synced"
# The unit's own settings, read from the installed file: what systemd would do, by hand (no
# systemd runs in the root). Its own network namespace, so the unit's port is free whatever
# else this machine runs.
unit=$chroot_dir/lib/systemd/system/doorpost-central.service
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -1; }
cat >"$chroot_dir/tmp/scenario.sh" <<'EOF'
#!/bin/bash
# Runs inside the root, in a private network namespace; results go to /tmp/results/.
# From the unit: UNIT_USER, UNIT_STATE (its StateDirectory=), UNIT_EXEC_START.
set -euo pipefail
out=/tmp/results
mkdir -p $out
say() { echo "scenario: $*"; }
config=/etc/doorpost/central.toml
key() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *\$/\1/p" "$config" | head -1; }
port=$(key port)
read -r -a exec_start <<<"$UNIT_EXEC_START"
central=(doorpost-central --config "$config")
as_central() { runuser -u "$UNIT_USER" -- "$@"; }
as_kiosk() { runuser -u doorpost -- "$@"; }

say "keys, as $UNIT_USER"
as_central "${central[@]}" keys >$out/keys.txt
say "serve: ${exec_start[*]} (as $UNIT_USER, in $UNIT_STATE)"
credentials=/run/credentials/doorpost-central.service
mkdir -p $credentials
(cd "$UNIT_STATE" && exec runuser -u "$UNIT_USER" -- env STATE_DIRECTORY="$UNIT_STATE" \
    CREDENTIALS_DIRECTORY=$credentials PGPASSFILE=$credentials/pgpass "${exec_start[@]}") \
    >$out/serve.log 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    kill -0 $serve_pid 2>/dev/null || { cat $out/serve.log; say "doorpost-central serve exited"; exit 1; }
    sleep 0.1
done
exec 3<>/dev/tcp/127.0.0.1/$port || { say "nothing listens on port $port"; exit 1; }
printf 'GET /v1/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
cat <&3 >$out/health.txt
exec 3<&-

say "enroll door-1"
as_central "${central[@]}" enroll door-1 --json >$out/enroll.json
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' $out/enroll.json)
install -m 0644 "$UNIT_STATE/keys/public-keys.json" /tmp/public-keys.json

db=/var/lib/doorpost/doorpost.db
say "kiosk database $db (as doorpost): trust add-key, register, sync"
as_kiosk doorpost --db $db trust add-key /tmp/public-keys.json >$out/trust.txt
as_kiosk doorpost --db $db register --id-type resident --id 11010519491231002X \
    --reason no_phone --operator op1 --json >$out/register.json
# The token through the environment, as --token's help allows: never on a command line.
as_kiosk env DOORPOST_SYNC_TOKEN="$token" doorpost --db $db sync \
    --central "http://127.0.0.1:$port" --once --json >$out/sync.json
say "the door screen, headless (SDL offscreen), as doorpost: libraries and fonts in place"
as_kiosk doorpost --db $db run --headless --frames 5 --screenshot /tmp/door.png --json \
    >$out/run.json 2>$out/run.err
cp /tmp/door.png $out/door.png
as_kiosk doorpost --db $db status --json >$out/status.json
stat -c '%a %U:%G' $db >$out/db-mode.txt
stat -c '%a %U:%G' "$UNIT_STATE/central.db" >$out/central-db-mode.txt
as_central "${central[@]}" stats --json >$out/stats.json
kill $serve_pid
wait $serve_pid || true
say "central stopped"
EOF
unshare --net -- sh -c "ip link set lo up && exec chroot '$chroot_dir' /usr/bin/env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 UNIT_USER='$(unit_value User)' \
    UNIT_STATE='/var/lib/$(unit_value StateDirectory)' UNIT_EXEC_START='$(unit_value ExecStart)' \
    /bin/bash /tmp/scenario.sh" ||
    fail "the scenario inside the root (output above; DOORPOST_KEEP_INSTALL_ROOT=1 keeps $chroot_dir/tmp/results)"
results=$chroot_dir/tmp/results
grep -q '^HTTP/1.[01] 200' "$results/health.txt" || fail "GET /v1/health did not answer 200: $(head -1 "$results/health.txt")"
python3 - "$results" <<'EOF' || fail "the central does not hold the kiosk's events (see above)"
import json, pathlib, sys
results = pathlib.Path(sys.argv[1])
status = json.loads((results / "status.json").read_text().splitlines()[-1])
stats = json.loads((results / "stats.json").read_text().splitlines()[-1])
chains = [c for c in stats["chains"] if c["head_hash"] == status["head_hash"]]
print(f"kiosk: {status['events']} events, head {status['head_hash'][:16]}; "
      f"central: {stats['devices']} devices, {stats['events']} events")
if status["events"] < 1:
    sys.exit("install-test: the kiosk recorded no event")
if not chains or chains[0]["events"] != status["events"]:
    sys.exit(f"install-test: no chain at the central ends at the kiosk's head: {stats['chains']}")
print(f"central chain {chains[0]['device']}: {chains[0]['events']} events, acked through {chains[0]['acked_through']}")
EOF
echo "kiosk database: $(cat "$results/db-mode.txt"); central store: $(cat "$results/central-db-mode.txt")"
for mode_file in db-mode central-db-mode; do
    [[ $(cut -d' ' -f1 "$results/$mode_file.txt") == 600 ]] || fail "$mode_file: $(cat "$results/$mode_file.txt"), expected 600"
done
grep -q '"glyphs":[1-9]' "$results/run.json" || fail "the headless door screen drew no text: $(cat "$results/run.json")"
if grep -q 'font' "$results/run.err"; then fail "the door screen: $(grep font "$results/run.err")"; fi
cp "$results/door.png" "$work/door.png"
echo "door screen: $work/door.png"

step "passed"
echo "install-test: packages $version built, lint-clean, installed on a fresh bookworm, central served, kiosk synced"
