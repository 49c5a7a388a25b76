#!/usr/bin/env bash
# Sets everything up and runs every test suite: native (core + test server), wasm in a real
# service worker, the official Immich CLI against the test server, and end to end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

echo "== test: formatting"
cargo fmt --all -- --check

echo "== test: native (core, test server)"
cargo test --workspace

echo "== test: wasm in a service worker (headless Chromium)"
# chromedriver leaves a Chromium profile (~40 MB) in TMPDIR per test binary: a private one goes.
wasm_tmp=$(mktemp -d)
trap 'rm -rf "$wasm_tmp"' EXIT
TMPDIR="$wasm_tmp" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown --test worker_store --test worker_hash --test worker_locks --test worker_folders --test worker_mirror --test worker_queue_counts --test worker_run_rows

echo "== test: official CLI conformance and end to end (headless Chromium)"
node --test --test-concurrency=1 tests/cli/*.test.mjs tests/e2e/*.test.mjs
