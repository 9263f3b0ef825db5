#!/usr/bin/env bash
# The import scenario of `make bench` (also runnable alone, on the database of
# DATABASE_URL after `debtflow migrate` and `seed-demo`): a 100,000-row placement file
# imported by `debtflow import` beside a raw COPY of the same file into a bare table,
# then a 1,000,000-row file for the importer's peak memory. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
AGENCY=${BENCH_IMPORT_AGENCY:-Northwind Collections}
SMALL=${BENCH_IMPORT_ROWS:-100000}
LARGE=${BENCH_IMPORT_LARGE_ROWS:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sql() { psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }
if ! command -v psql >/dev/null; then sql() { scripts/pg.sh psql -d "$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<< "$DATABASE_URL")" "$@"; }; fi
run_timed() {  # seconds, peak RSS (MB) and exit code of a command
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
started = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{time.monotonic() - started:.2f} {peak:.1f} {code}")
PY
}
python3 scripts/bench/placements.py "$SMALL" "BENCH-$(date +%s)" > "$dir/small.csv"
python3 scripts/bench/placements.py "$LARGE" "LARGE-$(date +%s)" > "$dir/large.csv"
read -r import_s import_mb import_code < <(IMPORT_STORAGE="$dir/store" RUST_LOG=warn \
  run_timed target/release/debtflow import "$dir/small.csv" --agency "$AGENCY")
copy_started=$(date +%s.%N)
sql -c "CREATE UNLOGGED TABLE bench_copy (external_ref text, creditor text, original_creditor text,
          original_balance text, currency text, delinquency_date text, due_date text, priority text,
          debtor_name text, phone text, email text, address text, date_of_birth text, ssn_last4 text)" \
    -c "\copy bench_copy FROM '$dir/small.csv' WITH (FORMAT csv, HEADER)" -c "DROP TABLE bench_copy"
copy_s=$(python3 -c "import time; print(f'{time.time() - $copy_started:.2f}')")
read -r large_s large_mb large_code < <(IMPORT_STORAGE="$dir/store" RUST_LOG=warn \
  run_timed target/release/debtflow import "$dir/large.csv" --agency "$AGENCY")
echo "| import | rows | seconds | rows/s | peak RSS MB | exit | raw COPY s | import / COPY |"
echo "|---|---|---|---|---|---|---|---|"
python3 - "$SMALL" "$import_s" "$import_mb" "$import_code" "$copy_s" "$LARGE" "$large_s" "$large_mb" "$large_code" <<'PY'
import sys
small, s, mb, code, copy, large, ls, lmb, lcode = sys.argv[1:]
print(f"| debtflow import | {int(small):,} | {float(s):.1f} | {int(small) / float(s):,.0f} | {mb} | {code} | {copy} | {float(s) / float(copy):.1f}× |")
print(f"| debtflow import | {int(large):,} | {float(ls):.1f} | {int(large) / float(ls):,.0f} | {lmb} | {lcode} | | |")
PY
echo "Targets: ${SMALL} rows committed in < 10 s; peak RSS < 100 MB importing ${LARGE} rows."
