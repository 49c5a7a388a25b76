// Conformance: the official @immich/cli (written by the Immich project, not by us) must log in,
// check and upload against fake-immich, and a second run must find everything already there.
// Needs target/debug/fake-immich (or FAKE_IMMICH_BIN) and the npm packages installed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const serverBin = process.env.FAKE_IMMICH_BIN ?? join(root, 'target/debug/fake-immich');
const immichBin = join(root, 'node_modules/.bin/immich');
// The CLI refuses Node < 22; the `node` npm package provides one.
const node22Dir = join(root, 'node_modules/node/bin');
const API_KEY = 'immich-dev-key';

let work;
let server;
let baseUrl;
let photosDir;
let configDir;
/** SHA-1 hex of each distinct content, mapped to one file name that holds it. */
const distinct = new Map();
let mediaFileCount = 0;

const sha1 = (bytes) => createHash('sha1').update(bytes).digest('hex');

function requirePrerequisites() {
  const missing = [];
  if (!existsSync(serverBin)) missing.push(`${serverBin} (run: cargo build -p fake-immich)`);
  if (!existsSync(immichBin)) missing.push(`${immichBin} (run: npm install)`);
  if (!existsSync(join(node22Dir, 'node'))) missing.push(`${node22Dir}/node (run: npm install)`);
  assert.deepEqual(missing, [], `missing prerequisites:\n  ${missing.join('\n  ')}`);
}

/** Starts the server on a free port and resolves with its base URL from the first stdout line. */
function startServer(dataDir) {
  const child = spawn(serverBin, ['--port', '0', '--data-dir', dataDir, '--api-key', API_KEY], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const url = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('fake-immich did not announce its address')), 15_000);
    child.once('exit', (code) => reject(new Error(`fake-immich exited early with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const match = /^fake-immich listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolvePromise(match[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
  });
  return { child, url };
}

/** Runs the official CLI; resolves with its exit code and combined output. */
function immich(...args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(immichBin, args, {
      env: { ...process.env, PATH: `${node22Dir}:${process.env.PATH}`, IMMICH_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

async function api(path, body) {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'x-api-key': API_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(response.ok, `${path} answered ${response.status}`);
  return response;
}

async function statisticsTotal() {
  return (await (await api('/assets/statistics')).json()).total;
}

/** A folder the CLI should upload: sizes from 0 bytes up, nested, non-ASCII, one repeated content. */
async function makePhotos(dir) {
  const files = [
    ['empty.jpg', 0],
    ['one-byte.jpg', 1],
    ['small.jpeg', 100],
    ['page.png', 4096],
    ['nested/deeper/photo.heic', 65_536],
    ['nested/clip.mp4', 300_000],
    ['nested/movie.MOV', 20_000],
    ['large.webp', 1_500_000],
    ['café été 🌅.jpg', 7_777],
    ['nested/raw.dng', 12_345],
  ];
  for (const [name, size] of files) {
    const bytes = randomBytes(size);
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
    distinct.set(sha1(bytes), name);
  }
  // Same bytes under two names: one asset on the server.
  const twin = randomBytes(50_000);
  await writeFile(join(dir, 'twin-a.jpg'), twin);
  await writeFile(join(dir, 'nested/twin-b.JPG'), twin);
  distinct.set(sha1(twin), 'twin-a.jpg');
  mediaFileCount = files.length + 2;
  // Not a media type: the CLI must not send it.
  await writeFile(join(dir, 'notes.txt'), 'not a photo');
}

before(async () => {
  requirePrerequisites();
  work = await mkdtemp(join(tmpdir(), 'fake-immich-cli-'));
  photosDir = join(work, 'photos');
  configDir = join(work, 'config');
  await makePhotos(photosDir);
  server = startServer(join(work, 'data'));
  baseUrl = await server.url;
});

after(async () => {
  server?.child.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the CLI logs in with an API key', async () => {
  const { code, output } = await immich('login', `${baseUrl}/api`, API_KEY);
  assert.equal(code, 0, output);
  assert.match(output, /Logged in as admin@immich\.local/);
  const auth = await readFile(join(configDir, 'auth.yml'), 'utf8');
  assert.match(auth, new RegExp(`url: ${baseUrl}/api`));
});

test('the CLI uploads every distinct content once', async () => {
  const { code, output } = await immich('upload', '--recursive', '--no-progress', photosDir);
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`Found ${mediaFileCount} new files and 0 duplicates`), output);
  assert.match(output, new RegExp(`Successfully uploaded ${distinct.size} new assets`), output);
  assert.match(output, /Skipped 1 duplicate asset\b/, output);
  assert.doesNotMatch(output, /Failed to upload/, output);

  assert.equal(await statisticsTotal(), distinct.size);
  const check = await api('/assets/bulk-upload-check', {
    assets: [...distinct.keys()].map((checksum) => ({ id: checksum, checksum })),
  });
  for (const result of (await check.json()).results) {
    assert.equal(result.action, 'reject', `${distinct.get(result.id)} is on the server`);
    assert.equal(result.reason, 'duplicate');
    const original = Buffer.from(await (await api(`/assets/${result.assetId}/original`)).arrayBuffer());
    assert.equal(sha1(original), result.id, `${distinct.get(result.id)} arrived intact`);
    const asset = await (await api(`/assets/${result.assetId}`)).json();
    assert.equal(asset.checksum, Buffer.from(result.id, 'hex').toString('base64'));
    const name = distinct.get(result.id);
    if (!name.startsWith('twin')) assert.equal(asset.originalFileName, name.split('/').pop());
  }
});

test('a second run finds everything already uploaded', async () => {
  const { code, output } = await immich('upload', '--recursive', '--no-progress', photosDir);
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`Found 0 new files and ${mediaFileCount} duplicates`), output);
  assert.match(output, /All assets were already uploaded, nothing to do\./, output);
  assert.equal(await statisticsTotal(), distinct.size);
});
