#!/usr/bin/env bash
# `make chaos`: three `debtflow serve` replicas (the release build) behind HAProxy, on a
# PostgreSQL cluster of this script's own (scripts/chaos/lib.sh), under a steady mix of
# clients (scripts/chaos/load.py: payments, refunds, plans proposed, submitted, approved
# and cancelled, small CSV imports, job runs, reads) for CHAOS_SECS (120). Every
# CHAOS_KILL_EVERY (20) seconds one replica, in turn, is killed with SIGKILL — while
# HAProxy counts a request in flight on it, if one comes within 2 s — and restarted 2 s
# later; once, half-way, PostgreSQL restarts (`pg_ctl restart -m fast`). Then
# scripts/chaos/check.py prints the figures and checks that no payment was lost or
# doubled, refunds match, the ledger balances, the data_quality job finds nothing,
# every import completed once, and no 5xx came outside the restart; exit 1 if not.
#
#   CHAOS_SECS=120 CHAOS_RATE=40 CHAOS_CLIENTS=8 CHAOS_KILL_EVERY=20 scripts/chaos.sh
#
# Logs, the clients' records and the events stay in .data/chaos/. Run as root.
set -euo pipefail
RUN_NAME=chaos
source "$(dirname "${BASH_SOURCE[0]}")/chaos/lib.sh"

SECS=${CHAOS_SECS:-120}
KILL_EVERY=${CHAOS_KILL_EVERY:-20}
REPLICAS=3
EVENTS="$LOGS/events.txt"

setup_common
pg_init
log "starting $REPLICAS replicas and HAProxy"
start_replicas "$REPLICAS"
start_haproxy
log "load for ${SECS}s through http://127.0.0.1:$LB_PORT; a kill every ${KILL_EVERY}s, one PostgreSQL restart"
python3 "$ROOT/scripts/chaos/load.py" --base "http://127.0.0.1:$LB_PORT" --secs "$SECS" \
  --rate "${CHAOS_RATE:-40}" --clients "${CHAOS_CLIENTS:-8}" --out "$LOGS/results.json" \
  --started-file "$WORK/started" &
LOAD_PID=$!
until [ -s "$WORK/started" ]; do
  kill -0 "$LOAD_PID" 2>/dev/null || { wait "$LOAD_PID"; exit 1; }
  sleep 0.1
done
t0=$(cat "$WORK/started")
sleep_until() {  # sleep_until SECONDS: until SECONDS after the clients started
  sleep "$(awk -v t="$t0" -v at="$1" -v now="$(now)" 'BEGIN { d = t + at - now; print (d > 0 ? d : 0) }')"
}

# The schedule: a kill at every multiple of KILL_EVERY before the end, the restart of
# PostgreSQL half-way between two kills near the middle.
pg_at=$(( SECS / 2 / KILL_EVERY * KILL_EVERY + KILL_EVERY / 2 ))
schedule=$( { for ((t = KILL_EVERY; t < SECS; t += KILL_EVERY)); do echo "$t kill"; done; echo "$pg_at pg"; } | sort -n)
: > "$EVENTS"
kills=0
while read -r at what; do
  sleep_until "$at"
  if [ "$what" = kill ]; then
    i=$((kills % REPLICAS)); kills=$((kills + 1))
    # While it serves a request, if one comes within 2 s, so that kills land mid-request.
    read -r state t_kill < <(python3 "$ROOT/scripts/chaos/kill_busy.py" \
                               "$WORK/haproxy.sock" "r$i" "${REPLICA_PID[$i]}" 2)
    stop_replica "$i" KILL
    log "killed replica $i (kill -9, $state)"
    sleep 2
    t_restart=$(now); start_replica "$i"; wait_ready "$i"; t_ready=$(now)
    log "replica $i ready again"
    echo "kill $i $t_kill $t_restart $t_ready $state" >> "$EVENTS"
  else
    t_a=$(now); log "restarting PostgreSQL (pg_ctl restart -m fast)"
    pg_ctl_ restart -m fast
    t_b=$(now); log "PostgreSQL accepts connections again"
    echo "pg_restart $t_a $t_b" >> "$EVENTS"
  fi
done <<< "$schedule"

wait "$LOAD_PID"
LOAD_PID=
log "load done; checking"
LOGS="$LOGS" DEBTFLOW_BIN="$BIN" python3 "$ROOT/scripts/chaos/check.py" chaos "$LOGS/results.json" "$EVENTS" \
  | tee "$LOGS/report.txt"
