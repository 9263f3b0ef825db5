#!/usr/bin/env bash
# The generated client's journey: generates TypeScript types from openapi/openapi.json
# (openapi-typescript), type-checks tests/client/journey.ts against them (tsc), and runs
# it (openapi-fetch) against a real `debtflow serve` on a fresh database seeded with the
# demo data: an API key, an account, a payment with an Idempotency-Key, the ledger, a
# webhook received and its signature checked. Exits non-zero on any failure. Honours
# CARGO_TARGET_DIR; CLIENT_SKIP_BUILD=1 uses the binary already built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bin="${CARGO_TARGET_DIR:-target}/debug/debtflow"

(cd tests/client && { [ -d node_modules/openapi-fetch ] || npm ci --no-audit --no-fund; })
[ -n "${CLIENT_SKIP_BUILD:-}" ] || cargo build -q -p debtflow-api --bin debtflow
(cd tests/client && rm -rf generated build && npx openapi-typescript ../../openapi/openapi.json -o generated/schema.d.ts \
  && npx tsc -p .)

scripts/pg.sh start >/dev/null
db="client_$$_$(date +%s)"
scripts/pg.sh createdb "$db" >/dev/null
export DATABASE_URL
DATABASE_URL=$(scripts/pg.sh url "$db")
server_pid=""
log="$root/tests/client/build/server.log"
cleanup() {
  status=$?
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  scripts/pg.sh psql -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  [ "$status" = 0 ] || { echo "client journey: failed; the server's log:" >&2; tail -n 40 "$log" >&2 || true; }
  exit "$status"
}
trap cleanup EXIT INT TERM

"$bin" migrate >/dev/null
"$bin" seed-demo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The receiver listens on plain http://127.0.0.1: allowed outside production only.
BIND_ADDR="127.0.0.1:$port" WEBHOOKS_ALLOW_HTTP=true WEBHOOKS_POLL_MS=200 "$bin" serve >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "client journey: the server exited" >&2; exit 1; }
  sleep 0.2
done
(cd tests/client && DEBTFLOW_URL="http://127.0.0.1:$port" node build/journey.js)
