#!/usr/bin/env bash
# Sets everything up, starts the bundled Immich-compatible server and serves the PWA in front of
# it, as a reverse proxy does in production (the PWA, and /api forwarded to the server: one
# origin), already logged in. Ctrl-C stops both. Data stays in .data/ between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_PORT="${SERVER_PORT:-2283}"
WWW_PORT="${WWW_PORT:-8080}"
DATA_DIR=.data/fake-immich
# Without API_KEY the server makes a random key on its first start and keeps it here.
KEY_FILE="$DATA_DIR/api-key"
bash scripts/build.sh
mkdir -p "$DATA_DIR"

# The demo user: the page logs in with this password (a session: backup and the library).
EMAIL="${EMAIL:-admin@immich.local}"
PASSWORD="${PASSWORD:-immich-dev-password}"
# No --allow-origin: like a stock server, no CORS; the page reaches it through its own origin.
server_args=(--port "$SERVER_PORT" --data-dir "$DATA_DIR" --email "$EMAIL" --password "$PASSWORD")
if [ -n "${API_KEY:-}" ]; then
  server_args+=(--api-key "$API_KEY")
  key_note="the API key from \$API_KEY"
else
  key_note="its API key, stored in $KEY_FILE"
fi
target/debug/fake-immich "${server_args[@]}" &
server=$!
trap 'kill $server ${www:-} 2>/dev/null || true' EXIT INT TERM

if [ -z "${API_KEY:-}" ]; then
  for _ in $(seq 100); do
    [ -s "$KEY_FILE" ] && break
    kill -0 "$server" 2>/dev/null || { echo "run.sh: fake-immich stopped (see above)" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$KEY_FILE" ] || { echo "run.sh: fake-immich wrote no $KEY_FILE within 10 s" >&2; exit 1; }
  API_KEY="$(cat "$KEY_FILE")"
fi

node scripts/serve-www.mjs --port "$WWW_PORT" --dir dist \
  --api-upstream "http://127.0.0.1:$SERVER_PORT" --api-key "$API_KEY" \
  --email "$EMAIL" --password "$PASSWORD" --auto-connect &
www=$!
sleep 1
cat <<MSG

  immich-background is running.
  Open http://localhost:$WWW_PORT in Chromium: it is already logged in to the bundled server
  (http://127.0.0.1:$SERVER_PORT, reached as http://localhost:$WWW_PORT/api) as $EMAIL with the
  password $PASSWORD (a session: backup and the library); $key_note works too.
  Pick photos, press "Back up"; the Library section shows what the server has. Ctrl-C stops.

MSG
wait
