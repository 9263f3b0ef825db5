#!/usr/bin/env bash
# Contract fuzzing: schemathesis (from PyPI, installed when missing) generates requests
# from openapi/openapi.json — examples, boundary values, random and schema-violating
# data, stateful sequences, undeclared methods, missing credentials — and sends them to
# a real `debtflow serve` on a fresh database seeded with the demo data, as a collector
# (sarah.mitchell) and, side by side on a server and database of their own, as an
# agency admin (demo.admin). It checks every answer against the document: no 5xx, every
# status, content type, header and body as documented, schema-violating requests
# refused, 405 with `Allow`, authentication required. Exits non-zero on any failure.
#
# tests/fuzz/schemathesis.toml lists the operations whose rules the document cannot
# state (they depend on another field, the clock or what is stored), and its hooks keep
# server-issued tokens (cursors, event ids) out of the requests called valid.
#
#   FUZZ_EXAMPLES  examples per operation and phase (default 5; `make fuzz`: 100)
#   FUZZ_SEED      the generator's seed (default 1, so `make test` is repeatable;
#                  `make fuzz`: a new one each run, printed)
# Honours CARGO_TARGET_DIR; FUZZ_SKIP_BUILD=1 uses the binary already built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bin="${CARGO_TARGET_DIR:-target}/debug/debtflow"
examples=${FUZZ_EXAMPLES:-5}
seed=${FUZZ_SEED:-1}
version=4.32.5

if [ "$(schemathesis --version 2>/dev/null | awk '{ print $NF }')" != "$version" ]; then
  echo "fuzz: installing schemathesis $version (PyPI)" >&2
  python3 -m pip install -q --disable-pip-version-check "schemathesis==$version" >&2
fi
[ -n "${FUZZ_SKIP_BUILD:-}" ] || cargo build -q -p debtflow-api --bin debtflow

scripts/pg.sh start >/dev/null
out="$root/.data/fuzz"
mkdir -p "$out"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$status" = 0 ] || echo "fuzz: failed; the reports and the servers' logs are in $out" >&2
  exit "$status"
}
trap cleanup EXIT INT TERM

# One role's run, on a database and server of its own: the two roles run side by side
# (one schemathesis process each, about a core each) and neither changes what the
# other's checks see. It runs in a background subshell, whose own trap stops its server
# and drops its database.
fuzz_as() {
  local user=$1 password port status=0
  db="fuzz_$$_${user%%.*}" server_pid=""
  trap '[ -z "$server_pid" ] || { kill "$server_pid"; wait "$server_pid"; } 2>/dev/null
    scripts/pg.sh psql -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
  trap 'exit 143' TERM INT
  case $user in sarah.mitchell) password='Collector@2026' ;; demo.admin) password='Demo@2026' ;; esac
  scripts/pg.sh createdb "$db" >/dev/null
  local DATABASE_URL
  DATABASE_URL=$(scripts/pg.sh url "$db")
  export DATABASE_URL
  "$bin" migrate >/dev/null
  "$bin" seed-demo >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Rate limits out of the way: thousands of requests a minute from one address is the
  # point here (the limits have tests of their own).
  BIND_ADDR="127.0.0.1:$port" RATE_LIMIT_PER_IP=1000000 RATE_LIMIT_PER_TOKEN=1000000 \
    METRICS_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(16))')" \
    "$bin" serve >"$out/$user.server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local token
  token=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"$password\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])')
  # Signing out or changing the password would end the run's own session. One worker:
  # with several, hypothesis parses lambdas' source in threads at once and this
  # CPython (3.11.7) sometimes fails inside `ast.parse` — the tool's crash, not a finding.
  schemathesis --config-file tests/fuzz/schemathesis.toml run openapi/openapi.json --url "http://127.0.0.1:$port" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/password \
    --max-examples "$examples" --seed "$seed" --workers 1 --no-color \
    >"$out/$user.txt" 2>&1 || status=$?
  return "$status"
}

started=$(date +%s)
users=(sarah.mitchell demo.admin)
echo "fuzz: as ${users[*]} side by side, $examples examples per operation, seed $seed" >&2
for user in "${users[@]}"; do
  fuzz_as "$user" &
  pids+=($!)
done
failed=0
for i in "${!users[@]}"; do
  user=${users[$i]}
  if wait "${pids[$i]}"; then
    echo "fuzz: as $user: $(grep -E '^  [0-9]+ generated' "$out/$user.txt" | sed 's/^ *//')" >&2
  else
    echo "fuzz: as $user: failed" >&2
    tail -n 60 "$out/$user.txt" >&2
    failed=1
  fi
done
pids=()
[ "$failed" = 0 ]
echo "fuzz: no failures in $(($(date +%s) - started)) s" >&2
