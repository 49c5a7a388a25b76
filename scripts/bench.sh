#!/usr/bin/env bash
# Benchmarks (not part of the tests): prints ratios against baselines measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
node bench/hash.mjs
node bench/backup.mjs
