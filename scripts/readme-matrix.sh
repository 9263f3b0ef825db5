#!/usr/bin/env bash
# Rewrites the role matrix in README.md from the code (auth::policy::markdown_table),
# using the table the README test prints when the two differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
table=$(cargo test -q -p debtflow-api --lib the_readme_shows_the_matrix 2>&1 \
  | sed -n '/replace it with:/,/^$/p' | sed '1d;/^$/d' | grep '^|' || true)
[ -n "$table" ] || { echo "readme-matrix: README is already up to date" >&2; exit 0; }
TABLE="$table" python3 - <<'PY'
import os, re
readme = open("README.md").read()
start = readme.index("| operation (under `/api/v1`) |")
end = readme.index("\n\n", start)
open("README.md", "w").write(readme[:start] + os.environ["TABLE"] + readme[end:])
PY
echo "readme-matrix: README.md updated" >&2
