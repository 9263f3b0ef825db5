#!/usr/bin/env bash
# Installs the build tools the project needs, when missing: the wasm32 target,
# wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock, wasm-split-cli
# (the SPA's split by route), wasm-opt (npm's binaryen@123 under .tools: Debian's
# builds a module that crashes at run time), brotli and zopfli (the SPA's precompressed
# files), OpenSSH's sshd (the SFTP tests start a real one) and Python's aiosmtpd (the
# mail tests' SMTP sink).
# `make run`, `make test` and `make bench` call it; a second call finds everything and
# is quick.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "tools: adding the wasm32-unknown-unknown target" >&2
  rustup target add wasm32-unknown-unknown >&2
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "tools: installing wasm-bindgen-cli $want (a few minutes, once)" >&2
  cargo install wasm-bindgen-cli --version "$want" --force >&2
fi

# The SPA's split by route (scripts/build-spa.sh): wasm-split-cli of the crate
# wasm_split_cli_support, the version whose loader matches Leptos's wasm_split_helpers
# (not Dioxus's crate of the same binary name).
want_split=0.2.4
have_split=$(cargo install --list | awk '/^wasm_split_cli_support v/ { sub(/^v/, "", $2); sub(/:$/, "", $2); print $2 }')
if [ "$have_split" != "$want_split" ] || ! command -v wasm-split-cli >/dev/null 2>&1; then
  echo "tools: installing wasm-split-cli (wasm_split_cli_support $want_split, a few minutes, once)" >&2
  cargo install --locked "wasm_split_cli_support@$want_split" --features build-binary --force >&2
fi

if [ ! -x .tools/node_modules/.bin/wasm-opt ]; then
  echo "tools: installing wasm-opt (npm binaryen@123, under .tools)" >&2
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm >&2
  fi
  npm install --prefix .tools --no-audit --no-fund --silent binaryen@123 >&2
fi

if ! command -v brotli >/dev/null 2>&1 || ! command -v zopfli >/dev/null 2>&1; then
  echo "tools: installing brotli and zopfli (the SPA's precompressed files)" >&2
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y brotli zopfli >&2
fi

if [ ! -x /usr/sbin/sshd ]; then
  echo "tools: installing openssh-server (the SFTP tests run a real sshd)" >&2
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y openssh-server >&2
fi

# The mail tests deliver to a real SMTP server: aiosmtpd, from PyPI, as a sink.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "tools: installing aiosmtpd (the mail tests run a real SMTP sink)" >&2
  python3 -m pip install --quiet --root-user-action=ignore aiosmtpd >&2 \
    || python3 -m pip install --quiet --root-user-action=ignore --break-system-packages aiosmtpd >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-aiosmtpd >&2; }
fi
