#!/usr/bin/env bash
# Builds what the PWA and the tests run: the test server, the wasm package (pkg/) and dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== build: fake-immich"
cargo build -p fake-immich
echo "== build: wasm package (pkg/)"
wasm-pack build --target web --release --out-dir pkg --no-pack
echo "== build: PWA (dist/)"
npx webpack --mode production
