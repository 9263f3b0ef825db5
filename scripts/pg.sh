#!/usr/bin/env bash
# The project-local PostgreSQL cluster, reachable only through a Unix socket (no TCP
# port, so it never collides with other clusters on the machine), started with the
# machine's PostgreSQL binaries — installed from Debian's packages when missing — as
# the `postgres` user when we are root (initdb and postgres refuse to run as root).
# Reused by later runs.
#
# Where it lives: in the checkout's .data/pg (the data in data/, the socket in run/,
# the log in postgres.log). When we are root and the `postgres` user cannot enter the
# checkout — it lies under a directory closed to others, such as root's home (0700) —
# in /var/lib/postgresql/debtflow/<hash> instead, a directory that user owns, where
# <hash> is the first 12 hex digits of the SHA-256 of the checkout's physical path
# (its file `checkout` names the checkout). A cluster already initialised in one place
# stays there. `scripts/pg.sh dir` prints the directory; every command finds the same.
#
#   scripts/pg.sh start          start (initialising on first use); prints nothing
#   scripts/pg.sh url [DB]       the DATABASE_URL of database DB (default: debtflow)
#   scripts/pg.sh createdb DB    create database DB if it does not exist
#   scripts/pg.sh psql [ARGS]    psql on the cluster
#   scripts/pg.sh stop           stop the cluster
#   scripts/pg.sh dir            the directory of the cluster's data, socket and log
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PRIVATE_ROOT=/var/lib/postgresql/debtflow

# Whether other users (the `postgres` user) may enter $1 — or, while it does not exist,
# its parent: every directory from there up to / lets others search it.
others_can_enter() {
  local dir=$1
  [ -e "$dir" ] || dir=$(dirname "$dir")
  while :; do
    case $(stat -Lc %A "$dir") in ?????????[xt]) ;; *) return 1 ;; esac
    [ "$dir" = / ] && return 0
    dir=$(dirname "$dir")
  done
}

# The cluster's directory (see the header). The answer depends only on the checkout's
# path, its permissions and where a cluster already is, so every command agrees.
base_dir() {
  local physical here private
  physical=$(cd "$ROOT" && pwd -P)
  here="$ROOT/.data/pg"
  private="$PRIVATE_ROOT/$(printf '%s' "$physical" | sha256sum | cut -c1-12)"
  if [ "$(id -u)" -ne 0 ] || [ -f "$here/data/PG_VERSION" ]; then echo "$here"
  elif [ -f "$private/data/PG_VERSION" ] || ! others_can_enter "$physical/.data"; then echo "$private"
  else echo "$here"; fi
}

BASE=$(base_dir)
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

# Runs a command as the `postgres` user when we are root, from / (our working directory
# may be closed to that user; every path given is absolute).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start() {
  ensure_installed
  if [ "$BASE" = "$ROOT/.data/pg" ]; then
    mkdir -p -m 755 "$ROOT/.data"   # enterable by postgres, whatever the umask
  else
    mkdir -p -m 755 "$PRIVATE_ROOT"
    chown postgres:postgres "$PRIVATE_ROOT"
  fi
  mkdir -p "$BASE" "$SOCK"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$BASE" "$SOCK"; chmod 700 "$BASE"; fi
  if [ "$BASE" != "$ROOT/.data/pg" ]; then echo "$ROOT" > "$BASE/checkout"; fi
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
  dir) echo "$BASE" ;;
  *) echo "usage: $0 start|url [DB]|createdb DB|psql [ARGS]|stop|dir" >&2; exit 2 ;;
esac
