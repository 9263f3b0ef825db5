#!/usr/bin/env bash
# Builds the Leptos SPA into frontend/dist: cargo compiles the crate to wasm (size-
# optimised profile `wasm-release`), wasm-bindgen writes the JS glue, and the static
# files are copied beside them. These are the two steps trunk runs; see the README
# for why we call them directly. `wasm-opt` shrinks the module further when present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=frontend/dist
target_dir=${CARGO_TARGET_DIR:-target}
cargo build -p debtflow-frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-name debtflow --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/debtflow-frontend.wasm"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$out/debtflow_bg.wasm" "$out/debtflow_bg.wasm"
fi
cp frontend/index.html frontend/style.css "$out/"
echo "spa: built $(du -sh "$out" | cut -f1) into $out" >&2
