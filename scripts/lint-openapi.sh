#!/usr/bin/env bash
# Lints openapi/openapi.json with Redocly CLI's recommended rules (redocly.yaml), the
# CLI pinned in tools/openapi/package-lock.json and installed there with `npm ci` when
# missing (offline once installed). Fails on any error; warnings are printed.
# `make lint` runs it; the document itself comes from the code (`make openapi`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tools=tools/openapi
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "lint-openapi: installing nodejs and npm" >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm >&2
  fi
  echo "lint-openapi: installing the pinned Redocly CLI under $tools" >&2
  (cd "$tools" && npm ci --no-audit --no-fund --silent >&2)
fi

# No telemetry, no update check: the lint runs the same offline as online.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec "$tools/node_modules/.bin/redocly" lint openapi/openapi.json --config redocly.yaml --format=stylish
