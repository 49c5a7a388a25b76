#!/usr/bin/env bash
# Benchmarks (not part of the tests): prints ratios against baselines measured in the same run.
# The test server is built optimized, so that the clients' costs, not the server's, are compared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cargo build -p fake-immich --release
export FAKE_IMMICH_BIN=target/release/fake-immich
cargo bench --bench engine_scale
node bench/size.mjs
node bench/startup.mjs
node bench/hash.mjs
node bench/backup.mjs
node bench/folders.mjs
node bench/sync.mjs
node bench/scale.mjs
