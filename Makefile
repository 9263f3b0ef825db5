# DebtFlow — the commands of the README.
#   make run     install what is missing, start PostgreSQL, migrate, seed, build the SPA, serve :8080
#   make test    every test: lint, unit, property, HTTP integration on real PostgreSQL, OpenAPI drift, wasm build,
#                browser journeys of the SPA in headless Chromium, a generated client's journey over the API
#   make bench   release build + load figures (see README "Benchmarks")
#   make fuzz    contract fuzzing from the OpenAPI document, longer than make test's (schemathesis, 100 examples)
#   make chaos   three replicas behind HAProxy, killed and restarted under a steady mix; PostgreSQL restarted once
#   make soak    a steady mix for 10 minutes: RSS, connections, descriptors and p99 each minute
#   make backup  a verified dump of the database to .data/backups (scripts/backup.sh)
#   make restore FILE=.data/backups/<db>-<time>.dump DB=<new database>
# Without DATABASE_URL, a project-local PostgreSQL under .data/pg is used (scripts/pg.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PG := scripts/pg.sh
ifeq ($(origin DATABASE_URL), undefined)
LOCAL_PG := 1
RUN_DATABASE_URL := $(shell $(PG) url debtflow)
TEST_DATABASE_URL := $(shell $(PG) url postgres)
else
RUN_DATABASE_URL := $(DATABASE_URL)
TEST_DATABASE_URL := $(DATABASE_URL)
endif

NEXTEST := $(shell command -v cargo-nextest >/dev/null 2>&1 && echo "cargo nextest run" || echo "cargo test")

.PHONY: help run serve test lint unit fuzz-short fuzz test-pg-private wasm-target wasm-check e2e client bench chaos soak backup restore openapi spa tools db db-stop clean-data

help:
	@sed -n 's/^#   //p' Makefile

tools:
	@scripts/tools.sh

db:
ifdef LOCAL_PG
	@$(PG) start
endif

db-stop:
	@$(PG) stop

spa: tools
	@scripts/build-spa.sh

run: spa db
ifdef LOCAL_PG
	@$(PG) createdb debtflow
endif
	cargo build --release -p debtflow-api
	DATABASE_URL='$(RUN_DATABASE_URL)' target/release/debtflow migrate
	DATABASE_URL='$(RUN_DATABASE_URL)' target/release/debtflow seed-demo
	@echo "DebtFlow: http://127.0.0.1:8080 (Swagger UI: /api/v1/docs/) — Ctrl-C stops it"
	DATABASE_URL='$(RUN_DATABASE_URL)' exec target/release/debtflow serve

test: lint unit fuzz-short test-pg-private wasm-check e2e client
	@echo "make test: all green"

# The SPA is linted (and checked) for the browser: the wasm32 target first.
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

lint: wasm-target
	cargo fmt --all --check
	python3 scripts/module-cycles.py
	scripts/lint-openapi.sh
	cargo clippy --workspace --all-targets --exclude debtflow-frontend -- -D warnings
	cargo clippy -p debtflow-frontend --target wasm32-unknown-unknown -- -D warnings

unit: tools db
ifdef LOCAL_PG
	@# Databases of an interrupted earlier run.
	@$(PG) psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE 't\_%'" \
	  | while read -r db; do $(PG) psql -d postgres -c "DROP DATABASE \"$$db\" WITH (FORCE)"; done
endif
	@# The reliability tests run real `debtflow serve` processes.
	cargo build -p debtflow-api --bin debtflow
	DATABASE_URL='$(TEST_DATABASE_URL)' $(NEXTEST) --workspace --no-fail-fast

# The domain and wire crates must stay free of IO and build for the browser, like the SPA.
wasm-check: wasm-target
	cargo check -p debtflow-domain -p debtflow-wire -p debtflow-frontend --target wasm32-unknown-unknown
	@for c in debtflow-domain debtflow-wire; do \
	  if cargo tree -p $$c -e normal --prefix none | grep -Eq '^(sqlx|tokio|actix|reqwest|hyper|mio|utoipa) '; then \
	    echo "$$c depends on an IO or documentation crate:"; cargo tree -p $$c -e normal; exit 1; fi; done

# The SPA's journeys in headless Chromium against a real server (scripts/e2e.sh
# installs Chromium and playwright-core when missing).
e2e: tools db
	scripts/e2e.sh

# An integrator's journey with a client generated from openapi/openapi.json
# (openapi-typescript + openapi-fetch, type-checked by tsc) against a real server.
client: db
	scripts/client-journey.sh

bench: db tools
	scripts/bench.sh

# Contract fuzzing (schemathesis) against a real server, as a collector and as an
# agency admin: bounded in make test, longer and with a new seed in make fuzz.
fuzz-short: db
	scripts/fuzz.sh

fuzz: db
	FUZZ_EXAMPLES=100 FUZZ_SEED=$$RANDOM$$RANDOM scripts/fuzz.sh

chaos:
	scripts/chaos.sh

soak:
	scripts/soak.sh

# The local cluster starts from a checkout the postgres user cannot enter (root's 0700 home).
test-pg-private:
	scripts/test-pg-private.sh

backup: db
	DATABASE_URL='$(RUN_DATABASE_URL)' scripts/backup.sh

restore: db
	DATABASE_URL='$(TEST_DATABASE_URL)' scripts/restore.sh '$(FILE)' '$(DB)'

openapi:
	cargo run -q -p debtflow-api -- openapi > openapi/openapi.json

clean-data: db-stop
	rm -rf "$$($(PG) dir)" .data
