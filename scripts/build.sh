#!/usr/bin/env bash
# Builds what the PWA and the tests run: the test server, the wasm package (pkg/, the npm
# package immich-background), the PWA (dist/) and the browser extension (dist/extension/, and
# zipped for a store upload).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== build: fake-immich"
cargo build -p fake-immich
echo "== build: wasm package (pkg/)"
# Optimized for size, for this build only (the release test server stays optimized for speed):
# a stopped worker downloads and compiles the module at each wake-up, and hashing measured no
# slower (npm run bench prints the size). Every test runs this build.
CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_STRIP=true \
  wasm-pack build --target web --release --out-dir pkg --no-pack
node scripts/package.mjs
echo "== build: PWA (dist/) and extension (dist/extension/)"
npx webpack --mode production
rm -f dist/immich-background-extension.zip
(cd dist/extension && python3 -m zipfile -c ../immich-background-extension.zip .)
