#!/usr/bin/env bash
# What the SPA's browser runs need (scripts/e2e.sh, scripts/bench.sh), installed when
# missing: Chromium from Debian, and tests/e2e's playwright-core from its lockfile
# (playwright's own browser download does not work here; it drives /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "browser: installing chromium" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/e2e && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund >/dev/null; })
