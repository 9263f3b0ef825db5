#!/usr/bin/env bash
# Browser end-to-end journeys of the SPA: headless Chromium (playwright-core) against a
# real `debtflow serve` on a fresh database seeded with the demo data (webhooks may go to
# plain http on 127.0.0.1, where the journeys run their receivers). Installs what is
# missing, builds the SPA and the API, runs tests/e2e, saves screenshots under
# tests/e2e/screenshots/, then stops the server and drops the database. Exits non-zero
# on any failure. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-target}

scripts/browser.sh

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  scripts/build-spa.sh
  cargo build -q -p debtflow-api
fi
# The SPA's weight budget: the first visit's wasm and JavaScript, gzip.
python3 scripts/spa-sizes.py frontend/dist --budget 300000 | tail -n 1
bin="$target_dir/debug/debtflow"

scripts/pg.sh start >/dev/null
db="e2e_$$_$(date +%s)"
scripts/pg.sh createdb "$db" >/dev/null
export DATABASE_URL
DATABASE_URL=$(scripts/pg.sh url "$db")
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  scripts/pg.sh psql -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT INT TERM

"$bin" migrate >/dev/null
"$bin" seed-demo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$root/tests/e2e/screenshots/server.log"
mkdir -p "$(dirname "$log")"
BIND_ADDR="127.0.0.1:$port" SPA_DIR="$root/frontend/dist" WEBHOOKS_ALLOW_HTTP=true "$bin" serve >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "e2e: the server exited; see $log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null

echo "e2e: running the journeys against http://127.0.0.1:$port" >&2
(cd tests/e2e && BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs)
