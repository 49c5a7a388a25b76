// Benchmark (b): back up the same 300 JPEG-sized files (50-500 KB) to a fresh test server
// through the PWA (service worker: hash, bulk check, upload) and with the official
// `immich upload` at -c 1 and -c 4; files per second and the ratios, measured in one run. The PWA
// runs same-origin (serve-www forwarding /api, as behind a deployment's reverse proxy) with its
// default three uploads at once and with one, and cross-origin (CORS, preflights included).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { API_KEY, ROOT, randomFile, randomSize, start } from '../tests/e2e/harness.mjs';
import { saveSettings } from '../tests/e2e/service-helpers.mjs';

const COUNT = Number(process.env.BENCH_FILES ?? 300);
const dir = mkdtempSync(path.join(tmpdir(), 'immich-bench-'));
const files = [];
for (let i = 0; i < COUNT; i++) {
  const body = randomFile(randomSize(50 * 1024, 500 * 1024));
  body.set([0xff, 0xd8, 0xff, 0xe0], 0); // a JPEG's first bytes
  const file = path.join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
  writeFileSync(file, body);
  files.push(file);
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${cmd} ${args.join(' ')}: ${code}\n${output}`))));
  });
}

async function viaPwa({ crossOrigin = false, parallelUploads = 3 } = {}) {
  const env = await start({ crossOrigin });
  try {
    await env.open();
    await env.login();
    await saveSettings(env.page, { parallelUploads });
    // by path: Playwright refuses more than 50 MB of buffers in one call
    await env.page.setInputFiles('#file-input', files);
    await env.page.waitForFunction((n) => document.getElementById('queue-status').textContent === `${n} files queued`,
      COUNT, { timeout: 120_000 });
    const t0 = performance.now();
    await env.page.click('#backup-start');
    await env.page.waitForFunction(() => (window.__channel ?? []).some((m) => m.method === 'systemStop'),
      null, { timeout: 600_000 });
    const seconds = (performance.now() - t0) / 1000;
    const stats = await env.statistics();
    if (stats.total !== COUNT) throw new Error(`PWA: the server has ${stats.total} of ${COUNT}`);
    return { seconds, fetchMs: await bareFetchCost(env) };
  } finally {
    await env.stop();
  }
}

/**
 * What one multipart upload costs a service worker by itself, with no queue around it: 100 new
 * in-memory files of 275 KB one at a time, then 100 more with three in flight.
 */
async function bareFetchCost(env) {
  const worker = env.context.serviceWorkers()[0];
  return worker.evaluate(async ({ url, key }) => {
    const file = () => {
      const bytes = new Uint8Array(275_000);
      crypto.getRandomValues(bytes.subarray(0, 65_536));
      return new Blob([bytes]);
    };
    const upload = async (name) => {
      const form = new FormData();
      form.append('assetData', file(), name);
      const now = new Date().toISOString();
      form.append('fileCreatedAt', now);
      form.append('fileModifiedAt', now);
      const response = await fetch(`${url}/api/assets`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
      await response.text();
    };
    const perUpload = async (inFlight, prefix) => {
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next < 100) await upload(`${prefix}-${next++}.jpg`);
      }));
      return (performance.now() - started) / 100;
    };
    return { one: await perUpload(1, 'one'), three: await perUpload(3, 'three') };
  }, { url: env.pageServerUrl, key: API_KEY });
}

async function viaCli(concurrency) {
  const env = await start();
  const configDir = mkdtempSync(path.join(tmpdir(), 'immich-cli-'));
  try {
    const cliEnv = { PATH: `${path.join(ROOT, 'node_modules/node/bin')}:${process.env.PATH}`, IMMICH_CONFIG_DIR: configDir };
    const immich = path.join(ROOT, 'node_modules/.bin/immich');
    await run(immich, ['login', `${env.pageServerUrl}/api`, API_KEY], cliEnv);
    const t0 = performance.now();
    await run(immich, ['upload', '--no-progress', '--concurrency', String(concurrency), dir], cliEnv);
    const seconds = (performance.now() - t0) / 1000;
    const stats = await env.statistics();
    if (stats.total !== COUNT) throw new Error(`CLI: the server has ${stats.total} of ${COUNT}`);
    return seconds;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
    await env.stop();
  }
}

/** Files per second; the PWA's time runs from "Back up" to its systemStop. */
const rate = (seconds) => `${(COUNT / seconds).toFixed(1)} files/s (${seconds.toFixed(1)} s)`;

try {
  const cli1 = await viaCli(1);
  const cli4 = await viaCli(4);
  const best = Math.min(cli1, cli4);
  const same = await viaPwa();
  const one = await viaPwa({ parallelUploads: 1 });
  const cross = await viaPwa({ crossOrigin: true });
  console.log(`backup: ${COUNT} files of 50-500 KB to a fresh test server (${cpus().length} cores)`);
  const rows = [
    ['immich upload -c 1 (whole command)', cli1],
    ['immich upload -c 4 (whole command)', cli4],
    ['PWA same-origin, 3 uploads at once', same.seconds],
    ['PWA same-origin, 1 upload at a time', one.seconds],
    ['PWA cross-origin, 3 uploads at once', cross.seconds],
  ];
  for (const [label, seconds] of rows) console.log(`  ${`${label}:`.padEnd(38)} ${rate(seconds)}`);
  console.log(`  ratio PWA (same-origin, default) / CLI -c 1: ${(cli1 / same.seconds).toFixed(2)}, / CLI -c 4: ${(cli4 / same.seconds).toFixed(2)}, / the CLI's best: ${(best / same.seconds).toFixed(2)}`);
  console.log(`  ratio PWA (cross-origin, default) / the CLI's best: ${(best / cross.seconds).toFixed(2)}`);
  console.log(`  for reference, a bare 275 KB multipart fetch from the worker: ${same.fetchMs.one.toFixed(1)} ms each`
    + ` one at a time, ${same.fetchMs.three.toFixed(1)} ms each with three in flight`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
