# Shared by scripts/chaos.sh and scripts/soak.sh (sourced, not run): a PostgreSQL
# cluster of their own, `debtflow serve` replicas on free loopback ports, HAProxy in
# front of them, and one cleanup that stops all of it on any exit, Ctrl-C included.
#
# Nothing here touches the project's cluster under .data/pg: the cluster lives in a
# temporary directory, listens only on a Unix socket there, and is deleted on exit.
# Logs (servers, HAProxy, PostgreSQL, the clients' records) are kept in $LOGS
# (.data/chaos or .data/soak), replaced by the next run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# DEBTFLOW_BIN: a debtflow binary built already (default: build the release one here).
BIN=${DEBTFLOW_BIN:-$ROOT/target/release/debtflow}
LOGS="$ROOT/.data/${RUN_NAME:?}"
PG_PORT=5432   # names the socket file only: the cluster has no TCP listener
WORK=
PG_BIN=
PG_DATA=
PG_SOCK=
DATABASE_URL=
LB_PORT=
HAPROXY_PID=
LOAD_PID=
declare -a REPLICA_PORT=() REPLICA_PID=()

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() { runuser -u postgres -- "$@"; }

# Everything started here, stopped in reverse order; safe to call twice.
cleanup() {
  local code=$?
  set +e
  trap - EXIT INT TERM
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
  for i in "${!REPLICA_PID[@]}"; do stop_replica "$i" KILL; done
  [ -n "$HAPROXY_PID" ] && { kill "$HAPROXY_PID" 2>/dev/null; wait "$HAPROXY_PID" 2>/dev/null; }
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$WORK" ] && cp "$WORK/pg/postgres.log" "$LOGS/" 2>/dev/null
  [ -n "$WORK" ] && rm -rf "$WORK"
  exit "$code"
}
on_signal() { log "interrupted: stopping everything"; exit 130; }

