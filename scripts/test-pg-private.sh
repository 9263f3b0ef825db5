#!/usr/bin/env bash
# Proves that the project-local PostgreSQL starts from a checkout the `postgres` user
# cannot enter (scripts/pg.sh keeps such a cluster under /var/lib/postgresql/debtflow):
# clones this repository under a fresh 0700 directory in /tmp, puts the pg.sh under
# test in it, starts its cluster on a socket of its own (PG_LOCAL_PORT differs from the
# running cluster's), creates a database and queries it through `pg.sh psql` and
# through `pg.sh url`, stops the cluster and removes everything it created. Exits
# non-zero, saying what failed, when any step fails. 1–10 s (initdb, a start, a stop).
#
#   scripts/test-pg-private.sh [PG_SH]   PG_SH: the pg.sh to test (default: this checkout's)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UNDER_TEST=$(realpath "${1:-$ROOT/scripts/pg.sh}")
started=$SECONDS

fail() { echo "test-pg-private: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || { echo "test-pg-private: skipped: only root runs PostgreSQL as another user" >&2; exit 0; }
[ -f "$UNDER_TEST" ] || fail "no pg.sh at $UNDER_TEST"

PARENT=$(mktemp -d /tmp/debtflow-private.XXXXXX)   # 0700, owned by root
CHECKOUT="$PARENT/checkout"
PG="$CHECKOUT/scripts/pg.sh"
export PG_LOCAL_PORT=$((55000 + RANDOM % 5000))   # the running cluster's socket is 54329
[ "$PG_LOCAL_PORT" != 54329 ] || PG_LOCAL_PORT=55329
CLUSTER=""   # the directory pg.sh says holds the cluster, once known
PRIVATE_ROOT=/var/lib/postgresql/debtflow
[ -d "$PRIVATE_ROOT" ] && made_private_root=no || made_private_root=yes

cleanup() {
  local code=$? pid
  if [ -n "$CLUSTER" ] && [ -f "$CLUSTER/data/postmaster.pid" ]; then
    "$PG" stop >/dev/null 2>&1 || true
    # Still running (the stop failed): end the postmaster this test started, by its pid.
    pid=$(head -n 1 "$CLUSTER/data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -INT "$pid"; sleep 1; fi
  fi
  case "$CLUSTER" in "$PRIVATE_ROOT"/?*) rm -rf "$CLUSTER" ;; esac
  if [ "$made_private_root" = yes ]; then rmdir "$PRIVATE_ROOT" 2>/dev/null || true; fi
  rm -rf "$PARENT"
  if [ "$code" -eq 0 ]; then echo "test-pg-private: ok, the cluster lived in $CLUSTER ($((SECONDS - started)) s)"; fi
}
trap cleanup EXIT

chmod 700 "$PARENT"
git clone -q "$ROOT" "$CHECKOUT" 2>/dev/null || fail "git clone $ROOT $CHECKOUT"
cp "$UNDER_TEST" "$PG"
if runuser -u postgres -- test -x "$CHECKOUT" 2>/dev/null; then
  fail "the postgres user can enter $CHECKOUT: the test proves nothing"
fi

# Where pg.sh will keep the cluster (older pg.sh have no `dir`: inside the checkout).
CLUSTER=$("$PG" dir 2>/dev/null) || CLUSTER="$CHECKOUT/.data/pg"
case "$CLUSTER" in "$PRIVATE_ROOT"/?* | "$CHECKOUT"/*) ;; *) fail "pg.sh dir printed '$CLUSTER'" ;; esac
if [ -e "$CLUSTER" ]; then CLUSTER=""; fail "a cluster already exists for this new checkout"; fi

"$PG" start || fail "scripts/pg.sh start failed in a checkout under a 0700 directory ($CHECKOUT)"
[ "$("$PG" psql -d postgres -tAc 'SELECT 1')" = 1 ] || fail "SELECT 1 through scripts/pg.sh psql"
"$PG" createdb probe || fail "scripts/pg.sh createdb probe"
psql=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
got=$("${psql:-psql}" -X -d "$("$PG" url probe)" -tAc 'SELECT current_database()') \
  || fail "psql on scripts/pg.sh url probe ($("$PG" url probe))"
[ "$got" = probe ] || fail "scripts/pg.sh url probe reached database '$got'"
"$PG" stop >/dev/null || fail "scripts/pg.sh stop"
if "$PG" psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then fail "the cluster still answers after stop"; fi
