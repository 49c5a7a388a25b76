// Benchmark (b): back up the same 300 JPEG-sized files (50-500 KB) to a fresh test server, once
// through the PWA (service worker: hash, bulk check, upload) and once with the official
// `immich upload`; files per second and the ratio, measured in one run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_KEY, ROOT, randomFile, randomSize, start } from '../tests/e2e/harness.mjs';

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

async function viaPwa() {
  const env = await start();
  try {
    await env.open();
    await env.login();
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
    return seconds;
  } finally {
    await env.stop();
  }
}

async function viaCli() {
  const env = await start();
  const configDir = mkdtempSync(path.join(tmpdir(), 'immich-cli-'));
  try {
    const cliEnv = { PATH: `${path.join(ROOT, 'node_modules/node/bin')}:${process.env.PATH}`, IMMICH_CONFIG_DIR: configDir };
    const immich = path.join(ROOT, 'node_modules/.bin/immich');
    await run(immich, ['login', `${env.serverUrl}/api`, API_KEY], cliEnv);
    const t0 = performance.now();
    await run(immich, ['upload', '--no-progress', dir], cliEnv);
    const seconds = (performance.now() - t0) / 1000;
    const stats = await env.statistics();
    if (stats.total !== COUNT) throw new Error(`CLI: the server has ${stats.total} of ${COUNT}`);
    return seconds;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
    await env.stop();
  }
}

try {
  const cli = await viaCli();
  const pwa = await viaPwa();
  console.log(`backup: ${COUNT} files of 50-500 KB to a fresh test server`);
  console.log(`  PWA (service worker):  ${(COUNT / pwa).toFixed(1)} files/s (${pwa.toFixed(1)} s, from "Back up" to done)`);
  console.log(`  immich upload (CLI):   ${(COUNT / cli).toFixed(1)} files/s (${cli.toFixed(1)} s, whole command)`);
  console.log(`  ratio PWA / CLI: ${(cli / pwa).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
