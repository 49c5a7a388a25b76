#!/usr/bin/env bash
# Sets everything up, starts the bundled Immich-compatible server and serves the PWA, already
# pointed at it. Ctrl-C stops both. Data stays in .data/ between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_PORT="${SERVER_PORT:-2283}"
WWW_PORT="${WWW_PORT:-8080}"
API_KEY="${API_KEY:-immich-dev-key}"
bash scripts/build.sh
mkdir -p .data
target/debug/fake-immich --port "$SERVER_PORT" --data-dir .data/fake-immich --api-key "$API_KEY" &
server=$!
trap 'kill $server $www 2>/dev/null || true' EXIT INT TERM
node scripts/serve-www.mjs --port "$WWW_PORT" --dir dist \
  --server-url "http://127.0.0.1:$SERVER_PORT" --api-key "$API_KEY" --auto-connect &
www=$!
sleep 1
cat <<MSG

  immich-background is running.
  Open http://localhost:$WWW_PORT in Chromium: it is already pointed at the bundled server
  (http://127.0.0.1:$SERVER_PORT, API key $API_KEY). Pick photos, press "Back up".
  Press Ctrl-C to stop.

MSG
wait
