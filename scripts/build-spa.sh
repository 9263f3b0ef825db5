#!/usr/bin/env bash
# Builds the Leptos SPA into frontend/dist: cargo compiles the crate to wasm (size-
# optimised profile `wasm-release`, linked with its relocations), wasm-split-cli splits
# the module by route (frontend/src/routes.rs: the main module, one `split_<page>.wasm`
# per lazy page, `chunk_<n>.wasm` for code pages share, and `__wasm_split.js`, which
# fetches them), wasm-bindgen writes the JS glue of the main module, and wasm-opt
# (binaryen, installed by scripts/tools.sh; scripts/wasm-opt.mjs) shrinks every module — trunk's steps plus the
# split; see the README for why we call them directly. Then for delivery
# (crates/api/src/spa.rs): every file gets a content-hashed name under assets/ (served
# with a year-long cache), index.html names the main ones (served uncached), and every
# file is precompressed — gzip (zopfli when present) and brotli — so the server never
# compresses at run time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=frontend/dist
target_dir=${CARGO_TARGET_DIR:-target}
# --emit-relocs: wasm-split-cli follows the relocations to cut the module. Added to
# .cargo/config.toml's flags for the target (cargo joins the two lists).
cargo build -p debtflow-frontend --target wasm32-unknown-unknown --profile wasm-release \
  --config 'target.wasm32-unknown-unknown.rustflags = ["-C", "link-args=--emit-relocs"]'
rm -rf "$out" && mkdir -p "$out/assets"
split=$(mktemp -d)
trap 'rm -rf "$split"' EXIT
wasm-split-cli --target web --out-name debtflow \
  "$target_dir/wasm32-unknown-unknown/wasm-release/debtflow-frontend.wasm" "$split"
# The main module gets the JS glue; its exports stay as wasm-split-cli named them,
# since __wasm_split.js hands them to the split modules.
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-name debtflow \
  --out-dir "$out" "$split/debtflow.wasm"
mv "$split"/split_*.wasm "$split"/__wasm_split.js "$out/"
mv "$split"/chunk_*.wasm "$out/" 2>/dev/null || true
if [ -f .tools/node_modules/binaryen/index.js ]; then
  node scripts/wasm-opt.mjs "$out"/*.wasm
else
  echo "spa: binaryen not found (scripts/tools.sh installs it): the modules are twice as large" >&2
fi
# One stylesheet: frontend/style/base.css, then each screen's own file.
{ cat frontend/style/base.css; find frontend/style -name '*.css' ! -name base.css | sort | xargs -r cat; } > "$out/style.css"

# Hashed names. The split modules are named in __wasm_split.js (`"./split_staff.wasm"`),
# so they are renamed first and the loader rewritten. debtflow.js and __wasm_split.js
# import each other: they share one hash, of both texts (each names the other by it).
hashed() { echo "${1%.*}-$(sha256sum "$out/$1" | cut -c1-16).${1##*.}"; }
loader=$(cat "$out/__wasm_split.js")
for wasm in "$out"/split_*.wasm "$out"/chunk_*.wasm; do
  [ -e "$wasm" ] || continue
  file=$(basename "$wasm")
  name=$(hashed "$file")
  mv "$wasm" "$out/assets/$name"
  loader=${loader//\".\/$file\"/\"./$name\"}
done
printf '%s\n' "$loader" > "$out/__wasm_split.js"
js_hash=$(cat "$out/debtflow.js" "$out/__wasm_split.js" | sha256sum | cut -c1-16)
sed -E "s#from ([\"'])\./debtflow\.js\1#from \"./debtflow-$js_hash.js\"#" "$out/__wasm_split.js" \
  > "$out/assets/__wasm_split-$js_hash.js"
sed -E "s#from ([\"'])\./__wasm_split\.js\1#from \"./__wasm_split-$js_hash.js\"#" "$out/debtflow.js" \
  > "$out/assets/debtflow-$js_hash.js"
rm "$out/debtflow.js" "$out/__wasm_split.js"
grep -q "from \"./__wasm_split-$js_hash.js\"" "$out/assets/debtflow-$js_hash.js" \
  || { echo "spa: debtflow.js does not import __wasm_split.js as expected" >&2; exit 1; }
grep -q "from \"./debtflow-$js_hash.js\"" "$out/assets/__wasm_split-$js_hash.js" \
  || { echo "spa: __wasm_split.js does not import debtflow.js as expected" >&2; exit 1; }

index=$(cat frontend/index.html)
index=${index//\/debtflow.js\"/\/assets\/debtflow-$js_hash.js\"}
index=${index//\/__wasm_split.js\"/\/assets\/__wasm_split-$js_hash.js\"}
for file in debtflow_bg.wasm style.css; do
  name=$(hashed "$file")
  mv "$out/$file" "$out/assets/$name"
  index=${index//\/$file\"/\/assets\/$name\"}
done
printf '%s\n' "$index" > "$out/index.html"

# Both cores: some 500 files, zopfli and brotli at their slowest settings.
compress() {
  if command -v zopfli >/dev/null 2>&1; then zopfli "$1"; else gzip -9 -k "$1"; fi
  if command -v brotli >/dev/null 2>&1; then brotli -q 11 -k "$1"; fi
}
export -f compress
printf '%s\0' "$out/index.html" "$out"/assets/* | xargs -0 -P "$(nproc)" -I{} bash -c 'compress "$1"' _ {}

# What the login page's first visit downloads, and each page's code after it.
python3 scripts/spa-sizes.py "$out" >&2
