#!/usr/bin/env bash
# `make bench`: release build, a bench database, the server on a free loopback port,
# and the load scenarios — one table of figures, compared with the targets of
# shared/DESIGN.md. Later issues add their scenarios here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER_SCENARIO=${BENCH_SECONDS:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-16}

cargo build --release -q -p debtflow-api -p debtflow-tests --bin debtflow --bin debtflow-load
scripts/build-spa.sh 2>/dev/null

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh psql -d postgres -c 'DROP DATABASE IF EXISTS debtflow_bench WITH (FORCE)' -c 'CREATE DATABASE debtflow_bench'
  export DATABASE_URL=$(scripts/pg.sh url debtflow_bench)
fi
target/release/debtflow migrate >/dev/null
target/release/debtflow seed-demo >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p .data
BIND_ADDR="127.0.0.1:$port" WORKERS=2 RATE_LIMIT_PER_IP=100000000 RATE_LIMIT_PER_TOKEN=100000000 \
  target/release/debtflow serve > .data/bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done

rss_mb() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
load() { target/release/debtflow-load "$1" "$base$2" --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_SCENARIO" "${@:3}"; }

echo
echo "DebtFlow benchmark — $(nproc) cores, ${SECONDS_PER_SCENARIO}s per scenario, release build, 2 HTTP workers"
echo
echo "| scenario                     |    c | requests |     req/s | p50 ms  | p95 ms  | p99 ms  | errors |"
echo "|------------------------------|------|----------|-----------|---------|---------|---------|--------|"
login() {
  curl -fs "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])'
}
token=$(login sarah.mitchell Collector@2026)
load "GET /health" /health
load "GET /health/ready (1 query)" /health/ready
load "GET /api/v1/auth/me (authed)" /api/v1/auth/me --header "Authorization: Bearer $token"
echo
echo "API peak RSS under load: $(rss_mb) MB (target < 100 MB)"
if [ -f frontend/dist/debtflow_bg.wasm ]; then
  spa_gz=$(cat frontend/dist/debtflow_bg.wasm frontend/dist/debtflow.js | gzip -9 | wc -c)
  echo "SPA wasm + js: $((spa_gz / 1024)) KB gzip (target ≤ 600 KB)"
fi
