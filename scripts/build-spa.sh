#!/usr/bin/env bash
# Builds the Leptos SPA into frontend/dist: cargo compiles the crate to wasm (size-
# optimised profile `wasm-release`), wasm-bindgen writes the JS glue, and wasm-opt
# (binaryen, installed by scripts/tools.sh) shrinks the module — the steps trunk runs;
# see the README for why we call them directly. Then for delivery (crates/api/src/spa.rs):
# the JS, wasm and CSS get content-hashed names under assets/ (served with a year-long
# cache), index.html names them (served uncached), and every file is precompressed —
# gzip (zopfli when present) and brotli — so the server never compresses at run time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=frontend/dist
target_dir=${CARGO_TARGET_DIR:-target}
cargo build -p debtflow-frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out" && mkdir -p "$out/assets"
wasm-bindgen --target web --no-typescript --out-name debtflow --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/debtflow-frontend.wasm"
wasm_opt=$(command -v wasm-opt || echo .tools/node_modules/.bin/wasm-opt)
if [ -x "$wasm_opt" ]; then
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$out/debtflow_bg.wasm" "$out/debtflow_bg.wasm"
else
  echo "spa: wasm-opt not found (scripts/tools.sh installs it): the module is twice as large" >&2
fi
# One stylesheet: frontend/style/base.css, then each screen's own file.
{ cat frontend/style/base.css; find frontend/style -name '*.css' ! -name base.css | sort | xargs -r cat; } > "$out/style.css"

index=$(cat frontend/index.html)
for file in debtflow.js debtflow_bg.wasm style.css; do
  hash=$(sha256sum "$out/$file" | cut -c1-16)
  hashed="${file%.*}-$hash.${file##*.}"
  mv "$out/$file" "$out/assets/$hashed"
  index=${index//\/$file\"/\/assets\/$hashed\"}
done
printf '%s\n' "$index" > "$out/index.html"

for file in "$out/index.html" "$out"/assets/*; do
  if command -v zopfli >/dev/null 2>&1; then zopfli "$file"; else gzip -9 -k "$file"; fi
  if command -v brotli >/dev/null 2>&1; then brotli -q 11 -k "$file"; fi
done
echo "spa: built into $out: $(du -b "$out"/assets/*.wasm | cut -f1) bytes of wasm," \
  "$(cat "$out"/index.html.gz "$out"/assets/*.gz | wc -c) bytes gzip for a first visit" >&2
