#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the sync tests and `doorpost-central bench sync`: initdb and pg_ctl from
# /usr/lib/postgresql/15/bin in a temporary folder, as an unprivileged user (root runs it as the
# `postgres` user the postgresql-15 package creates), on a free loopback port. Never touches a
# system cluster.
#
#   scripts/with-postgres.sh run CMD [ARGS...]   start, export DOORPOST_PG_URL, run CMD, stop
#   scripts/with-postgres.sh start STATE_DIR     start; write STATE_DIR/url (ctest fixture setup)
#   scripts/with-postgres.sh stop STATE_DIR      stop and remove what start made (fixture cleanup)
#
# DOORPOST_PG_FAST=1 turns fsync off (the ctest fixture does: a crash of PostgreSQL itself is not
# what the tests exercise, and CI time is short). Exit status 3 when PostgreSQL cannot start.
set -euo pipefail

pg_bin=${DOORPOST_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local state=$1
    [[ -x $pg_bin/initdb ]] || { echo "with-postgres: no PostgreSQL 15 in $pg_bin" >&2; return 3; }
    mkdir -p "$state"
    local data
    data=$(mktemp -d /tmp/doorpost-pg.XXXXXXXX)
    [[ $(id -u) -ne 0 ]] || chown postgres: "$data"
    chmod 700 "$data"
    echo "$data" >"$state/datadir"
    as_owner "$pg_bin/initdb" -D "$data/db" -U doorpost --auth=trust --encoding=UTF8 \
        --no-locale >"$data/initdb.log" 2>&1 || {
        echo "with-postgres: initdb failed:" >&2
        tail -5 "$data/initdb.log" >&2
        return 3
    }
    local fast=()
    [[ ${DOORPOST_PG_FAST:-0} != 1 ]] || fast=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$pg_bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$data -c max_connections=100 ${fast[*]}" \
            start >/dev/null 2>&1; then
            echo "postgresql://doorpost@127.0.0.1:$port/postgres" >"$state/url"
            cat "$state/url"
            return 0
        fi
    done
    echo "with-postgres: PostgreSQL did not start:" >&2
    tail -5 "$data/server.log" >&2 || true
    return 3
}

stop() {
    local state=$1
    [[ -f $state/datadir ]] || return 0
    local data
    data=$(cat "$state/datadir")
    as_owner "$pg_bin/pg_ctl" -D "$data/db" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    rm -f "$state/datadir" "$state/url"
}

case ${1:-} in
start) start "${2:?state dir}" ;;
stop) stop "${2:?state dir}" ;;
run)
    shift
    state=$(mktemp -d)
    trap 'stop "$state"; rm -rf "$state"' EXIT
    url=$(start "$state")
    export DOORPOST_PG_URL=$url
    "$@"
    ;;
*)
    echo "usage: $0 run CMD... | start STATE_DIR | stop STATE_DIR" >&2
    exit 2
    ;;
esac