setup_common() {
  [ "$(id -u)" -eq 0 ] || { echo "$RUN_NAME: run as root (PostgreSQL runs as postgres through runuser; HAProxy may be installed)" >&2; exit 1; }
  trap cleanup EXIT
  trap on_signal INT TERM
  mkdir -p "$LOGS"
  rm -f "$LOGS"/*
  WORK=$(mktemp -d "/tmp/debtflow-$RUN_NAME.XXXXXX")
  chmod 755 "$WORK"
  if ! command -v haproxy >/dev/null; then
    log "installing HAProxy from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  export PSQL="$PG_BIN/psql"
  if [ -z "${DEBTFLOW_BIN:-}" ]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -q -p debtflow-api --bin debtflow)
  fi
}

# A fresh cluster: default durability (fsync, synchronous_commit on), Unix socket only.
pg_init() {
  PG_DATA="$WORK/pg/data"
  PG_SOCK="$WORK/pg/run"
  mkdir -p "$WORK/pg/run"
  chown -R postgres:postgres "$WORK/pg"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_SOCK'
port = $PG_PORT
max_connections = 200
shared_buffers = 128MB
logging_collector = off
CONF
  pg_ctl_ start
  DATABASE_URL="postgres://postgres@localhost/debtflow?host=$PG_SOCK&port=$PG_PORT"
  export DATABASE_URL
  psql_ -d postgres -c 'CREATE DATABASE debtflow'
  log "migrating and seeding the demo (debtflow migrate, debtflow seed-demo)"
  RUST_LOG=warn "$BIN" migrate >>"$LOGS/setup.log" 2>&1
  RUST_LOG=warn "$BIN" seed-demo >>"$LOGS/setup.log" 2>&1
}
pg_ctl_() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w -t 60 "$@" >/dev/null; }
psql_() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres "$@"; }

# Replica i on its own port; every replica shares the database, the JWT secret (the
# development default) and the import storage, as replicas of one deployment do.
start_replica() {
  local i=$1
  [ -n "${REPLICA_PORT[$i]:-}" ] || REPLICA_PORT[$i]=$(free_port)
  mkdir -p "$WORK/imports"
  echo "=== $(date +%T.%N) start" >>"$LOGS/replica-$i.log"
  env DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:${REPLICA_PORT[$i]}" WORKERS=2 \
    DATABASE_MAX_CONNECTIONS="${REPLICA_POOL:-10}" RATE_LIMIT_PER_IP=100000000 RATE_LIMIT_PER_TOKEN=100000000 \
    ACCESS_TOKEN_TTL_SECS=86400 IMPORT_STORAGE="$WORK/imports" SPA_DIR="$WORK/no-spa" SHUTDOWN_TIMEOUT_SECS=5 \
    RUST_LOG="${REPLICA_LOG:-info}" "$BIN" serve >>"$LOGS/replica-$i.log" 2>&1 &
  REPLICA_PID[$i]=$!
}
wait_ready() {  # replica i answers /health/ready within 60 s
  local i=$1
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:${REPLICA_PORT[$i]}/health/ready" && return 0
    kill -0 "${REPLICA_PID[$i]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "$RUN_NAME: replica $i did not become ready; see $LOGS/replica-$i.log" >&2
  tail -n 20 "$LOGS/replica-$i.log" >&2
  return 1
}
stop_replica() {  # stop_replica i [SIGNAL]
  local i=$1 pid=${REPLICA_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  REPLICA_PID[$i]=
}
start_replicas() {  # start_replicas N
  for ((i = 0; i < $1; i++)); do start_replica "$i"; done
  for ((i = 0; i < $1; i++)); do wait_ready "$i"; done
}

# HAProxy in front of the replicas: round robin, a replica out of rotation after two
# failed /health/ready checks a second apart and back after two good ones. It retries
# (on another replica: redispatch) only a connection that could not be established —
# the request was never sent, so retrying is safe even for a POST; a request a replica
# took and then died on is a 502 to the client, who retries it with the same
# Idempotency-Key. Its own error answers carry `X-Proxy-Error: 1`, so the clients tell
# them from the API's. Its stats socket ($WORK/haproxy.sock) says what is in flight where.
start_haproxy() {
  LB_PORT=$(free_port)
  local code reason
  for code in 502 503 504; do
    case $code in 502) reason="Bad Gateway" ;; 503) reason="Service Unavailable" ;; 504) reason="Gateway Timeout" ;; esac
    printf 'HTTP/1.1 %s %s\r\ncontent-type: text/plain\r\nx-proxy-error: 1\r\ncache-control: no-cache\r\nconnection: close\r\n\r\nproxy: %s\n' \
      "$code" "$reason" "$code" > "$WORK/haproxy-$code.http"
  done
  {
    echo "global"
    echo "  maxconn 2000"
    echo "  log stdout format raw local0"
    echo "  stats socket $WORK/haproxy.sock mode 600 level admin"
    echo "defaults"
    echo "  mode http"
    echo "  log global"
    echo "  option httplog"
    echo "  timeout connect 2s"
    echo "  timeout client 60s"
    echo "  timeout server 30s"
    echo "  timeout check 2s"
    echo "  retries 3"
    echo "  retry-on conn-failure"
    echo "  option redispatch 1"
    echo "  errorfile 502 $WORK/haproxy-502.http"
    echo "  errorfile 503 $WORK/haproxy-503.http"
    echo "  errorfile 504 $WORK/haproxy-504.http"
    echo "frontend api"
    echo "  bind 127.0.0.1:$LB_PORT"
    echo "  default_backend replicas"
    echo "backend replicas"
    echo "  balance roundrobin"
    echo "  option httpchk GET /health/ready"
    echo "  http-check expect status 200"
    echo "  default-server check inter 1s fall 2 rise 2"
    for i in "${!REPLICA_PORT[@]}"; do echo "  server r$i 127.0.0.1:${REPLICA_PORT[$i]}"; done
  } > "$WORK/haproxy.cfg"
  cp "$WORK/haproxy.cfg" "$LOGS/haproxy.cfg"
  haproxy -db -f "$WORK/haproxy.cfg" >>"$LOGS/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$LB_PORT/health/ready" && return 0
    sleep 0.1
  done
  echo "$RUN_NAME: HAProxy did not answer; see $LOGS/haproxy.log" >&2
  exit 1
}
