#!/usr/bin/env bash
# The project-local PostgreSQL cluster: data under .data/pg, reachable only through a
# Unix socket in .data/pg/run (no TCP port, so it never collides with other clusters
# on the machine), started with the machine's PostgreSQL binaries — installed from
# Debian's packages when missing — as the `postgres` user when we are root
# (initdb and postgres refuse to run as root). Reused by later runs.
#
#   scripts/pg.sh start          start (initialising on first use); prints nothing
#   scripts/pg.sh url [DB]       the DATABASE_URL of database DB (default: debtflow)
#   scripts/pg.sh createdb DB    create database DB if it does not exist
#   scripts/pg.sh psql [ARGS]    psql on the cluster
#   scripts/pg.sh stop           stop the cluster
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE="$ROOT/.data/pg"
DATA="$BASE/data"
SOCK="$BASE/run"
LOG="$BASE/postgres.log"
PORT="${PG_LOCAL_PORT:-54329}"   # names the socket file only

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

ensure_installed() {
  if [ -z "$(bindir)" ]; then
    echo "pg.sh: installing PostgreSQL from Debian's packages" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "pg.sh: PostgreSQL is missing; install it (apt-get install postgresql) or set DATABASE_URL" >&2; exit 1; fi
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
  fi
  BIN=$(bindir)
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  ensure_installed
  mkdir -p "$BASE" "$SOCK"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$BASE" "$SOCK"; chmod 700 "$BASE"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$SOCK'
port = $PORT
max_connections = 300
shared_buffers = 256MB
synchronous_commit = off
CONF
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
      || { echo "pg.sh: PostgreSQL did not start; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
  fi
}

url() {
  echo "postgres://postgres@localhost/${1:-debtflow}?host=$SOCK&port=$PORT"
}

psql_() {
  ensure_installed
  PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres "$@"
}

createdb() {
  local db="$1"
  if [ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    psql_ -d postgres -c "CREATE DATABASE \"$db\""
  fi
}

case "${1:-}" in
  start) start ;;
  url) url "${2:-}" ;;
  createdb) createdb "$2" ;;
  psql) shift; psql_ "$@" ;;
  stop) ensure_installed; as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop ;;
  *) echo "usage: $0 start|url [DB]|createdb DB|psql [ARGS]|stop" >&2; exit 2 ;;
esac
