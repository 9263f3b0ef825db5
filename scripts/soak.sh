#!/usr/bin/env bash
# `make soak`: SOAK_SECS (600) of a steady mix of clients (scripts/chaos/load.py, as in
# `make chaos`, without the kills) against SOAK_REPLICAS (2) `debtflow serve` replicas
# behind HAProxy, on a PostgreSQL cluster of the script's own (scripts/chaos/lib.sh).
# Every SOAK_SAMPLE_SECS (60) it samples each server's RSS and open file descriptors
# (/proc), the pools' PostgreSQL connections (pg_stat_activity) and the p99 latency of
# that interval; then scripts/chaos/check.py prints the table and checks that they stay
# flat — the last sample against the second, the first being warm-up:
#   RSS last ≤ second × 1.2 + 10 MB (each server); connections last ≤ second + 2;
#   descriptors last ≤ second + 20 (each server); p99 last ≤ second × 1.5 + 10 ms —
# and that the run broke nothing (the checks of `make chaos`, with no 5xx and no
# connection error at all). Exit 1 if any fails.
#
#   SOAK_SECS=600 SOAK_SAMPLE_SECS=60 SOAK_REPLICAS=2 SOAK_RATE=25 SOAK_CLIENTS=8 scripts/soak.sh
#
# Logs and the clients' records stay in .data/soak/. Run as root.
set -euo pipefail
RUN_NAME=soak
source "$(dirname "${BASH_SOURCE[0]}")/chaos/lib.sh"

SECS=${SOAK_SECS:-600}
REPLICAS=${SOAK_REPLICAS:-2}

setup_common
pg_init
log "starting $REPLICAS replicas and HAProxy"
start_replicas "$REPLICAS"
start_haproxy
pids=$(IFS=,; echo "${REPLICA_PID[*]}")
log "load for ${SECS}s through http://127.0.0.1:$LB_PORT, a sample every ${SOAK_SAMPLE_SECS:-60}s"
python3 "$ROOT/scripts/chaos/load.py" --base "http://127.0.0.1:$LB_PORT" --secs "$SECS" \
  --rate "${SOAK_RATE:-25}" --clients "${SOAK_CLIENTS:-8}" --out "$LOGS/results.json" \
  --sample-secs "${SOAK_SAMPLE_SECS:-60}" --pids "$pids" &
LOAD_PID=$!
wait "$LOAD_PID"
LOAD_PID=
log "load done; checking"
LOGS="$LOGS" DEBTFLOW_BIN="$BIN" python3 "$ROOT/scripts/chaos/check.py" soak "$LOGS/results.json" \
  | tee "$LOGS/report.txt"
